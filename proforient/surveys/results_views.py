"""Results, district overview, exports and printable invitations of a campaign.

The department sees every school and the district; a coordinator sees only their own
school (another school's id, or a campaign their school is not in, gives 404)."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from proforient.core.access import department_required, ensure_school_allowed, user_school_id
from proforient.core.exports import csv_response, xlsx_response
from proforient.core.params import id_arg, int_arg, page_arg
from proforient.extensions import db
from proforient.pdf.document import pdf_response
from proforient.schools.models import School
from proforient.surveys import aggregates, exports, integrity, invitations
from proforient.surveys.links import survey_url
from proforient.surveys.models import Campaign, CampaignSchool
from proforient.surveys.overview import SORTS, district_overview
from proforient.surveys.response_models import OneTimeCode
from proforient.surveys.results import SUPPRESSED, campaign_results
from proforient.surveys.spec import build_spec

bp = Blueprint("survey_results", __name__, url_prefix="/surveys/campaigns/<int:campaign_id>")

TEXTS_PER_PAGE = 50


def _campaign_and_schools(campaign_id: int) -> tuple[Campaign, list[School]]:
    """The campaign and its schools; a coordinator whose school is not in it gets 404."""
    campaign = db.get_or_404(Campaign, campaign_id)
    schools = aggregates.campaign_schools(campaign.id)
    own = user_school_id()
    if own is not None and own not in {s.id for s in schools}:
        abort(404)
    return campaign, schools


def _filters(schools: list[School], spec) -> aggregates.Filters:
    """?school=&grade= — a coordinator is always bound to their own school."""
    school_id = id_arg("school")
    ensure_school_allowed(school_id)
    own = user_school_id()
    if own is not None:
        school_id = own
    if school_id is not None and school_id not in {s.id for s in schools}:
        abort(404)
    grade = int_arg("grade")
    if grade not in {o.value for o in aggregates.grade_options(spec)}:
        grade = None
    return aggregates.Filters(school_id, grade)


def _school_by_id(schools: list[School], school_id: int | None) -> School | None:
    return next((s for s in schools if s.id == school_id), None)


@bp.get("/results")
@login_required
def results(campaign_id: int):
    campaign, schools = _campaign_and_schools(campaign_id)
    spec = build_spec(campaign.questionnaire_id)
    filters = _filters(schools, spec)
    res = campaign_results(campaign, filters, [s.id for s in schools], spec)
    alerts = []
    if current_user.is_department:
        alerts = integrity.coverage_alerts(
            campaign,
            spec,
            schools,
            school_id=filters.school_id,
            grade=filters.grade,
            counts=res.counts,
        )
    return render_template(
        "surveys/results.html",
        campaign=campaign,
        res=res,
        alerts=alerts,
        schools=schools,
        school=_school_by_id(schools, filters.school_id),
        grades=aggregates.grade_options(spec),
        grade_label=_grade_label(spec, filters.grade),
        suppressed_label=SUPPRESSED,
    )


def _grade_label(spec, grade: int | None) -> str | None:
    option = next((o for o in aggregates.grade_options(spec) if o.value == grade), None)
    return option.label if option else None


@bp.get("/results/questions/<int:question_id>/texts")
@login_required
def texts(campaign_id: int, question_id: int):
    campaign, schools = _campaign_and_schools(campaign_id)
    spec = build_spec(campaign.questionnaire_id)
    filters = _filters(schools, spec)
    question = next((q for q in spec.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    n = aggregates.response_counts(campaign.id).n(filters.school_id, filters.grade)
    suppressed = n < aggregates.min_group()
    page = None
    if not suppressed:
        page = aggregates.texts_page(
            campaign.id,
            filters,
            question.id,
            page_arg(),
            TEXTS_PER_PAGE,
        )
    return render_template(
        "surveys/results_texts.html",
        campaign=campaign,
        question=question,
        page=page,
        n=n,
        suppressed=suppressed,
        school=_school_by_id(schools, filters.school_id),
        grade_label=_grade_label(spec, filters.grade),
        filters=filters,
        minimum=aggregates.min_group(),
    )


@bp.get("/results/schools")
@department_required
def overview(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    spec = build_spec(campaign.questionnaire_id)
    grades = aggregates.grade_options(spec)
    grade = int_arg("grade")
    if grade not in {o.value for o in grades}:
        grade = None
    sort = request.args.get("sort", "satisfaction")
    ov = district_overview(campaign, grade, sort, spec)
    alerts = integrity.coverage_alerts(campaign, spec, [r.school for r in ov.rows], grade=grade)
    return render_template(
        "surveys/results_overview.html",
        campaign=campaign,
        ov=ov,
        alerts=alerts,
        grades=grades,
        grade=grade,
        grade_label=_grade_label(spec, grade),
        sort=sort if sort in SORTS else "satisfaction",
        sorts=SORTS,
        suppressed_label=SUPPRESSED,
    )


# --- Exports ------------------------------------------------------------------------------


def _export_scope(campaign_id: int):
    campaign, schools = _campaign_and_schools(campaign_id)
    spec = build_spec(campaign.questionnaire_id)
    filters = _filters(schools, spec)
    ids = [filters.school_id] if filters.school_id is not None else [s.id for s in schools]
    return campaign, spec, [s for s in schools if s.id in ids]


def _stem(campaign: Campaign, what: str, school: School | None = None) -> str:
    stem = f"{what} — опрос {campaign.id}"
    if school is not None:
        stem += f" — {school.short_name}"
    return stem


@bp.get("/results/responses.xlsx")
@login_required
def responses_xlsx(campaign_id: int):
    campaign, spec, schools = _export_scope(campaign_id)
    wb = exports.responses_workbook(campaign, spec, schools)
    one = schools[0] if len(schools) == 1 else None
    return xlsx_response(wb, _stem(campaign, "Ответы", one) + ".xlsx")


@bp.get("/results/responses.csv")
@login_required
def responses_csv(campaign_id: int):
    campaign, spec, schools = _export_scope(campaign_id)
    header, rows = exports.responses_table(campaign, spec, schools)
    one = schools[0] if len(schools) == 1 else None
    return csv_response(header, stream_with_context(rows), _stem(campaign, "Ответы", one) + ".csv")


@bp.get("/results/summary.xlsx")
@department_required
def summary_xlsx(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    wb = exports.summary_workbook(campaign)
    return xlsx_response(wb, _stem(campaign, "Сводка по школам") + ".xlsx")


# --- Invitation sheets and code slips -----------------------------------------------------


def _link_for(campaign_id: int, school_id: int) -> tuple[Campaign, CampaignSchool, School]:
    ensure_school_allowed(school_id)
    campaign = db.get_or_404(Campaign, campaign_id)
    row = db.session.execute(
        select(CampaignSchool, School)
        .join(School, School.id == CampaignSchool.school_id)
        .where(CampaignSchool.campaign_id == campaign.id, CampaignSchool.school_id == school_id)
    ).first()
    if row is None:
        abort(404)
    return campaign, row[0], row[1]


@bp.get("/schools/<int:school_id>/invitation.pdf")
@login_required
def invitation(campaign_id: int, school_id: int):
    campaign, link, school = _link_for(campaign_id, school_id)
    spec = build_spec(campaign.questionnaire_id)
    content = invitations.invitation_pdf(campaign, school, survey_url(link.token), spec.minutes)
    return pdf_response(content, f"Приглашение — {school.short_name}.pdf")


@bp.get("/schools/<int:school_id>/slips.pdf")
@login_required
def slips(campaign_id: int, school_id: int):
    campaign, link, school = _link_for(campaign_id, school_id)
    if not campaign.uses_codes:
        abort(404)
    grade = int_arg("grade")
    stmt = (
        select(OneTimeCode.grade, OneTimeCode.code)
        .where(OneTimeCode.campaign_school_id == link.id, OneTimeCode.used.is_(False))
        .order_by(OneTimeCode.grade, OneTimeCode.id)
    )
    if grade is not None:
        stmt = stmt.where(OneTimeCode.grade == grade)
    by_grade: dict[int, list[str]] = {}
    for g, code in db.session.execute(stmt):
        by_grade.setdefault(g, []).append(code)
    if not by_grade:
        flash(
            "Неиспользованных кодов нет: сначала создайте коды для класса.",
            "warning",
        )
        return redirect(
            url_for("surveys.campaign_codes", campaign_id=campaign.id, school_id=school.id)
        )
    content = invitations.slips_pdf(campaign, school, survey_url(link.token), by_grade)
    suffix = f" — {grade} класс" if grade is not None else ""
    name = f"Коды — {school.short_name}{suffix}.pdf"
    return pdf_response(content, name)
