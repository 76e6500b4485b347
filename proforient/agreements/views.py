"""Agreements: the list and its exports, an agreement's page, form and scan, the
department's overview, a school's tab, the home-page panel and the block on a partner's
page."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from proforient.agreements import operations, queries, scans
from proforient.agreements.export import list_workbook, overview_workbook
from proforient.agreements.forms import AgreementForm
from proforient.agreements.models import AGREEMENT_SUBJECTS, Agreement, AgreementStatus
from proforient.core.access import (
    department_required,
    ensure_school_allowed,
    get_for_school_or_404,
    user_school_id,
)
from proforient.core.exports import content_disposition, xlsx_response
from proforient.core.params import date_arg, id_arg, year_arg
from proforient.core.timeutil import current_academic_year, local_today, to_local
from proforient.extensions import db
from proforient.partners.models import Partner, PartnerKind
from proforient.schools.models import School
from proforient.schools.services import school_choices

bp = Blueprint("agreements", __name__, url_prefix="/agreements")

TOO_LARGE = "Файл слишком большой. Скан должен быть не больше 10 МБ."
STATUS_FILTERS = [("in_force", "в силе (действует или истекает)"), *AgreementStatus.choices()]


# --- Helpers -------------------------------------------------------------------------------


def _year_choices() -> list[int]:
    current = current_academic_year()
    return list(range(current + 1, current - 6, -1))


def _filters() -> queries.AgreementFilters:
    school_id = id_arg("school")
    ensure_school_allowed(school_id)
    year = year_arg()
    status = request.args.get("status", "")
    return queries.AgreementFilters(
        school_id=school_id,
        kind=request.args.get("kind", "")
        if request.args.get("kind") in PartnerKind.codes()
        else "",
        status=status if status in dict(STATUS_FILTERS) else "",
        year=year if year in _year_choices() else None,
        partner_id=id_arg("partner"),
        q=request.args.get("q", "").strip()[:200],
    )


def _agreement_form(agreement: Agreement | None, **kwargs) -> AgreementForm:
    if current_user.is_department:
        choices = school_choices(agreement.school_id if agreement else None)
        form = AgreementForm(editing=agreement, school_choices=choices, **kwargs)
    else:
        form = AgreementForm(editing=agreement, **kwargs)
        form.bind_school(current_user.school_id)
    return form


def _save_agreement(form: AgreementForm, agreement: Agreement, school_id: int) -> bool:
    """Save fields and scan in one transaction; never leave a file without a row or a row
    pointing at a missing file."""
    operations.save_agreement(agreement, form, school_id)
    new_file = previous = None
    try:
        if form.has_new_scan():
            new_file, previous = scans.store_scan(agreement, form.scan.data)
        elif form.remove_scan.data:
            previous = scans.drop_scan(agreement)
        db.session.flush()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        scans.remove_file(new_file)
        form.number.errors = [
            *form.number.errors,
            "Договор с этим партнёром под таким номером и датой уже внесён.",
        ]
        return False
    except BaseException:
        db.session.rollback()
        scans.remove_file(new_file)
        raise
    scans.remove_file(previous)
    return True


def _render_agreement_form(form, agreement, status=200):
    school = None
    if agreement is not None and agreement.id is not None:
        school = agreement.school
    elif not current_user.is_department:
        school = db.session.get(School, current_user.school_id)
    return (
        render_template(
            "agreements/form.html",
            form=form,
            agreement=agreement,
            school=school,
            today=local_today(),
            subjects=AGREEMENT_SUBJECTS,
            max_scan_bytes=scans.MAX_SCAN_BYTES,
        ),
        status,
    )


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_e):
    """An upload above MAX_CONTENT_LENGTH: show the form again with the message beside the
    scan field (the rest of the body was never read, so the other fields start over)."""
    agreement = None
    if request.endpoint == "agreements.edit":
        agreement = get_for_school_or_404(Agreement, request.view_args["agreement_id"])
        form = _agreement_form(agreement, formdata=None, obj=agreement)
        form.indefinite.data = agreement.valid_until is None
    elif request.endpoint == "agreements.new":
        form = _agreement_form(None, formdata=None)
    else:
        abort(413)
    form.scan.errors = [TOO_LARGE + " Остальные поля заполните заново."]
    return _render_agreement_form(form, agreement, status=413)


# --- Agreements ----------------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    f = _filters()
    today = local_today()
    scope = user_school_id()
    stmt = queries.agreement_list_query(f, today, scope)
    page = db.paginate(stmt, per_page=current_app.config["PER_PAGE"], error_out=False)
    # db.paginate yields the first column only; statuses are recomputed from loaded rows
    # by the same rule the SQL uses.
    counts = queries.status_counts(f, today, scope)
    return render_template(
        "agreements/list.html",
        page=page,
        rows=[(a, a.status_on(today)) for a in page.items],
        f=f,
        today=today,
        counts=counts,
        schools=school_choices() if current_user.is_department else [],
        kinds=PartnerKind.choices(),
        statuses=STATUS_FILTERS,
        years=_year_choices(),
        partner=db.session.get(Partner, f.partner_id) if f.partner_id else None,
    )


@bp.get("/export.xlsx")
@login_required
def export():
    today = local_today()
    wb = list_workbook(_filters(), today, user_school_id())
    return xlsx_response(wb, f"Договоры на {today:%d.%m.%Y}.xlsx")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    agreement = Agreement()
    form = _agreement_form(None)
    if request.method == "GET":
        form.partner_id.data = id_arg("partner_id") or 0
        if current_user.is_department:
            form.school_id.data = id_arg("school_id") or 0
    if form.validate_on_submit():
        school_id = form.school_id.data if current_user.is_department else current_user.school_id
        if _save_agreement(form, agreement, school_id):
            flash(f"{agreement} добавлен.", "success")
            return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    return _render_agreement_form(form, None)


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
@login_required
def edit(agreement_id: int):
    agreement = get_for_school_or_404(Agreement, agreement_id)
    form = _agreement_form(agreement, obj=agreement)
    if request.method == "GET":
        form.indefinite.data = agreement.valid_until is None
    if form.validate_on_submit():
        school_id = form.school_id.data if current_user.is_department else agreement.school_id
        if _save_agreement(form, agreement, school_id):
            flash("Изменения сохранены.", "success")
            return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    return _render_agreement_form(form, agreement)


@bp.get("/<int:agreement_id>")
@login_required
def detail(agreement_id: int):
    agreement = get_for_school_or_404(Agreement, agreement_id)
    today = local_today()
    status = agreement.status_on(today)
    return render_template(
        "agreements/detail.html",
        agreement=agreement,
        status=status,
        status_label=status.label,
        days_left=(agreement.valid_until - today).days if agreement.valid_until else None,
        uploaded_at=to_local(agreement.scan_uploaded_at) if agreement.scan_uploaded_at else None,
    )


@bp.post("/<int:agreement_id>/delete")
@login_required
def delete(agreement_id: int):
    agreement = get_for_school_or_404(Agreement, agreement_id)
    school_id = agreement.school_id
    label = str(agreement)
    path = scans.scan_path(agreement)
    db.session.delete(agreement)
    db.session.commit()
    scans.remove_file(path)
    flash(f"{label} удалён.", "success")
    return redirect(url_for("agreements.school_agreements", school_id=school_id))


@bp.get("/<int:agreement_id>/scan")
@login_required
def scan(agreement_id: int):
    agreement = get_for_school_or_404(Agreement, agreement_id)
    path = scans.scan_path(agreement)
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype="application/pdf", conditional=True, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(
        scans.scan_download_name(agreement)
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/overview")
@department_required
def overview():
    day = date_arg("on") or local_today()
    data = queries.overview(day)
    return render_template(
        "agreements/overview.html",
        data=data,
        kinds=PartnerKind,
        is_today=day == local_today(),
        year=current_academic_year(),
    )


@bp.get("/overview.xlsx")
@department_required
def overview_export():
    day = date_arg("on") or local_today()
    return xlsx_response(overview_workbook(day), f"Договоры по школам на {day:%d.%m.%Y}.xlsx")


@bp.get("/school/<int:school_id>")
@login_required
def school_agreements(school_id: int):
    school = get_for_school_or_404(School, school_id, school_attr="id")
    today = local_today()
    f = queries.AgreementFilters(school_id=school.id)
    rows = db.session.execute(queries.agreement_list_query(f, today, school.id)).all()
    in_force = queries.in_force_by_school_and_kind(today, school.id).get(school.id, {})
    return render_template(
        "agreements/school.html",
        school=school,
        rows=rows,
        today=today,
        in_force=in_force,
        kinds=PartnerKind,
    )


# --- Home page -----------------------------------------------------------------------------


def home_panel():
    if not current_user.is_authenticated:
        return None
    today = local_today()
    if current_user.is_department:
        data = queries.overview(today)
        return render_template(
            "agreements/_home_panel.html",
            department=True,
            expiring=queries.expiring_agreements(today, None, limit=5),
            expiring_count=queries.count_expiring(today),
            without=data["without"],
            schools=data["schools"],
            today=today,
        )
    school_id = current_user.school_id
    expiring = queries.expiring_agreements(today, school_id)
    in_force = sum(
        queries.in_force_by_school_and_kind(today, school_id).get(school_id, {}).values()
    )
    return render_template(
        "agreements/_home_panel.html",
        department=False,
        expiring=expiring,
        expiring_count=len(expiring),
        in_force=in_force,
        school_id=school_id,
        today=today,
    )


def partner_section(partner: Partner) -> str:
    """The partner's agreements that the viewer may see, for the partner's page."""
    today = local_today()
    f = queries.AgreementFilters(partner_id=partner.id)
    rows = db.session.execute(queries.agreement_list_query(f, today, user_school_id())).all()
    return render_template("agreements/_partner_section.html", partner=partner, rows=rows)


def partner_column(partner_ids: list[int]) -> tuple[str, dict[int, int]]:
    """The partner directory's column: agreements per listed partner (the coordinator's
    school's only)."""
    school_id = user_school_id()
    heading = "Договоры" if school_id is None else "Договоры школы"
    return heading, queries.agreement_counts_by_partner(partner_ids, school_id)
