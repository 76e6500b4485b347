"""Indicator 10 (agreements in force, share of schools with one) and the demo data."""

from datetime import date

from sqlalchemy import func, select

from proforient.agreements import demo, services
from proforient.agreements.models import PARTNER_KIND_CODES, Agreement, Partner, Status
from proforient.core.timeutil import local_today
from proforient.extensions import db
from proforient.schools import demo as schools_demo
from tests.factories import make_school
from tests.support.agreements import make_agreement, make_partner
from tests.support.queries import count_queries


def _district(n_schools: int):
    """n schools; all but the last two hold agreements of several kinds."""
    schools = [make_school() for _ in range(n_schools)]
    poo, vuz, farm = (
        make_partner(kind="poo"),
        make_partner(kind="vuz"),
        make_partner(kind="employer"),
    )
    for i, school in enumerate(schools[:-2]):
        # In force on 31 May 2026.
        make_agreement(school, poo, valid_from=date(2025, 1, 10), valid_until=date(2026, 5, 31))
        if i % 2:
            make_agreement(school, farm, valid_from=date(2024, 9, 1), indefinite=True)
        # Not in force on 31 May 2026: ended the day before, starts the day after,
        # terminated that very day.
        make_agreement(
            school, vuz, number=f"e{i}", valid_from=date(2025, 1, 1), valid_until=date(2026, 5, 30)
        )
        make_agreement(
            school, vuz, number=f"s{i}", valid_from=date(2026, 6, 1), valid_until=date(2027, 1, 1)
        )
        make_agreement(
            school,
            vuz,
            number=f"t{i}",
            valid_from=date(2025, 1, 1),
            indefinite=True,
            terminated_on=date(2026, 5, 31),
        )
    return schools


def test_district_indicators_default_to_31_may():
    schools = _district(6)
    result = services.agreement_indicators(2025)
    assert result["on"] == date(2026, 5, 31)
    assert result["year"] == 2025 and result["school_id"] is None
    assert list(result["by_kind"]) == PARTNER_KIND_CODES
    assert result["by_kind"]["poo"] == 4
    assert result["by_kind"]["employer"] == 2
    assert result["by_kind"]["vuz"] == 0
    assert result["total"] == 6
    assert result["partners"] == 2
    assert result["schools"] == len(schools)
    assert result["schools_with_agreement"] == 4
    assert result["share"] == 4 / 6


def test_one_school_and_another_day():
    schools = _district(4)
    one = services.agreement_indicators(2025, school_id=schools[1].id)
    assert one["by_kind"]["poo"] == 1 and one["by_kind"]["employer"] == 1
    assert one["schools"] == 1 and one["schools_with_agreement"] == 1 and one["share"] == 1.0
    none = services.agreement_indicators(2025, school_id=schools[-1].id)
    assert none["total"] == 0 and none["share"] == 0.0
    earlier = services.agreement_indicators(2025, on=date(2026, 5, 30))
    # On 30 May the ones ending that day and the ones terminated from 31 May count.
    assert earlier["by_kind"]["vuz"] == 4
    assert earlier["on"] == date(2026, 5, 30)


def test_inactive_schools_are_left_out_of_the_district():
    _district(3)
    make_school(active=False)
    assert services.agreement_indicators(2025)["schools"] == 3


def test_empty_district():
    result = services.agreement_indicators(2025)
    assert result["total"] == 0 and result["schools"] == 0 and result["share"] is None


def test_indicators_run_a_fixed_number_of_queries():
    _district(3)
    db.session.expire_all()
    with count_queries() as small:
        services.agreement_indicators(2025)
    _district(12)
    db.session.expire_all()
    with count_queries() as large:
        services.agreement_indicators(2025)
    assert len(small) == len(large) == 2
    with count_queries() as one:
        services.agreement_indicators(2025, school_id=1)
    assert len(one) == 2


def test_overview_and_lists_do_not_query_per_row(department_client):
    _district(4)
    db.session.expire_all()
    with count_queries() as small:
        department_client.get("/agreements/overview")
    with count_queries() as small_list:
        department_client.get("/agreements/")
    _district(8)
    db.session.expire_all()
    with count_queries() as large:
        department_client.get("/agreements/overview")
    with count_queries() as large_list:
        department_client.get("/agreements/")
    assert len(small) == len(large)
    assert len(small_list) == len(large_list)


def test_demo_is_idempotent_and_varied(app):
    schools_demo.load()
    first = demo.load()
    db.session.commit()
    assert "договоров" in first
    n_partners = db.session.scalar(select(func.count()).select_from(Partner))
    n_agreements = db.session.scalar(select(func.count()).select_from(Agreement))
    demo.load()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Partner)) == n_partners
    assert db.session.scalar(select(func.count()).select_from(Agreement)) == n_agreements

    today = local_today()
    counts = services.status_counts(services.AgreementFilters(), today, None)
    assert counts[Status.EXPIRING] >= 3
    assert counts[Status.EXPIRED] >= 2
    assert counts[Status.TERMINATED] >= 1
    assert counts[Status.ACTIVE] >= 10
    overview = services.overview(today)
    assert 2 <= len(overview["without"]) <= 4
    kinds = {k for k, n in overview["totals"].items() if n}
    assert {"poo", "vuz", "employer", "czn", "udo"} <= kinds
    for partner in db.session.scalars(select(Partner).where(Partner.inn.is_not(None))):
        assert services.inn_error(partner.inn) is None, partner.name
    scans = db.session.scalars(select(Agreement).where(Agreement.scan_key.is_not(None))).all()
    assert len(scans) >= 3
    for agreement in scans:
        assert services.scan_path(agreement).read_bytes().startswith(b"%PDF-")
