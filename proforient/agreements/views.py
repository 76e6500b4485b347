from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from proforient.agreements import services
from proforient.agreements.forms import AgreementForm, MergeForm, PartnerForm
from proforient.agreements.models import (
    PARTNER_KIND_CODES,
    PARTNER_KIND_SHORT,
    PARTNER_KINDS,
    Agreement,
    Partner,
    Status,
)
from proforient.core.access import (
    department_required,
    ensure_school_allowed,
    get_for_school_or_404,
    user_school_id,
)
from proforient.core.exports import content_disposition, new_workbook, write_table, xlsx_response
from proforient.core.params import date_arg, id_arg, year_arg
from proforient.core.timeutil import (
    academic_year_label,
    current_academic_year,
    local_today,
    to_local,
)
from proforient.extensions import db
from proforient.schools.models import School

bp = Blueprint("agreements", __name__, url_prefix="/agreements")
partners_bp = Blueprint("partners", __name__, url_prefix="/partners")

TOO_LARGE = "Файл слишком большой. Скан должен быть не больше 10 МБ."
STATUS_FILTERS = [("in_force", "в силе (действует или истекает)"), *Status.CHOICES]


# --- Helpers -------------------------------------------------------------------------------


def _year_choices() -> list[int]:
    current = current_academic_year()
    return list(range(current + 1, current - 6, -1))


def _filters() -> services.AgreementFilters:
    school_id = id_arg("school")
    ensure_school_allowed(school_id)
    year = year_arg()
    status = request.args.get("status", "")
    return services.AgreementFilters(
        school_id=school_id,
        kind=request.args.get("kind", "") if request.args.get("kind") in PARTNER_KIND_CODES else "",
        status=status if status in dict(STATUS_FILTERS) else "",
        year=year if year in _year_choices() else None,
        partner_id=id_arg("partner"),
        q=request.args.get("q", "").strip()[:200],
    )


def _school_choices(include_id: int | None = None) -> list[tuple[int, str]]:
    stmt = select(School.id, School.short_name).order_by(School.short_name)
    if include_id is not None:
        stmt = stmt.where((School.active) | (School.id == include_id))
    else:
        stmt = stmt.where(School.active)
    return [(sid, name) for sid, name in db.session.execute(stmt)]


def _agreement_form(agreement: Agreement | None, **kwargs) -> AgreementForm:
    if current_user.is_department:
        choices = _school_choices(agreement.school_id if agreement else None)
        form = AgreementForm(editing=agreement, school_choices=choices, **kwargs)
    else:
        form = AgreementForm(editing=agreement, **kwargs)
        form.bind_school(current_user.school_id)
    return form


def _save_agreement(form: AgreementForm, agreement: Agreement, school_id: int) -> bool:
    """Save fields and scan in one transaction; never leave a file without a row or a row
    pointing at a missing file."""
    services.save_agreement(agreement, form, school_id)
    new_file = previous = None
    try:
        if form.has_new_scan():
            new_file, previous = services.store_scan(agreement, form.scan.data)
        elif form.remove_scan.data:
            previous = services.drop_scan(agreement)
        db.session.flush()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        services.remove_file(new_file)
        form.number.errors = [
            *form.number.errors,
            "Договор с этим партнёром под таким номером и датой уже внесён.",
        ]
        return False
    except BaseException:
        db.session.rollback()
        services.remove_file(new_file)
        raise
    services.remove_file(previous)
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
    stmt = services.agreement_list_query(f, today, scope)
    page = db.paginate(stmt, per_page=current_app.config["PER_PAGE"], error_out=False)
    # db.paginate yields the first column only; statuses are recomputed from loaded rows
    # by the same rule the SQL uses.
    counts = services.status_counts(f, today, scope)
    return render_template(
        "agreements/list.html",
        page=page,
        rows=[(a, a.status_on(today)) for a in page.items],
        f=f,
        today=today,
        counts=counts,
        schools=_school_choices() if current_user.is_department else [],
        kinds=PARTNER_KINDS,
        statuses=STATUS_FILTERS,
        years=_year_choices(),
        partner=db.session.get(Partner, f.partner_id) if f.partner_id else None,
    )


