"""The directory of partner organisations: list, near-duplicate look-up, a record's page,
adding and editing, and the department's merge and delete."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup

from proforient.core.access import department_required, user_school_id
from proforient.core.params import id_arg
from proforient.extensions import db
from proforient.partners import operations, queries
from proforient.partners.forms import MergeForm, PartnerForm
from proforient.partners.links import partner_links
from proforient.partners.models import Partner, PartnerKind

bp = Blueprint("partners", __name__, url_prefix="/partners")


@bp.get("/")
@login_required
def index():
    q = request.args.get("q", "").strip()[:200]
    kind = request.args.get("kind", "")
    page = db.paginate(
        queries.partner_list_query(q, kind),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    ids = [p.id for p in page.items]
    columns = [link.list_column(ids) for link in partner_links() if link.list_column]
    return render_template(
        "partners/index.html",
        page=page,
        q=q,
        kind=kind,
        kinds=PartnerKind.choices(),
        columns=columns,
    )


@bp.get("/similar")
@login_required
def similar():
    """Progressive enhancement for the partner form: near-duplicates of a typed name."""
    found = queries.similar_partners(
        request.args.get("name", "")[:500],
        request.args.get("short_name", "")[:200],
        request.args.get("inn", "")[:20],
        exclude_id=id_arg("exclude"),
    )
    return jsonify(
        similar=[
            {**s.as_json(), "url": url_for("partners.detail", partner_id=s.partner.id)}
            for s in found
        ]
    )


def _form_page(form, partner, similar):
    return render_template("partners/form.html", form=form, partner=partner, similar=similar)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = PartnerForm()
    similar = []
    if request.method == "GET" and request.args.get("name"):
        form.name.data = request.args["name"][:500]
        similar = queries.similar_partners(form.name.data)
    if request.method == "POST":
        # «Проверить» re-renders the form with near-duplicates and saves nothing.
        similar = queries.similar_partners(
            form.name.data or "", form.short_name.data or "", form.inn.data or ""
        )
        if "check" not in request.form and form.validate_on_submit():
            if similar and not form.confirm_distinct.data:
                form.confirm_distinct.errors = [
                    "Похожая организация уже есть в справочнике. Выберите её или отметьте, "
                    "что это другая организация."
                ]
            else:
                partner = operations.save_partner(
                    Partner(), form, added_by_school_id=user_school_id()
                )
                db.session.commit()
                flash(f"Организация «{partner.display_name}» добавлена в справочник.", "success")
                if request.args.get("for_agreement") == "1":
                    return redirect(url_for("agreements.new", partner_id=partner.id))
                return redirect(url_for("partners.detail", partner_id=partner.id))
    return _form_page(form, None, similar)


@bp.route("/<int:partner_id>/edit", methods=["GET", "POST"])
@login_required
def edit(partner_id: int):
    partner = db.get_or_404(Partner, partner_id)
    if not queries.can_edit_partner(partner, current_user):
        abort(403)
    form = PartnerForm(obj=partner)
    similar = []
    if request.method == "POST":
        similar = queries.similar_partners(
            form.name.data or "",
            form.short_name.data or "",
            form.inn.data or "",
            exclude_id=partner.id,
        )
        if "check" not in request.form and form.validate_on_submit():
            operations.save_partner(partner, form)
            db.session.commit()
            flash("Изменения сохранены.", "success")
            return redirect(url_for("partners.detail", partner_id=partner.id))
    return _form_page(form, partner, similar)


@bp.get("/<int:partner_id>")
@login_required
def detail(partner_id: int):
    partner = db.get_or_404(Partner, partner_id)
    similar = (
        queries.similar_partners(
            partner.name, partner.short_name, partner.inn or "", exclude_id=partner.id
        )
        if current_user.is_department
        else []
    )
    sections = [Markup(link.section(partner)) for link in partner_links() if link.section]
    return render_template(
        "partners/detail.html",
        partner=partner,
        sections=sections,
        similar=similar,
        can_edit=queries.can_edit_partner(partner, current_user),
        used=queries.in_use(partner.id),
    )


@bp.route("/<int:partner_id>/merge", methods=["GET", "POST"])
@department_required
def merge(partner_id: int):
    duplicate = db.get_or_404(Partner, partner_id)
    form = MergeForm()
    similar = queries.similar_partners(
        duplicate.name,
        duplicate.short_name,
        duplicate.inn or "",
        exclude_id=duplicate.id,
        limit=10,
    )
    form.survivor_id.choices = queries.merge_choices(duplicate)
    if request.method == "GET":
        form.survivor_id.data = id_arg("into") or (similar[0].partner.id if similar else 0)
    if form.validate_on_submit():
        survivor = db.session.get(Partner, form.survivor_id.data)
        if survivor is None or survivor.id == duplicate.id:
            form.survivor_id.errors = ["Выберите другую запись, которая останется."]
        else:
            try:
                moved = operations.merge_partners(survivor, duplicate)
            except operations.MergeConflict as conflict:
                db.session.rollback()
                form.survivor_id.errors = [str(conflict)]
            else:
                db.session.commit()
                flash(f"Записи объединены. Перенесено {operations.moved_text(moved)}.", "success")
                return redirect(url_for("partners.detail", partner_id=survivor.id))
    counts = queries.link_counts(duplicate.id)
    return render_template(
        "partners/merge.html",
        partner=duplicate,
        form=form,
        similar=similar,
        moving=[(link.listed, counts[link.key]) for link in partner_links()],
    )


@bp.post("/<int:partner_id>/delete")
@department_required
def delete(partner_id: int):
    partner = db.get_or_404(Partner, partner_id)
    if queries.in_use(partner.id):
        named = " или ".join(link.listed for link in partner_links())
        flash(
            f"Организацию нельзя удалить: с ней есть {named}. "
            "Если это дубликат, объедините записи.",
            "error",
        )
        return redirect(url_for("partners.detail", partner_id=partner.id))
    name = partner.display_name
    db.session.delete(partner)
    db.session.commit()
    flash(f"Организация «{name}» удалена из справочника.", "success")
    return redirect(url_for("partners.index"))
