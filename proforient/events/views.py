from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from proforient.auth.models import Role
from proforient.core.access import (
    department_required,
    ensure_school_allowed,
    get_for_school_or_404,
    role_required,
    user_school_id,
)
from proforient.core.exports import xlsx_response
from proforient.core.params import id_arg, year_arg
from proforient.core.timeutil import academic_year_label, current_academic_year, local_today
from proforient.core.urls import is_local_path
from proforient.events import excel, services
from proforient.events.forms import (
    EventForm,
    ImportForm,
    MergeForm,
    ParticipationForm,
    ReferenceForm,
)
from proforient.events.models import (
    COUNT_FIELDS,
    Category,
    Event,
    EventFormat,
    Level,
    Participation,
    Project,
    Status,
)
from proforient.extensions import db
from proforient.schools.models import School

bp = Blueprint("events", __name__, url_prefix="/events")

signed_in = role_required(Role.DEPARTMENT, Role.SCHOOL)


def _filter_choices() -> dict:
    years = set(db.session.scalars(select(Event.academic_year).distinct()))
    years.add(current_academic_year())
    ctx = {
        "years": [(y, academic_year_label(y)) for y in sorted(years, reverse=True)],
        "levels": Level.CHOICES,
        "formats": services.format_choices(),
        "projects": services.project_choices(),
        "schools": services.school_choices() if current_user.is_department else [],
        "statuses": list(Status.LABELS.items()),
        "count_fields": COUNT_FIELDS,
    }
    return ctx


