"""Department and coordinator screens: questionnaires, campaigns, links, turnout, codes,
responses per day and voiding a day's responses."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from proforient.core.access import department_required, ensure_school_allowed, user_school_id
from proforient.core.params import int_arg
from proforient.core.timeutil import current_academic_year, local_today, to_local
from proforient.extensions import db
from proforient.schools.models import School
from proforient.schools.services import enrolment_table
from proforient.surveys import authoring, campaigns, integrity, queries
from proforient.surveys.forms import (
    CampaignForm,
    CodesForm,
    ExtendForm,
    QuestionForm,
    QuestionnaireForm,
    VoidForm,
)
from proforient.surveys.models import Audience, Campaign, CampaignSchool, Question, Questionnaire
from proforient.surveys.spec import build_spec
from proforient.surveys.tokens import format_code
from proforient.surveys.tokens import new_submission_key as _new_key

bp = Blueprint("surveys", __name__, url_prefix="/surveys")

FROZEN_NOTE = "Анкета используется в опросе с ответами: изменения создадут новую версию."


def _new_version_flash(questionnaire: Questionnaire) -> None:
    flash(
        f"Анкета используется в опросе с ответами, поэтому изменения сохранены в новой "
        f"версии {questionnaire.version}. Прежняя версия осталась у своих опросов.",
        "success",
    )


def home_panel():
    """Open campaigns on the home page; a coordinator also gets the school's links."""
    return render_template(
        "surveys/_home_panel.html", items=queries.open_campaigns_panel(user_school_id())
    )


# --- Campaign list (both roles) -----------------------------------------------------------


@bp.get("/")
@login_required
def index():
    campaigns = queries.campaign_list(user_school_id())
    return render_template("surveys/index.html", campaigns=campaigns)


# --- Questionnaires (department) ----------------------------------------------------------


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


# --- Campaigns ----------------------------------------------------------------------------


@bp.route("/campaigns/new", methods=["GET", "POST"])
@department_required
def campaign_new():
    form = CampaignForm()
    if request.method == "GET":
        year = current_academic_year()
        opens, closes = campaigns.default_window(year)
        if closes.date() < local_today():
            year += 1
            opens, closes = campaigns.default_window(year)
        form.academic_year.data = year
        form.opens_at.data, form.closes_at.data = opens, closes
        form.schools.data = [sid for sid, _label in form.schools.choices]
        audience = request.args.get("audience", Audience.STUDENTS)
        form.audience.data = audience if audience in Audience.codes() else Audience.STUDENTS
        match = next(
            (q.id for q in queries.questionnaire_list() if q.audience == form.audience.data),
            None,
        )
        form.questionnaire_id.data = match
    if form.validate_on_submit():
        campaign = Campaign()
        campaigns.save_campaign(campaign, form)
        db.session.commit()
        flash("Опрос создан. Ссылки для школ готовы.", "success")
        return redirect(url_for("surveys.campaign", campaign_id=campaign.id))
    return render_template("surveys/campaign_form.html", form=form, campaign=None)


def _campaign_for_user(campaign_id: int) -> Campaign:
    """A coordinator sees a campaign only if their school takes part (else 404)."""
    campaign = db.get_or_404(Campaign, campaign_id)
    school_id = user_school_id()
    if school_id is not None:
        included = db.session.scalar(
            select(CampaignSchool.id).where(
                CampaignSchool.campaign_id == campaign.id, CampaignSchool.school_id == school_id
            )
        )
        if included is None:
            abort(404)
    return campaign


@bp.get("/campaigns/<int:campaign_id>")
@login_required
def campaign(campaign_id: int):
    campaign = _campaign_for_user(campaign_id)
    turnout = queries.turnout(campaign, user_school_id())
    alerts, daily = [], None
    if current_user.is_department:
        spec = build_spec(campaign.questionnaire_id)
        alerts = integrity.coverage_alerts(campaign, spec, [r.school for r in turnout.rows])
        daily = integrity.daily_counts(campaign, [(r.school, r.enrolment) for r in turnout.rows])
    return render_template(
        "surveys/campaign.html",
        campaign=campaign,
        turnout=turnout,
        today=local_today(),
        alerts=alerts,
        daily=daily,
    )


