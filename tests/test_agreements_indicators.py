"""Agreements in force per school, kind and year (for the indicator set) and the demo."""

from datetime import date

from sqlalchemy import func, select

from proforient.agreements import demo, indicators, queries
from proforient.agreements.models import Agreement
from proforient.agreements.models import AgreementStatus as Status
from proforient.agreements.scans import scan_path
from proforient.core.timeutil import local_today
from proforient.extensions import db
from proforient.partners.inn import inn_error
from proforient.partners.models import Partner, PartnerKind
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


def test_counts_per_school_and_kind_on_31_may():
    schools = _district(6)
    assert indicators.indicator_day(2025) == date(2026, 5, 31)
    table = indicators.in_force_counts([2025])
    assert sorted(sid for _year, sid in table) == sorted(s.id for s in schools[:-2])
    one = table[(2025, schools[1].id)]
    assert list(one) == list(PartnerKind.codes())
    assert (one["poo"], one["employer"], one["vuz"]) == (1, 1, 0)
    assert sum(by_kind["poo"] for by_kind in table.values()) == 4
    assert sum(by_kind["employer"] for by_kind in table.values()) == 2


def test_each_year_counts_on_its_own_day():
    schools = _district(4)
    table = indicators.in_force_counts([2024, 2025, 2026])
    # 31 May 2025: the poo agreements (from 10 Jan 2025), the employer ones, and the vuz
    # ones started 1 Jan 2025 (ended or terminated only in May 2026).
    assert table[(2024, schools[1].id)] == {
        **dict.fromkeys(PartnerKind.codes(), 0),
        "poo": 1,
        "employer": 1,
        "vuz": 2,
    }
    # 31 May 2027: only the indefinite employer agreements.
    assert table[(2026, schools[1].id)]["employer"] == 1
    assert table[(2026, schools[1].id)]["poo"] == 0
    assert (2026, schools[0].id) not in table


def test_inactive_schools_are_left_out():
    schools = _district(3)
    schools[0].active = False
    db.session.commit()
    assert (2025, schools[0].id) not in indicators.in_force_counts([2025])


def test_first_year_and_empty_registry():
    assert indicators.first_year() is None
    assert indicators.in_force_counts([2025]) == {}
    _district(3)
    assert indicators.first_year() == 2024  # the first 31 May on or after 1 Sep 2024


def test_counts_run_one_query_for_all_years():
    _district(3)
    db.session.expire_all()
    with count_queries() as small:
        indicators.in_force_counts([2025])
    _district(12)
    db.session.expire_all()
    with count_queries() as large:
        indicators.in_force_counts([2021, 2022, 2023, 2024, 2025])
    assert len(small) == len(large) == 1


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


def test_demo_is_idempotent_and_varied(demo_district):
    first = demo_district.line("Договоры:")  # what the session's one load printed
    assert "договоров" in first
    n_partners = db.session.scalar(select(func.count()).select_from(Partner))
    n_agreements = db.session.scalar(select(func.count()).select_from(Agreement))
    demo.load()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Partner)) == n_partners
    assert db.session.scalar(select(func.count()).select_from(Agreement)) == n_agreements

    today = local_today()
    counts = queries.status_counts(queries.AgreementFilters(), today, None)
    assert counts[Status.EXPIRING] >= 3
    assert counts[Status.EXPIRED] >= 2
    assert counts[Status.TERMINATED] >= 1
    assert counts[Status.ACTIVE] >= 10
    overview = queries.overview(today)
    assert 2 <= len(overview["without"]) <= 4
    kinds = {k for k, n in overview["totals"].items() if n}
    assert {"poo", "vuz", "employer", "czn", "udo"} <= kinds
    for partner in db.session.scalars(select(Partner).where(Partner.inn.is_not(None))):
        assert inn_error(partner.inn) is None, partner.name
    scans = db.session.scalars(select(Agreement).where(Agreement.scan_key.is_not(None))).all()
    assert len(scans) >= 3
    for agreement in scans:
        assert scan_path(agreement).read_bytes().startswith(b"%PDF-")
