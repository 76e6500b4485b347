"""The `surveys` blueprint and its campaign screens, for the department and coordinators:
the campaign list, a campaign with its links and turnout, its window, one-time codes,
responses per day and voiding a day's responses. The questionnaire screens are
`questionnaire_views`, on the same blueprint."""

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
from proforient.surveys import campaigns, integrity, queries
from proforient.surveys.forms import (
    CampaignForm,
    CodesForm,
    ExtendForm,
    VoidForm,
)
from proforient.surveys.models import Audience, Campaign, CampaignSchool
from proforient.surveys.spec import build_spec
from proforient.surveys.tokens import format_code

bp = Blueprint("surveys", __name__, url_prefix="/surveys")


def home_panel():
    """Open campaigns on the home page; a coordinator also gets the school's links."""
    return render_template(
        "surveys/_home_panel.html", items=queries.open_campaigns_panel(user_school_id())
    )


# --- Campaign list (both roles) -----------------------------------------------------------


@bp.get("/")
@login_required
def index():
    listed = queries.campaign_list(user_school_id())
    return render_template("surveys/index.html", campaigns=listed)


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
