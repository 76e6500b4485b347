"""The department's questionnaire screens: the list, a questionnaire and its preview,
editing it and its questions (a frozen questionnaire's edits make a new version).
Routes of the `surveys` blueprint (`views.bp`)."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from proforient.core.access import department_required
from proforient.extensions import db
from proforient.surveys import authoring, queries
from proforient.surveys.forms import QuestionForm, QuestionnaireForm
from proforient.surveys.models import Campaign, Question, Questionnaire
from proforient.surveys.spec import build_spec
from proforient.surveys.tokens import new_submission_key as _new_key
from proforient.surveys.views import bp

FROZEN_NOTE = "Анкета используется в опросе с ответами: изменения создадут новую версию."


def _new_version_flash(questionnaire: Questionnaire) -> None:
    flash(
        f"Анкета используется в опросе с ответами, поэтому изменения сохранены в новой "
        f"версии {questionnaire.version}. Прежняя версия осталась у своих опросов.",
        "success",
    )


@bp.get("/questionnaires/")
@department_required
def questionnaires():
    show_all = request.args.get("all") == "1"
    items = queries.questionnaire_list(include_archived=show_all)
    ids = [q.id for q in items]
    return render_template(
        "surveys/questionnaires.html",
        items=items,
        frozen=queries.frozen_ids(ids),
        counts=queries.question_counts(ids),
        show_all=show_all,
    )


@bp.route("/questionnaires/new", methods=["GET", "POST"])
@department_required
def questionnaire_new():
    form = QuestionnaireForm()
    if form.validate_on_submit():
        qn = authoring.save_questionnaire(Questionnaire(version=1), form)
        db.session.commit()
        flash("Анкета создана. Добавьте вопросы.", "success")
        return redirect(url_for("surveys.questionnaire", questionnaire_id=qn.id))
    return render_template("surveys/questionnaire_form.html", form=form, questionnaire=None)


@bp.get("/questionnaires/<int:questionnaire_id>")
@department_required
def questionnaire(questionnaire_id: int):
    qn = db.get_or_404(Questionnaire, questionnaire_id)
    campaigns = db.session.scalars(
        select(Campaign).where(Campaign.questionnaire_id == qn.id).order_by(Campaign.opens_at)
    ).all()
    return render_template(
        "surveys/questionnaire.html",
        questionnaire=qn,
        frozen=queries.is_frozen(qn),
        frozen_note=FROZEN_NOTE,
        campaigns=campaigns,
    )


@bp.route("/questionnaires/<int:questionnaire_id>/edit", methods=["GET", "POST"])
@department_required
def questionnaire_edit(questionnaire_id: int):
    qn = db.get_or_404(Questionnaire, questionnaire_id)
    form = QuestionnaireForm(obj=qn)
    if form.validate_on_submit():
        target, created = authoring.editable(qn)
        authoring.save_questionnaire(target, form)
        db.session.commit()
        if created:
            _new_version_flash(target)
        else:
            flash("Изменения сохранены.", "success")
        return redirect(url_for("surveys.questionnaire", questionnaire_id=target.id))
    return render_template(
        "surveys/questionnaire_form.html",
        form=form,
        questionnaire=qn,
        frozen=queries.is_frozen(qn),
        frozen_note=FROZEN_NOTE,
    )


@bp.post("/questionnaires/<int:questionnaire_id>/copy")
@department_required
def questionnaire_copy(questionnaire_id: int):
    qn = db.get_or_404(Questionnaire, questionnaire_id)
    copy = authoring.copy_questionnaire(qn)
    db.session.commit()
    flash("Копия создана: измените её как нужно.", "success")
    return redirect(url_for("surveys.questionnaire", questionnaire_id=copy.id))


@bp.get("/questionnaires/<int:questionnaire_id>/preview")
@department_required
def questionnaire_preview(questionnaire_id: int):
    qn = db.get_or_404(Questionnaire, questionnaire_id)
    return render_template(
        "surveys/respond/form.html",
        spec=build_spec(qn.id),
        school_name="Название школы",
        key=_new_key(),
        code="",
        values={},
        errors={},
        preview=True,
        back_url=url_for("surveys.questionnaire", questionnaire_id=qn.id),
    )


def _question_form_page(qn: Questionnaire, question: Question | None):
    form = QuestionForm(obj=question, questionnaire=qn, editing=question)
    if question is not None:
        # `options` and `rows` are the question's relationships too: unless the POST sends
        # the fields, they show the stored lines, as any other field left out would.
        if request.method == "GET" or "options" not in request.form:
            form.options.data = authoring.option_lines(question)
        if request.method == "GET" or "rows" not in request.form:
            form.rows.data = authoring.row_lines(question)
    if form.validate_on_submit():
        target, created = authoring.editable(qn)
        counterpart = authoring.counterpart(question, target) if question is not None else None
        authoring.save_question(target, counterpart, form)
        db.session.commit()
        if created:
            _new_version_flash(target)
        else:
            flash("Вопрос сохранён.", "success")
        return redirect(url_for("surveys.questionnaire", questionnaire_id=target.id))
    return render_template(
        "surveys/question_form.html",
        form=form,
        questionnaire=qn,
        question=question,
        frozen=queries.is_frozen(qn),
        frozen_note=FROZEN_NOTE,
    )


@bp.route("/questionnaires/<int:questionnaire_id>/questions/new", methods=["GET", "POST"])
@department_required
def question_new(questionnaire_id: int):
    return _question_form_page(db.get_or_404(Questionnaire, questionnaire_id), None)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@department_required
def question_edit(question_id: int):
    question = db.get_or_404(Question, question_id)
    return _question_form_page(question.questionnaire, question)


@bp.post("/questions/<int:question_id>/move")
@department_required
def question_move(question_id: int):
    question = db.get_or_404(Question, question_id)
    delta = -1 if request.form.get("direction") == "up" else 1
    target, created = authoring.editable(question.questionnaire)
    authoring.move_question(authoring.counterpart(question, target), delta)
    db.session.commit()
    if created:
        _new_version_flash(target)
    return redirect(
        url_for("surveys.questionnaire", questionnaire_id=target.id, _anchor="questions")
    )


@bp.post("/questions/<int:question_id>/delete")
@department_required
def question_delete(question_id: int):
    question = db.get_or_404(Question, question_id)
    target, created = authoring.editable(question.questionnaire)
    authoring.delete_question(authoring.counterpart(question, target))
    db.session.commit()
    if created:
        _new_version_flash(target)
    else:
        flash("Вопрос удалён.", "success")
    return redirect(url_for("surveys.questionnaire", questionnaire_id=target.id))
