"""The event registry's pages: the lists, an event's page, form, confirmation and merge,
the home-page panel and the block on a partner's page. Participation and its XLSX import
are in `participation_views`, the department's reference lists in `reference_views`: all
on this module's blueprint."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from proforient.auth.models import Role
from proforient.core.access import (
    department_required,
    ensure_school_allowed,
    get_for_school_or_404,
    role_required,
    user_school_id,
)
from proforient.core.exports import xlsx_response
from proforient.core.timeutil import (
    academic_year_label,
    academic_year_span,
    current_academic_year,
    local_today,
)
from proforient.events import operations, queries
from proforient.events.access import can_edit, get_event_or_404
from proforient.events.export import list_workbook
from proforient.events.forms import EventForm, MergeForm
from proforient.events.models import COUNT_FIELDS, Category, Event, EventStatus, Level
from proforient.extensions import db
from proforient.partners.models import Partner
from proforient.schools.models import School
from proforient.schools.services import school_choices

bp = Blueprint("events", __name__, url_prefix="/events")

signed_in = role_required(Role.DEPARTMENT, Role.SCHOOL)


def filter_choices() -> dict:
    """The choices of the list filters (and the import page's years)."""
    years = set(db.session.scalars(select(Event.academic_year).distinct()))
    years.add(current_academic_year())
    ctx = {
        "years": [(y, academic_year_label(y)) for y in sorted(years, reverse=True)],
        "levels": Level.choices(),
        "formats": queries.format_choices(),
        "projects": queries.project_choices(),
        "schools": school_choices() if current_user.is_department else [],
        "statuses": EventStatus.choices(),
        "count_fields": COUNT_FIELDS,
    }
    return ctx


def _list_context(f: queries.EventFilters, viewer: int | None) -> dict:
    page = db.paginate(
        queries.event_list_query(f, viewer),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    return {
        "page": page,
        "stats": queries.page_rows(page.items, f, viewer),
        "duplicates": queries.duplicate_ids(page.items, viewer),
        "totals": queries.list_totals(f, viewer),
        "filters": f,
        "today": local_today(),
    }


# --- Lists ----------------------------------------------------------------------------------


@bp.get("/")
@signed_in
def index():
    viewer = user_school_id()
    f = queries.EventFilters.from_args(request.args, current_academic_year())
    ensure_school_allowed(f.school_id)
    return render_template(
        "events/list.html",
        **_list_context(f, viewer),
        **filter_choices(),
        proposals=queries.pending_proposals_count() if viewer is None else 0,
    )


@bp.get("/export.xlsx")
@signed_in
def export():
    viewer = user_school_id()
    f = queries.EventFilters.from_args(request.args, current_academic_year())
    ensure_school_allowed(f.school_id)
    name = "Мероприятия"
    if f.year is not None:
        name += f" {academic_year_span(f.year)}"
    return xlsx_response(list_workbook(f, viewer), f"{name}.xlsx")


@bp.get("/school/<int:school_id>")
@signed_in
def school_events(school_id: int):
    school = get_for_school_or_404(School, school_id, school_attr="id")
    f = queries.EventFilters.from_args(request.args, current_academic_year())
    f.school_id = school.id
    return render_template(
        "events/school.html",
        school=school,
        **_list_context(f, user_school_id()),
        **filter_choices(),
    )


# --- Events ---------------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@signed_in
def new():
    form = EventForm(user=current_user)
    if request.method == "GET" and not current_user.is_department:
        form.level.data = Level.SCHOOL
    if form.validate_on_submit():
        event = operations.save_event(Event(), form.data_for_model(), current_user)
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
    event = get_event_or_404(event_id, viewer)
    rows = queries.participation_for(event, viewer)
    own = rows[0] if viewer is not None and rows else None
    return render_template(
        "events/detail.html",
        event=event,
        rows=rows,
        own=own,
        totals=queries.participation_totals(rows),
        count_fields=COUNT_FIELDS,
        can_edit=can_edit(event, viewer),
        duplicates=queries.likely_duplicates(
            event.title, event.start_date, event.level, viewer, exclude_id=event.id
        ),
        free_schools=queries.schools_without_participation(event) if viewer is None else [],
        category=event.format.category,
        Category=Category,
    )


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@signed_in
def edit(event_id: int):
    viewer = user_school_id()
    event = get_event_or_404(event_id, viewer)
    if not can_edit(event, viewer):
        abort(403)
    form = EventForm(obj=event, user=current_user, editing=event)
    if form.validate_on_submit():
        was_proposed = event.is_proposed
        operations.save_event(event, form.data_for_model(), current_user)
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
    event = get_event_or_404(event_id, viewer)
    if not can_edit(event, viewer):
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
        operations.confirm_event(event)
        db.session.commit()
        flash("Предложение подтверждено: мероприятие в реестре.", "success")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/<int:event_id>/merge", methods=["GET", "POST"])
@department_required
def merge(event_id: int):
    source = db.get_or_404(Event, event_id)
    targets = queries.merge_targets(source)
    form = MergeForm()
    form.target_id.choices = [("", "— выберите мероприятие —")] + [
        (e.id, f"{e.dates_label} · {e.title} · {e.level_label} (№ {e.id})") for e in targets
    ]
    if request.method == "GET" and targets:
        dup = queries.likely_duplicates(
            source.title, source.start_date, source.level, None, exclude_id=source.id
        )
        confirmed = [e for e in dup if e.status == EventStatus.CONFIRMED]
        if confirmed:
            form.target_id.data = confirmed[0].id
    if form.validate_on_submit():
        target = db.get_or_404(Event, form.target_id.data)
        try:
            moved = operations.merge_event(source, target)
        except operations.MergeConflict as conflict:
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


# --- Home panel -----------------------------------------------------------------------------


def home_panel():
    if not current_user.is_authenticated:
        return None
    year = current_academic_year()
    viewer = user_school_id()
    f = queries.EventFilters(year=year, school_id=viewer)
    totals = queries.list_totals(f, viewer)
    proposals = queries.pending_proposals_count() if viewer is None else 0
    return render_template("events/_home_panel.html", year=year, totals=totals, proposals=proposals)


def partner_section(partner: Partner) -> str:
    """Events held with the partner that the viewer may see, for the partner's page."""
    events = queries.partner_events(partner.id, user_school_id())
    return render_template("events/_partner_section.html", events=events)
