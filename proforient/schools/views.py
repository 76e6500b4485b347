from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from proforient.core.access import department_required, get_for_school_or_404
from proforient.extensions import db
from proforient.pdf.document import pdf_response
from proforient.schools import services
from proforient.schools.forms import SchoolForm
from proforient.schools.models import GRADES, School
from proforient.schools.pdf import school_list_pdf

bp = Blueprint("schools", __name__, url_prefix="/schools")


@bp.get("/")
@department_required
def index():
    q = request.args.get("q", "").strip()
    include_inactive = request.args.get("all") == "1"
    stmt = services.school_list_query(q, include_inactive)
    page = db.paginate(stmt, per_page=current_app.config["PER_PAGE"], error_out=False)
    enrolment = services.enrolment_table([s.id for s in page.items])
    return render_template(
        "schools/list.html",
        page=page,
        q=q,
        include_inactive=include_inactive,
        enrolment=enrolment,
    )


@bp.get("/list.pdf")
@department_required
def list_pdf():
    schools = db.session.scalars(services.school_list_query()).all()
    enrolment = services.enrolment_table([s.id for s in schools])
    return pdf_response(school_list_pdf(schools, enrolment), "Список ОО.pdf")


@bp.route("/new", methods=["GET", "POST"])
@department_required
def new():
    form = SchoolForm()
    if form.validate_on_submit():
        school = services.save_school(School(), form)
        db.session.commit()
        flash(f"Школа «{school.short_name}» добавлена.", "success")
        return redirect(url_for("schools.detail", school_id=school.id))
    return render_template("schools/form.html", form=form, school=None)


@bp.route("/<int:school_id>/edit", methods=["GET", "POST"])
@department_required
def edit(school_id: int):
    school = db.get_or_404(School, school_id)
    form = SchoolForm(obj=school, editing=school)
    if request.method == "GET":
        for grade, students in school.enrolment_by_grade().items():
            getattr(form, f"grade_{grade}").data = students
    if form.validate_on_submit():
        services.save_school(school, form)
        db.session.commit()
        flash("Изменения сохранены.", "success")
        return redirect(url_for("schools.detail", school_id=school.id))
    return render_template("schools/form.html", form=form, school=school)


@bp.post("/<int:school_id>/active")
@department_required
def toggle_active(school_id: int):
    school = db.get_or_404(School, school_id)
    school.active = not school.active
    db.session.commit()
    state = "снова активна" if school.active else "отключена и скрыта из списков"
    flash(f"Школа «{school.short_name}» {state}.", "success")
    return redirect(url_for("schools.detail", school_id=school.id))


@bp.get("/<int:school_id>")
@login_required
def detail(school_id: int):
    school = get_for_school_or_404(School, school_id, school_attr="id")
    return render_template("schools/detail.html", school=school, grades=GRADES)


@bp.get("/mine")
@login_required
def mine():
    from flask_login import current_user

    if current_user.school_id is None:
        return redirect(url_for("schools.index"))
    return redirect(url_for("schools.detail", school_id=current_user.school_id))
