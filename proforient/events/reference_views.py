"""The department's reference lists of the registry: event forms (with the indicator
category each counts towards) and projects."""

from flask import flash, redirect, render_template, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from proforient.core.access import department_required
from proforient.events.forms import ReferenceForm
from proforient.events.models import Category, Event, EventFormat, Project
from proforient.events.views import bp
from proforient.extensions import db

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
        top = db.session.scalar(select(func.max(model.sort_order))) or 0
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
        db.session.execute(select(usage_col, func.count(Event.id)).group_by(usage_col)).all()
    )
    items = db.session.scalars(select(model).order_by(model.sort_order, model.name)).all()
    return render_template(
        "events/reference.html",
        ref=ref,
        kind=kind,
        items=items,
        usage=usage,
        form=form,
        Category=Category,
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
