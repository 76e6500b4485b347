"""The demo district tells its story: the school profiles show in the survey results, the
registry and the forms, for years counted from today."""

from datetime import date

import pytest
from sqlalchemy import select

from proforient.core.timeutil import reporting_year
from proforient.events import indicators as events
from proforient.extensions import db
from proforient.monitoring import demo as monitoring_demo
from proforient.monitoring import queries as monitoring_queries
from proforient.monitoring.models import PeriodKind, Status
from proforient.schools.demo import PROFILES, SCHOOLS
from proforient.schools.models import School
from proforient.surveys import demo as surveys_demo
from proforient.surveys import overview as survey_overview
from proforient.surveys import results
from proforient.surveys.models import Audience, Campaign
from proforient.surveys.tallies import differences

LYCEUM = "МБОУ Лицей № 15 с. Кочубеевское"
SMALL = "МКОУ ООШ № 14 п. Тоннельного"
FELL = "МКОУ СОШ № 4 ст. Барсуковской"
SILENT = "МКОУ СОШ № 11 а. Карамурзинского"
SHARED_LINK = "МКОУ СОШ № 16 с. Веселого"


def test_every_demo_school_has_a_profile():
    assert set(PROFILES) == {row[1] for row in SCHOOLS}


def _overviews(year: int) -> dict[str, survey_overview.Overview]:
    campaigns = db.session.scalars(select(Campaign).where(Campaign.academic_year == year))
    return {c.audience: survey_overview.district_overview(c) for c in campaigns}


def _by_name(overview: survey_overview.Overview) -> dict[str, survey_overview.SchoolFigures]:
    return {row.school.short_name: row for row in overview.rows}


def test_demo_district_tells_its_story(demo_district, client, auth):
    """The demo (loaded once per session), then each feature's view of it."""
    _survey_results_show_the_profiles(client, auth)
    _registry_and_forms_follow_the_profiles()


def _survey_results_show_the_profiles(client, auth):
    year = reporting_year()
    now = _overviews(year)
    before = _overviews(year - 1)
    assert set(now) == set(before) == {Audience.STUDENTS, Audience.PARENTS}
    for audience, overview in now.items():
        assert overview.campaign.state() == Campaign.CLOSED
        rows = _by_name(overview)
        ranked = [r for r in overview.rows if r.satisfaction is not None]
        # The lyceum leads the ranking; the rest spread over a believable range.
        assert ranked[0].school.short_name == LYCEUM, audience
        assert ranked[0].satisfaction > 0.88
        assert 0.5 < ranked[-1].satisfaction < 0.62
        # One school did not survey at all this year.
        assert [r.school.short_name for r in overview.without_responses] == [SILENT]
        # The small school answered, but too few to show.
        assert [r.school.short_name for r in overview.suppressed_rows if r.n] in ([SMALL], [])
        # The school that fell: clearly below its own last year, alone in that.
        last_year = _by_name(before[audience])
        fell = [
            name
            for name, row in rows.items()
            if row.satisfaction is not None
            and last_year[name].satisfaction is not None
            and row.satisfaction < last_year[name].satisfaction - 0.15
        ]
        assert fell == [FELL], audience
        # Coverage: above 100 % only where the parents' link went round the village.
        over = [name for name, row in rows.items() if row.rate and row.rate > 1]
        assert over == ([SHARED_LINK] if audience == Audience.PARENTS else []), audience
        usual = [r.rate for name, r in rows.items() if name not in (SMALL, SILENT, SHARED_LINK)]
        assert min(usual) >= 0.3 and max(usual) <= 0.95, audience

    small = {a: _by_name(o)[SMALL] for a, o in now.items()}
    assert any(0 < row.n < row.minimum for row in small.values())
    assert _by_name(before[Audience.STUDENTS])[SILENT].n > 0

    # The same on the school's results page.
    students = now[Audience.STUDENTS].campaign
    school = db.session.scalar(select(School).where(School.short_name == SMALL))
    auth.login("admin", "admin-demo")
    page = client.get(f"/surveys/campaigns/{students.id}/results?school={school.id}")
    assert page.status_code == 200
    assert results.SUPPRESSED in page.get_data(as_text=True)

    # Open campaigns of the current year show turnout so far, the silent school back in.
    for campaign in db.session.scalars(select(Campaign)):
        if campaign.is_open:
            overview = survey_overview.district_overview(campaign)
            assert 0 < overview.total.rate < 0.5
            assert _by_name(overview)[SILENT].n > 0
    assert differences() == []


def _registry_and_forms_follow_the_profiles():
    year = reporting_year()
    ids = {s.short_name: s.id for s in db.session.scalars(select(School))}
    figures = events.school_year_figures([year - 1, year])
    now = {sid: f for (y, sid), f in figures.items() if y == year}
    before = {sid: f for (y, sid), f in figures.items() if y == year - 1}
    lyceum = now[ids[LYCEUM]]
    assert lyceum.winners + lyceum.prizewinners == max(
        r.winners + r.prizewinners for r in now.values()
    )
    fell, was = now[ids[FELL]], before[ids[FELL]]
    assert fell.events < was.events and fell.participants < was.participants * 0.6

    forms = monitoring_queries.school_states(PeriodKind.MONITORING, year)
    states = {s.short_name: s.status for s in forms}
    assert states[SMALL] == Status.NOT_STARTED
    assert sum(s == Status.SUBMITTED for s in states.values()) == len(states) - 3


@pytest.mark.parametrize(
    ("today", "years", "shares", "open_year"),
    [
        # December: last spring and the one before are closed; this year's campaign is open.
        (date(2026, 12, 2), (2024, 2025), (1.0, 1.0), 2026),
        # March: still reporting on the last spring.
        (date(2027, 3, 31), (2024, 2025), (1.0, 1.0), 2026),
        # Mid-April: the current year's spring campaign is under way, nothing else opens.
        (date(2027, 4, 15), (2025, 2026), (1.0, 15 / 61), None),
        # Summer: both springs closed, no campaign open.
        (date(2027, 7, 1), (2025, 2026), (1.0, 1.0), None),
    ],
)
def test_survey_waves_follow_today(today, years, shares, open_year):
    waves = surveys_demo.waves(today)
    spring = [w for w in waves if w.reported is not None]
    assert tuple(w.year for w in spring) == years
    assert tuple(round(w.share, 3) for w in spring) == tuple(round(s, 3) for s in shares)
    for wave in spring:
        assert (wave.opens.month, wave.opens.day, wave.closes.month, wave.closes.day) == (
            4,
            1,
            5,
            31,
        )
    extra = [w for w in waves if w.reported is None]
    assert [w.year for w in extra] == ([open_year] if open_year else [])
    for wave in extra:
        assert wave.opens.date() < today < wave.closes.date()


def test_monitoring_periods_follow_today():
    december = monitoring_demo.periods(date(2026, 12, 2))
    assert [(kind, year) for kind, year, *_ in december] == [
        (PeriodKind.MONITORING, 2024),
        (PeriodKind.GRADUATES, 2024),
        (PeriodKind.MONITORING, 2025),
        (PeriodKind.GRADUATES, 2025),
    ]
    assert december[-1][3:] == (date(2026, 9, 1), date(2026, 12, 15))
    # In June the reporting year's graduates have not yet gone anywhere: no form for them.
    june = monitoring_demo.periods(date(2027, 6, 1))
    assert [(kind, year) for kind, year, *_ in june] == [
        (PeriodKind.MONITORING, 2025),
        (PeriodKind.GRADUATES, 2025),
        (PeriodKind.MONITORING, 2026),
    ]