@bp.get("/export.xlsx")
@login_required
def export():
    f = _filters()
    today = local_today()
    stmt = services.agreement_list_query(f, today, user_school_id())
    rows = []
    for agreement, status in db.session.execute(stmt):
        rows.append(
            [
                agreement.school.short_name,
                agreement.partner.name,
                agreement.partner.kind_label,
                agreement.partner.inn or "",
                agreement.number,
                agreement.signed_on,
                agreement.valid_from,
                agreement.valid_until or "бессрочно",
                agreement.terminated_on,
                Status.LABELS[status],
                agreement.subject,
                "есть" if agreement.scan_key else "нет",
                agreement.notes,
            ]
        )
    wb = new_workbook()
    ws = wb.create_sheet("Договоры")
    title = f"Договоры о сотрудничестве на {today:%d.%m.%Y}"
    if f.year is not None:
        title += f", {academic_year_label(f.year)}"
    write_table(
        ws,
        [
            "Школа",
            "Организация-партнёр",
            "Тип организации",
            "ИНН",
            "Номер",
            "Дата заключения",
            "Действует с",
            "Действует по",
            "Расторгнут с",
            "Статус",
            "Предмет",
            "Скан",
            "Примечания",
        ],
        rows,
        title=title,
        widths=[34, 44, 24, 14, 12, 14, 14, 14, 14, 22, 40, 8, 30],
    )
    for column in "FGHI":
        for cell in ws[column][2:]:
            if isinstance(cell.value, date):
                cell.number_format = "DD.MM.YYYY"
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
        status_label=Status.LABELS[status],
        days_left=(agreement.valid_until - today).days if agreement.valid_until else None,
        uploaded_at=to_local(agreement.scan_uploaded_at) if agreement.scan_uploaded_at else None,
    )


@bp.post("/<int:agreement_id>/delete")
@login_required
def delete(agreement_id: int):
    agreement = get_for_school_or_404(Agreement, agreement_id)
    school_id = agreement.school_id
    label = str(agreement)
    path = services.scan_path(agreement)
    db.session.delete(agreement)
    db.session.commit()
    services.remove_file(path)
    flash(f"{label} удалён.", "success")
    return redirect(url_for("agreements.school_agreements", school_id=school_id))


