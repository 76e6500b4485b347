"""Each school's participation in an event: the form, its XLSX export, and the XLSX import
of many schools' participation at once (checked whole before anything is written)."""

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from proforient.core.access import get_for_school_or_404, user_school_id
from proforient.core.exports import xlsx_response
from proforient.core.params import id_arg, year_arg
from proforient.core.timeutil import academic_year_span, current_academic_year
from proforient.core.urls import is_local_path
from proforient.events import importing, operations, queries
from proforient.events.access import get_event_or_404
from proforient.events.export import participation_workbook, template_workbook
from proforient.events.forms import ImportForm, ParticipationForm
from proforient.events.models import Category, Participation
from proforient.events.views import bp, filter_choices, signed_in
from proforient.extensions import db


def next_url(default: str) -> str:
    target = request.values.get("next")
    return target if is_local_path(target) else default


# --- Participation --------------------------------------------------------------------------


def _form_page(event, form: ParticipationForm, participation: Participation | None, back: str):
    return render_template(
        "events/participation_form.html",
        event=event,
        form=form,
        participation=participation,
        back=back,
        category=event.format.category,
        Category=Category,
    )


@bp.route("/<int:event_id>/participation/new", methods=["GET", "POST"])
@signed_in
def participation_new(event_id: int):
    viewer = user_school_id()
    event = get_event_or_404(event_id, viewer)
    back = next_url(url_for("events.detail", event_id=event.id))
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
        form = ParticipationForm(school_choices=queries.schools_without_participation(event))
        if request.method == "GET":
            form.school_id.data = id_arg("school")
    if form.validate_on_submit():
        school_id = viewer if viewer is not None else form.school_id.data
        try:
            operations.save_participation(
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
    return _form_page(event, form, None, back)


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
    back = next_url(url_for("events.detail", event_id=event.id))
    form = ParticipationForm(obj=p)
    if form.validate_on_submit():
        operations.save_participation(p, form.values())
        db.session.commit()
        flash("Изменения сохранены.", "success")
        return redirect(back)
    return _form_page(event, form, p, back)


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
    event = get_event_or_404(event_id, viewer)
    rows = queries.participation_for(event, viewer)
    wb = participation_workbook(event, rows, queries.participation_totals(rows))
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
        result = importing.check_rows(
            importing.rows_from_payload(request.form.get("payload")), viewer
        )
        if result.ok:
            n = importing.apply_import(result)
            db.session.commit()
            flash(f"Загружено записей об участии: {n}.", "success")
            return redirect(url_for("events.index"))
        flash("Данные изменились с момента проверки: проверьте файл ещё раз.", "error")
    elif form.validate_on_submit():
        raw, error = importing.read_rows(form.file.data.read())
        if error:
            form.file.errors.append(error)
        else:
            result = importing.check_rows(raw, viewer)
            if result.file_error:
                form.file.errors.append(result.file_error)
                result = None
    return render_template(
        "events/import.html",
        form=form,
        result=result,
        year=year,
        **filter_choices(),
    )


@bp.get("/import/template.xlsx")
@signed_in
def import_template():
    year = year_arg() or current_academic_year()
    wb = template_workbook(year, user_school_id())
    return xlsx_response(wb, f"Шаблон участия {academic_year_span(year)}.xlsx")