def _list_context(f: services.EventFilters, viewer: int | None) -> dict:
    page = db.paginate(
        services.event_list_query(f, viewer),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    return {
        "page": page,
        "stats": services.page_rows(page.items, f, viewer),
        "duplicates": services.duplicate_ids(page.items, viewer),
        "totals": services.list_totals(f, viewer),
        "filters": f,
        "today": local_today(),
    }


def _next_url(default: str) -> str:
    target = request.values.get("next")
    return target if is_local_path(target) else default


# --- Lists ----------------------------------------------------------------------------------


@bp.get("/")
@signed_in
def index():
    viewer = user_school_id()
    f = services.EventFilters.from_args(request.args, current_academic_year())
    ensure_school_allowed(f.school_id)
    return render_template(
        "events/list.html",
        **_list_context(f, viewer),
        **_filter_choices(),
        proposals=services.pending_proposals_count() if viewer is None else 0,
    )


@bp.get("/export.xlsx")
@signed_in
def export():
    viewer = user_school_id()
    f = services.EventFilters.from_args(request.args, current_academic_year())
    ensure_school_allowed(f.school_id)
    name = "Мероприятия"
    if f.year is not None:
        name += f" {f.year}-{f.year + 1}"
    return xlsx_response(excel.list_workbook(f, viewer), f"{name}.xlsx")


@bp.get("/school/<int:school_id>")
@signed_in
def school_events(school_id: int):
    school = get_for_school_or_404(School, school_id, school_attr="id")
    f = services.EventFilters.from_args(request.args, current_academic_year())
    f.school_id = school.id
    return render_template(
        "events/school.html",
        school=school,
        **_list_context(f, user_school_id()),
        **_filter_choices(),
    )


# --- Events ---------------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@signed_in
def new():
    form = EventForm(user=current_user)
    if request.method == "GET" and not current_user.is_department:
        form.level.data = Level.SCHOOL
    if form.validate_on_submit():
        event = services.save_event(Event(), form.data_for_model(), current_user)
        db.session.commit()
        if event.is_proposed:
            flash(
                "Мероприятие отправлено в отдел образования как предложение. "
                "Участие школы можно отметить уже сейчас.",
                "success",
            )
        else:
            flash("Мероприятие добавлено в реестр.", "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=None)


@bp.get("/<int:event_id>")
@signed_in
def detail(event_id: int):
    viewer = user_school_id()
    event = services.get_event_or_404(event_id, viewer)
    rows = services.participation_for(event, viewer)
    own = rows[0] if viewer is not None and rows else None
    return render_template(
        "events/detail.html",
        event=event,
        rows=rows,
        own=own,
        totals=services.participation_totals(rows),
        count_fields=COUNT_FIELDS,
        can_edit=services.can_edit(event, viewer),
        duplicates=services.likely_duplicates(
            event.title, event.start_date, event.level, viewer, exclude_id=event.id
        ),
        free_schools=services.schools_without_participation(event) if viewer is None else [],
        category=event.format.category,
        Category=Category,
    )


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@signed_in
def edit(event_id: int):
    viewer = user_school_id()
    event = services.get_event_or_404(event_id, viewer)
    if not services.can_edit(event, viewer):
        abort(403)
    form = EventForm(obj=event, user=current_user, editing=event)
    if form.validate_on_submit():
        was_proposed = event.is_proposed
        services.save_event(event, form.data_for_model(), current_user)
        db.session.commit()
        if event.is_proposed and not was_proposed:
            flash("Уровень изменён: мероприятие стало предложением для отдела.", "info")
        flash("Изменения сохранены.", "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=event)


@bp.post("/<int:event_id>/delete")
@signed_in
def delete(event_id: int):
    viewer = user_school_id()
    event = services.get_event_or_404(event_id, viewer)
    if not services.can_edit(event, viewer):
        abort(403)
    if viewer is not None and any(p.school_id != viewer for p in event.participations):
        flash(
            "В мероприятии отмечено участие других школ: удалить его может только отдел.",
            "error",
        )
        return redirect(url_for("events.detail", event_id=event.id))
    title = event.title
    db.session.delete(event)
    db.session.commit()
    flash(f"Мероприятие «{title}» удалено вместе с записями об участии.", "success")
    return redirect(url_for("events.index"))


@bp.post("/<int:event_id>/confirm")
@department_required
def confirm(event_id: int):
    event = db.get_or_404(Event, event_id)
    if event.is_proposed:
        services.confirm_event(event)
        db.session.commit()
        flash("Предложение подтверждено: мероприятие в реестре.", "success")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/<int:event_id>/merge", methods=["GET", "POST"])
@department_required
def merge(event_id: int):
    source = db.get_or_404(Event, event_id)
    targets = services.merge_targets(source)
    form = MergeForm()
    form.target_id.choices = [("", "— выберите мероприятие —")] + [
        (e.id, f"{e.dates_label} · {e.title} · {e.level_label} (№ {e.id})") for e in targets
    ]
    if request.method == "GET" and targets:
        dup = services.likely_duplicates(
            source.title, source.start_date, source.level, None, exclude_id=source.id
        )
        confirmed = [e for e in dup if e.status == Status.CONFIRMED]
        if confirmed:
            form.target_id.data = confirmed[0].id
    if form.validate_on_submit():
        target = db.get_or_404(Event, form.target_id.data)
        try:
            moved = services.merge_event(source, target)
        except services.MergeConflict as conflict:
            db.session.rollback()
            form.target_id.errors.append(
                "В выбранном мероприятии уже есть участие: "
                + ", ".join(f"«{s}»" for s in conflict.schools)
                + ". Объединение отменено: исправьте или удалите одну из записей этих школ "
                "и повторите."
            )
        else:
            db.session.commit()
            flash(f"Мероприятия объединены: перенесено записей об участии — {moved}.", "success")
            return redirect(url_for("events.detail", event_id=target.id))
    return render_template("events/merge.html", event=source, form=form, has_targets=bool(targets))


# --- Participation --------------------------------------------------------------------------


@bp.route("/<int:event_id>/participation/new", methods=["GET", "POST"])
@signed_in
def participation_new(event_id: int):
    viewer = user_school_id()
    event = services.get_event_or_404(event_id, viewer)
    back = _next_url(url_for("events.detail", event_id=event.id))
    if viewer is not None:
        existing = db.session.scalar(
            select(Participation).where(
                Participation.event_id == event.id, Participation.school_id == viewer
            )
        )
        if existing is not None:
            return redirect(
                url_for("events.participation_edit", event_id=event.id, pid=existing.id)
            )
        form = ParticipationForm()
    else:
        form = ParticipationForm(school_choices=services.schools_without_participation(event))
        if request.method == "GET":
            form.school_id.data = id_arg("school")
    if form.validate_on_submit():
        school_id = viewer if viewer is not None else form.school_id.data
        try:
            services.save_participation(
                Participation(event_id=event.id, school_id=school_id), form.values()
            )
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            message = "Участие этой школы в мероприятии уже отмечено: измените ту запись."
            if "school_id" in form:
                form.school_id.errors.append(message)
            else:
                flash(message, "error")
                return redirect(url_for("events.detail", event_id=event.id))
        else:
            flash("Участие отмечено.", "success")
            return redirect(back)
    return render_template(
        "events/participation_form.html",
        event=event,
        form=form,
        participation=None,
        back=back,
        category=event.format.category,
        Category=Category,
    )


def _participation_or_404(event_id: int, pid: int) -> Participation:
    p = get_for_school_or_404(Participation, pid)
    if p.event_id != event_id:
        abort(404)
    return p


@bp.route("/<int:event_id>/participation/<int:pid>/edit", methods=["GET", "POST"])
@signed_in
def participation_edit(event_id: int, pid: int):
    p = _participation_or_404(event_id, pid)
    event = p.event
    back = _next_url(url_for("events.detail", event_id=event.id))
    form = ParticipationForm(obj=p)
    if form.validate_on_submit():
        services.save_participation(p, form.values())
        db.session.commit()
        flash("Изменения сохранены.", "success")
        return redirect(back)
    return render_template(
        "events/participation_form.html",
        event=event,
        form=form,
        participation=p,
        back=back,
        category=event.format.category,
        Category=Category,
    )


@bp.post("/<int:event_id>/participation/<int:pid>/delete")
@signed_in
def participation_delete(event_id: int, pid: int):
    p = _participation_or_404(event_id, pid)
    db.session.delete(p)
    db.session.commit()
    flash("Запись об участии удалена.", "success")
    return redirect(url_for("events.detail", event_id=event_id))


@bp.get("/<int:event_id>/participation.xlsx")
@signed_in
def participation_export(event_id: int):
    viewer = user_school_id()
    event = services.get_event_or_404(event_id, viewer)
    rows = services.participation_for(event, viewer)
    wb = excel.participation_workbook(event, rows, services.participation_totals(rows))
    return xlsx_response(wb, f"Участие — мероприятие № {event.id}.xlsx")


# --- Import ---------------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
@signed_in
def import_participation():
    viewer = user_school_id()
    form = ImportForm()
    result = None
    year = year_arg() or current_academic_year()
    if request.method == "POST" and request.form.get("step") == "apply":
        result = excel.check_rows(excel.rows_from_payload(request.form.get("payload")), viewer)
        if result.ok:
            n = excel.apply_import(result)
            db.session.commit()
            flash(f"Загружено записей об участии: {n}.", "success")
            return redirect(url_for("events.index"))
        flash("Данные изменились с момента проверки: проверьте файл ещё раз.", "error")
    elif form.validate_on_submit():
        raw, error = excel.read_rows(form.file.data.read())
        if error:
            form.file.errors.append(error)
        else:
            result = excel.check_rows(raw, viewer)
            if result.file_error:
                form.file.errors.append(result.file_error)
                result = None
    return render_template(
        "events/import.html",
        form=form,
        result=result,
        year=year,
        **_filter_choices(),
    )


@bp.get("/import/template.xlsx")
@signed_in
def import_template():
    year = year_arg() or current_academic_year()
    wb = excel.template_workbook(year, user_school_id())
    return xlsx_response(wb, f"Шаблон участия {year}-{year + 1}.xlsx")


# --- Reference data (department) ------------------------------------------------------------

REFERENCE = {
    "formats": {
        "model": EventFormat,
        "title": "Формы мероприятий",
        "one": "Форма",
        "endpoint": "events.formats",
        "edit": "events.format_edit",
        "toggle": "events.format_toggle",
    },
    "projects": {
        "model": Project,
        "title": "Проекты",
        "one": "Проект",
        "endpoint": "events.projects",
        "edit": "events.project_edit",
        "toggle": "events.project_toggle",
    },
}


def _reference_list(kind: str):
    ref = REFERENCE[kind]
    model = ref["model"]
    form = ReferenceForm(model=model)
    if form.validate_on_submit():
        top = db.session.scalar(select(db.func.max(model.sort_order))) or 0
        item = model(name=" ".join(form.name.data.split()), sort_order=top + 10)
        if "category" in form:
            item.category = form.category.data
        db.session.add(item)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            form.name.errors.append("Такое название уже есть в списке.")
        else:
            flash(f"Добавлено: {item.name}.", "success")
            return redirect(url_for(ref["endpoint"]))
    usage_col = Event.format_id if model is EventFormat else Event.project_id
    usage = dict(
        db.session.execute(select(usage_col, db.func.count(Event.id)).group_by(usage_col)).all()
    )
    items = db.session.scalars(select(model).order_by(model.sort_order, model.name)).all()
    return render_template(
        "events/reference.html",
        ref=ref,
        kind=kind,
        items=items,
        usage=usage,
        form=form,
        categories=dict(Category.LABELS),
    )


def _reference_edit(kind: str, item_id: int):
    ref = REFERENCE[kind]
    model = ref["model"]
    item = db.get_or_404(model, item_id)
    form = ReferenceForm(obj=item, model=model, editing=item)
    if form.validate_on_submit():
        item.name = " ".join(form.name.data.split())
        if "category" in form:
            item.category = form.category.data
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            form.name.errors.append("Такое название уже есть в списке.")
        else:
            flash("Изменения сохранены.", "success")
            return redirect(url_for(ref["endpoint"]))
    return render_template("events/reference_edit.html", ref=ref, item=item, form=form)


def _reference_toggle(kind: str, item_id: int):
    ref = REFERENCE[kind]
    item = db.get_or_404(ref["model"], item_id)
    item.active = not item.active
    db.session.commit()
    state = "снова доступно для выбора" if item.active else "скрыто из выбора"
    flash(f"«{item.name}» {state}.", "success")
    return redirect(url_for(ref["endpoint"]))


@bp.route("/formats", methods=["GET", "POST"])
@department_required
def formats():
    return _reference_list("formats")


@bp.route("/formats/<int:item_id>/edit", methods=["GET", "POST"])
@department_required
def format_edit(item_id: int):
    return _reference_edit("formats", item_id)


@bp.post("/formats/<int:item_id>/active")
@department_required
def format_toggle(item_id: int):
    return _reference_toggle("formats", item_id)


@bp.route("/projects", methods=["GET", "POST"])
@department_required
def projects():
    return _reference_list("projects")


@bp.route("/projects/<int:item_id>/edit", methods=["GET", "POST"])
@department_required
def project_edit(item_id: int):
    return _reference_edit("projects", item_id)


@bp.post("/projects/<int:item_id>/active")
@department_required
def project_toggle(item_id: int):
    return _reference_toggle("projects", item_id)


# --- Home panel -----------------------------------------------------------------------------


def home_panel():
    if not current_user.is_authenticated:
        return None
    year = current_academic_year()
    viewer = user_school_id()
    f = services.EventFilters(year=year, school_id=viewer)
    totals = services.list_totals(f, viewer)
    proposals = services.pending_proposals_count() if viewer is None else 0
    return render_template("events/_home_panel.html", year=year, totals=totals, proposals=proposals)
