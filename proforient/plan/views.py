from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from proforient.core.access import department_required
from proforient.core.exports import new_workbook, write_table, xlsx_response
from proforient.core.timeutil import academic_year_label, academic_year_span, current_academic_year
from proforient.extensions import db
from proforient.plan import services
from proforient.plan.forms import ExecutionForm, PlanItemForm
from proforient.plan.models import SECTIONS, ExecutionStatus, PlanItem

bp = Blueprint("plan", __name__, url_prefix="/plan")

FIRST_YEAR = 2021  # the concept's first academic year


def _year(value) -> int:
    """The asked year, or the latest year with any execution recorded, or the current."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = None
    if year is not None and 2000 <= year <= 2100:
        return year
    return services.latest_recorded_year() or current_academic_year()


def year_choices() -> list[int]:
    return list(range(current_academic_year() + 1, FIRST_YEAR - 1, -1))


@bp.get("/")
@department_required
def index():
    year = _year(request.args.get("year"))
    rows = services.plan_rows(year)
    return render_template(
        "plan/index.html",
        year=year,
        years=year_choices(),
        rows=rows,
        counts=services.status_counts(year),
        sections=SECTIONS,
        links=services.linked_events([r.execution.id for r in rows if r.execution]),
        ExecutionStatus=ExecutionStatus,
    )


@bp.post("/seed")
@department_required
def seed():
    added = services.seed_default_items()
    db.session.commit()
    flash(f"Добавлено типовых пунктов: {added}.", "success")
    return redirect(url_for("plan.index"))


@bp.route("/items/new", methods=["GET", "POST"])
@department_required
def item_new():
    form = PlanItemForm()
    if form.validate_on_submit():
        try:
            item = services.save_item(PlanItem(), form.data)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            form.number.errors.append("Пункт с таким номером уже есть в плане.")
        else:
            flash(f"Пункт {item.number} добавлен.", "success")
            return redirect(url_for("plan.index", _anchor=f"item-{item.id}"))
    return render_template("plan/item_form.html", form=form, item=None)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@department_required
def item_edit(item_id: int):
    item = db.get_or_404(PlanItem, item_id)
    form = PlanItemForm(obj=item, editing=item)
    if form.validate_on_submit():
        try:
            services.save_item(item, form.data)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            form.number.errors.append("Пункт с таким номером уже есть в плане.")
        else:
            flash("Изменения сохранены.", "success")
            return redirect(url_for("plan.index", _anchor=f"item-{item.id}"))
    return render_template("plan/item_form.html", form=form, item=item)


@bp.post("/items/<int:item_id>/delete")
@department_required
def item_delete(item_id: int):
    item = db.get_or_404(PlanItem, item_id)
    number = item.number
    db.session.delete(item)
    db.session.commit()
    flash(f"Пункт {number} удалён вместе с отметками об исполнении.", "success")
    return redirect(url_for("plan.index"))


@bp.route("/items/<int:item_id>/<int:year>", methods=["GET", "POST"])
@department_required
def execution(item_id: int, year: int):
    if not 2000 <= year <= 2100:
        abort(404)
    item = db.get_or_404(PlanItem, item_id)
    current = services.get_execution(item.id, year)
    form = ExecutionForm(obj=current)
    events = services.events_of_year(year)
    if form.validate_on_submit():
        try:
            saved = services.save_execution(item, year, form.status.data, form.note.data, current)
            services.set_linked_events(saved, _event_ids(events))
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            flash("Исполнение этого пункта только что сохранили в другом окне.", "error")
            return redirect(url_for("plan.execution", item_id=item.id, year=year))
        flash(f"Исполнение пункта {item.number} сохранено.", "success")
        return redirect(url_for("plan.index", year=year, _anchor=f"item-{item.id}"))
    selected = (
        set(request.form.getlist("events", type=int))
        if request.method == "POST"
        else services.linked_event_ids(current)
    )
    events = sorted(events, key=lambda e: e.id not in selected)  # ticked ones on top
    return render_template(
        "plan/execution_form.html",
        form=form,
        item=item,
        year=year,
        execution=current,
        events=events,
        selected=selected,
    )


def _event_ids(events) -> list[int]:
    """Ticked events, limited to the offered ones (the year's events)."""
    offered = {e.id for e in events}
    return [i for i in request.form.getlist("events", type=int) if i in offered]


@bp.get("/<int:year>.xlsx")
@department_required
def export(year: int):
    if not 2000 <= year <= 2100:
        abort(404)
    rows = services.plan_rows(year)
    links = services.linked_events([r.execution.id for r in rows if r.execution])
    wb = new_workbook()
    ws = wb.create_sheet("План")
    write_table(
        ws,
        ["№", "Мероприятие", "Срок", "Ответственные", "Исполнение", "Примечание", "Мероприятия"],
        [
            [
                r.item.number,
                r.item.title,
                r.item.deadline,
                r.item.responsible,
                ExecutionStatus.label_of(r.status) if r.status else "не отмечено",
                r.execution.note if r.execution else "",
                "; ".join(e.title for e in links.get(r.execution.id, [])) if r.execution else "",
            ]
            for r in rows
        ],
        title=f"Исполнение плана мероприятий, {academic_year_label(year)}",
        widths=[7, 60, 22, 30, 14, 50, 50],
    )
    return xlsx_response(wb, f"План мероприятий {academic_year_span(year)}.xlsx")