@bp.get("/<int:agreement_id>/scan")
@login_required
def scan(agreement_id: int):
    agreement = get_for_school_or_404(Agreement, agreement_id)
    path = services.scan_path(agreement)
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype="application/pdf", conditional=True, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(
        services.scan_download_name(agreement)
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/overview")
@department_required
def overview():
    day = date_arg("on") or local_today()
    data = services.overview(day)
    return render_template(
        "agreements/overview.html",
        data=data,
        kinds=PARTNER_KINDS,
        is_today=day == local_today(),
        year=current_academic_year(),
    )


@bp.get("/overview.xlsx")
@department_required
def overview_export():
    day = date_arg("on") or local_today()
    data = services.overview(day)
    header = ["Школа", *[PARTNER_KIND_SHORT[k] for k in PARTNER_KIND_CODES], "Всего", "Отметка"]
    rows = [
        [
            r["school"].short_name,
            *[r["by_kind"][k] for k in PARTNER_KIND_CODES],
            r["total"],
            "нет договоров" if r["total"] == 0 else "",
        ]
        for r in data["rows"]
    ]
    total = ["Итого", *[data["totals"][k] for k in PARTNER_KIND_CODES], data["total"], ""]
    wb = new_workbook()
    ws = wb.create_sheet("По школам")
    write_table(
        ws,
        header,
        rows,
        total=total,
        title=f"Договоры о сотрудничестве, действующие на {day:%d.%m.%Y}",
        widths=[40, 8, 8, 12, 8, 8, 8, 9, 16],
    )
    return xlsx_response(wb, f"Договоры по школам на {day:%d.%m.%Y}.xlsx")


@bp.get("/school/<int:school_id>")
@login_required
def school_agreements(school_id: int):
    school = get_for_school_or_404(School, school_id, school_attr="id")
    today = local_today()
    f = services.AgreementFilters(school_id=school.id)
    rows = db.session.execute(services.agreement_list_query(f, today, school.id)).all()
    in_force = services.in_force_by_school_and_kind(today, school.id).get(school.id, {})
    return render_template(
        "agreements/school.html",
        school=school,
        rows=rows,
        today=today,
        in_force=in_force,
        kinds=PARTNER_KINDS,
    )


# --- Partners ------------------------------------------------------------------------------


@partners_bp.get("/")
@login_required
def partners_index():
    q = request.args.get("q", "").strip()[:200]
    kind = request.args.get("kind", "")
    page = db.paginate(
        services.partner_list_query(q, kind),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    counts = services.agreement_counts_by_partner([p.id for p in page.items], user_school_id())
    return render_template(
        "agreements/partners.html", page=page, q=q, kind=kind, kinds=PARTNER_KINDS, counts=counts
    )


@partners_bp.get("/similar")
@login_required
def partners_similar():
    """Progressive enhancement for the partner form: near-duplicates of a typed name."""
    found = services.similar_partners(
        request.args.get("name", "")[:500],
        request.args.get("short_name", "")[:200],
        request.args.get("inn", "")[:20],
        exclude_id=id_arg("exclude"),
    )
    return jsonify(
        similar=[
            {**s.as_json(), "url": url_for("partners.partner_detail", partner_id=s.partner.id)}
            for s in found
        ]
    )


def _partner_form_page(form, partner, similar):
    return render_template(
        "agreements/partner_form.html",
        form=form,
        partner=partner,
        similar=similar,
        for_agreement=request.args.get("for_agreement") == "1",
    )


@partners_bp.route("/new", methods=["GET", "POST"])
@login_required
def partner_new():
    form = PartnerForm()
    similar = []
    if request.method == "GET" and request.args.get("name"):
        form.name.data = request.args["name"][:500]
        similar = services.similar_partners(form.name.data)
    if request.method == "POST":
        # «Проверить» re-renders the form with near-duplicates and saves nothing.
        similar = services.similar_partners(
            form.name.data or "", form.short_name.data or "", form.inn.data or ""
        )
        if "check" not in request.form and form.validate_on_submit():
            if similar and not form.confirm_distinct.data:
                form.confirm_distinct.errors = [
                    "Похожая организация уже есть в справочнике. Выберите её или отметьте, "
                    "что это другая организация."
                ]
            else:
                partner = Partner()
                form.website.data = form.normalized_website()
                services.save_partner(partner, form, added_by_school_id=user_school_id())
                db.session.commit()
                flash(f"Организация «{partner.display_name}» добавлена в справочник.", "success")
                if request.args.get("for_agreement") == "1":
                    return redirect(url_for("agreements.new", partner_id=partner.id))
                return redirect(url_for("partners.partner_detail", partner_id=partner.id))
    return _partner_form_page(form, None, similar)


@partners_bp.route("/<int:partner_id>/edit", methods=["GET", "POST"])
@login_required
def partner_edit(partner_id: int):
    partner = db.get_or_404(Partner, partner_id)
    if not services.can_edit_partner(partner, current_user):
        abort(403)
    form = PartnerForm(obj=partner)
    similar = []
    if request.method == "POST":
        similar = services.similar_partners(
            form.name.data or "",
            form.short_name.data or "",
            form.inn.data or "",
            exclude_id=partner.id,
        )
        if "check" not in request.form and form.validate_on_submit():
            form.website.data = form.normalized_website()
            services.save_partner(partner, form)
            db.session.commit()
            flash("Изменения сохранены.", "success")
            return redirect(url_for("partners.partner_detail", partner_id=partner.id))
    return _partner_form_page(form, partner, similar)


@partners_bp.get("/<int:partner_id>")
@login_required
def partner_detail(partner_id: int):
    partner = db.get_or_404(Partner, partner_id)
    today = local_today()
    f = services.AgreementFilters(partner_id=partner.id)
    rows = db.session.execute(services.agreement_list_query(f, today, user_school_id())).all()
    events = services.partner_events(partner.id, user_school_id())
    similar = (
        services.similar_partners(
            partner.name, partner.short_name, partner.inn or "", exclude_id=partner.id
        )
        if current_user.is_department
        else []
    )
    return render_template(
        "agreements/partner_detail.html",
        partner=partner,
        rows=rows,
        events=events,
        similar=similar,
        can_edit=services.can_edit_partner(partner, current_user),
        used=_partner_in_use(partner.id),
    )


def _partner_events_count(partner_id: int) -> int:
    """All events naming the partner, whoever may see them (merge and delete need it)."""
    model = services._event_model()
    if model is None:
        return 0
    return db.session.scalar(
        select(func.count()).select_from(model).where(model.partner_id == partner_id)
    )


def _partner_in_use(partner_id: int) -> bool:
    n = db.session.scalar(
        select(func.count()).select_from(Agreement).where(Agreement.partner_id == partner_id)
    )
    return bool(n) or _partner_events_count(partner_id) > 0


@partners_bp.route("/<int:partner_id>/merge", methods=["GET", "POST"])
@department_required
def partner_merge(partner_id: int):
    duplicate = db.get_or_404(Partner, partner_id)
    form = MergeForm()
    similar = services.similar_partners(
        duplicate.name,
        duplicate.short_name,
        duplicate.inn or "",
        exclude_id=duplicate.id,
        limit=10,
    )
    others = db.session.execute(
        select(Partner.id, Partner.name, Partner.settlement)
        .where(Partner.id != duplicate.id)
        .order_by(Partner.name)
    ).all()
    form.survivor_id.choices = [(0, "— выберите —")] + [
        (pid, f"{name} ({settlement})" if settlement else name) for pid, name, settlement in others
    ]
    if request.method == "GET":
        form.survivor_id.data = id_arg("into") or (similar[0].partner.id if similar else 0)
    if form.validate_on_submit():
        survivor = db.session.get(Partner, form.survivor_id.data)
        if survivor is None or survivor.id == duplicate.id:
            form.survivor_id.errors = ["Выберите другую запись, которая останется."]
        else:
            try:
                moved = services.merge_partners(survivor, duplicate)
            except services.MergeConflict:
                db.session.rollback()
                form.survivor_id.errors = [
                    "У обеих записей есть один и тот же договор (школа, номер, дата). "
                    "Удалите лишний договор, затем объедините записи."
                ]
            else:
                db.session.commit()
                text = f"Записи объединены. Перенесено договоров: {moved['agreements']}"
                if "events" in moved:
                    text += f", мероприятий: {moved['events']}"
                flash(text + ".", "success")
                return redirect(url_for("partners.partner_detail", partner_id=survivor.id))
    agreements_count = db.session.scalar(
        select(func.count()).select_from(Agreement).where(Agreement.partner_id == duplicate.id)
    )
    return render_template(
        "agreements/partner_merge.html",
        partner=duplicate,
        form=form,
        similar=similar,
        agreements_count=agreements_count,
        events_count=_partner_events_count(duplicate.id),
    )


@partners_bp.post("/<int:partner_id>/delete")
@department_required
def partner_delete(partner_id: int):
    partner = db.get_or_404(Partner, partner_id)
    if _partner_in_use(partner.id):
        flash(
            "Организацию нельзя удалить: с ней есть договоры или мероприятия. "
            "Если это дубликат, объедините записи.",
            "error",
        )
        return redirect(url_for("partners.partner_detail", partner_id=partner.id))
    name = partner.display_name
    db.session.delete(partner)
    db.session.commit()
    flash(f"Организация «{name}» удалена из справочника.", "success")
    return redirect(url_for("partners.partners_index"))


# --- Home page -----------------------------------------------------------------------------


def home_panel():
    if not current_user.is_authenticated:
        return None
    today = local_today()
    if current_user.is_department:
        data = services.overview(today)
        return render_template(
            "agreements/_home_panel.html",
            department=True,
            expiring=services.expiring_agreements(today, None, limit=5),
            expiring_count=services.count_expiring(today),
            without=data["without"],
            schools=data["schools"],
            today=today,
        )
    school_id = current_user.school_id
    expiring = services.expiring_agreements(today, school_id)
    in_force = sum(
        services.in_force_by_school_and_kind(today, school_id).get(school_id, {}).values()
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