def _day_or_404(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        abort(404)
    return day


@bp.route(
    "/campaigns/<int:campaign_id>/schools/<int:school_id>/days/<day>/void",
    methods=["GET", "POST"],
)
@department_required
def void_day(campaign_id: int, school_id: int, day: str):
    """Void a school's responses of one day: the count first, then a confirmation."""
    campaign = db.get_or_404(Campaign, campaign_id)
    the_day = _day_or_404(day)
    included = db.session.scalar(
        select(CampaignSchool.id).where(
            CampaignSchool.campaign_id == campaign.id, CampaignSchool.school_id == school_id
        )
    )
    if included is None:
        abort(404)
    school = db.session.get(School, school_id)
    n = integrity.day_count(campaign.id, school_id, the_day)
    form = VoidForm()
    if request.method == "GET":
        form.expected.data = n
    changed = False
    if n and form.validate_on_submit():
        if form.expected.data != n:
            # More (or fewer) responses arrived since the count was shown: show it again.
            changed = True
            form.expected.raw_data = None
            form.expected.data = n
        else:
            voided = integrity.void_day(campaign, school, the_day, form.reason.data.strip())
            db.session.commit()
            flash(
                f"Аннулировано ответов: {voided} ({school.short_name}, {the_day:%d.%m.%Y}). "
                "Результаты опроса пересчитаны.",
                "success",
            )
            return redirect(url_for("surveys.campaign", campaign_id=campaign.id, _anchor="by-day"))
    return render_template(
        "surveys/void.html",
        campaign=campaign,
        school=school,
        day=the_day,
        n=n,
        form=form,
        changed=changed,
    )


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@department_required
def campaign_edit(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = CampaignForm(obj=campaign, campaign=campaign)
    if request.method == "GET":
        form.opens_at.data = to_local(campaign.opens_at).replace(tzinfo=None)
        form.closes_at.data = to_local(campaign.closes_at).replace(tzinfo=None)
        form.schools.data = [link.school_id for link in campaign.links]
    if form.validate_on_submit():
        warnings = campaigns.save_campaign(campaign, form)
        db.session.commit()
        flash("Изменения сохранены.", "success")
        for warning in warnings:
            flash(warning, "warning")
        return redirect(url_for("surveys.campaign", campaign_id=campaign.id))
    return render_template("surveys/campaign_form.html", form=form, campaign=campaign)


@bp.post("/campaigns/<int:campaign_id>/close")
@department_required
def campaign_close(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    if campaigns.close_early(campaign):
        db.session.commit()
        flash("Опрос завершён досрочно: ссылки больше не принимают ответы.", "success")
    else:
        flash("Досрочно завершить можно только идущий опрос.", "error")
    return redirect(url_for("surveys.campaign", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/extend", methods=["GET", "POST"])
@department_required
def campaign_extend(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = ExtendForm(campaign=campaign)
    if form.validate_on_submit():
        campaigns.extend(campaign, form.closes_at.data)
        db.session.commit()
        flash("Срок опроса изменён.", "success")
        return redirect(url_for("surveys.campaign", campaign_id=campaign.id))
    return render_template("surveys/campaign_extend.html", form=form, campaign=campaign)


@bp.route("/campaigns/<int:campaign_id>/schools/<int:school_id>/codes", methods=["GET", "POST"])
@login_required
def campaign_codes(campaign_id: int, school_id: int):
    ensure_school_allowed(school_id)
    campaign = db.get_or_404(Campaign, campaign_id)
    stmt = select(CampaignSchool).where(
        CampaignSchool.campaign_id == campaign.id, CampaignSchool.school_id == school_id
    )
    if request.method == "POST":
        # One creation of codes per link at a time, so two posts cannot both pass the cap
        # (PostgreSQL; SQLite runs one writer at a time anyway).
        stmt = stmt.with_for_update()
    link = db.session.scalar(stmt)
    if link is None or not campaign.uses_codes:
        abort(404)
    school = db.session.get(School, school_id)
    enrolment = enrolment_table([school_id])[school_id]
    summary = queries.code_summary(link)
    closed = campaign.state() == Campaign.CLOSED
    # A coordinator's codes are capped by the grade's enrolment: a school's own figures
    # are what a stack of spare codes would inflate. The department is not capped.
    capped = not current_user.is_department
    form = CodesForm(enrolment=enrolment, summary=summary, capped=capped)
    if request.method == "GET":
        grade = int_arg("grade")
        if grade in enrolment:
            form.grade.data = grade
        form.quantity.data = enrolment.get(form.grade.data or 0) or None
    status = 200
    if closed and request.method == "POST":
        status = 409  # nothing is created: the links no longer take answers
    elif form.validate_on_submit():
        codes = campaigns.generate_codes(link, form.grade.data, form.quantity.data)
        db.session.commit()
        flash(f"Создано кодов для {form.grade.data} класса: {len(codes)}.", "success")
        return redirect(
            url_for("surveys.campaign_codes", campaign_id=campaign.id, school_id=school_id)
        )
    page = render_template(
        "surveys/codes.html",
        campaign=campaign,
        school=school,
        link=link,
        form=form,
        summary=summary,
        enrolment=enrolment,
        format_code=format_code,
        is_department=current_user.is_department,
        closed=closed,
        capped=capped,
        code_limit=campaigns.code_limit,
    )
    return page, status
