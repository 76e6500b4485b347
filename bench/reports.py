"""Benchmark of the printed summaries.

Builds a district in a fresh SQLite database (or empties the PostgreSQL database given by
--database-url): N schools (30 by default) with enrolment, 600 events with 900
participation rows over two academic years, agreements, submitted monitoring and graduate
forms, the action plan, and 30,000 survey responses (students and parents), then times
through the Flask test client: the indicator table (the service and the page), one
school's PDF, the district PDF and the ZIP of every summary, and counts their SQL queries.

    .venv/bin/python bench/reports.py [--schools 30] [--responses 30000] [--runs 5]
        [--database-url postgresql+psycopg://…/an_expendable_database]

Targets on this 2-core machine: table ≤ 0.3 s, school PDF ≤ 0.5 s, district PDF ≤ 3 s,
print-all ≤ 15 s; query counts that do not grow with the number of schools (run with
--schools 60 to see).
"""

import argparse
import random
import resource
import statistics
import time
from datetime import date, datetime, timedelta

from harness import (
    QueryCounter,
    add_database_argument,
    add_department_user,
    bench_app,
    signed_in_client,
    timed,
)
from results import fill
from sqlalchemy import select

from proforient.agreements.models import Agreement
from proforient.events.models import Event, Level, Participation
from proforient.events.reference import ensure_reference_data, format_by_code
from proforient.extensions import db
from proforient.indicators import indicator_table
from proforient.monitoring import operations as monitoring_operations
from proforient.monitoring import rules as monitoring_rules
from proforient.monitoring.models import PeriodKind, Status
from proforient.partners.models import Partner
from proforient.plan.services import seed_default_items
from proforient.schools.models import School
from proforient.surveys import defaults
from proforient.surveys.models import Campaign, CampaignSchool, Questionnaire
from proforient.surveys.tallies import rebuild_tallies
from proforient.surveys.tokens import new_token

YEAR = 2025
FORMS = ("contest", "fair", "open_day", "prof_trial", "excursion", "master_class", "forum")
LEVELS = (Level.FEDERAL, Level.REGIONAL, Level.MUNICIPAL, Level.SCHOOL)


def build(n_schools: int, responses: int, rng: random.Random) -> list[int]:
    ensure_reference_data()
    add_department_user()
    schools = []
    for n in range(1, n_schools + 1):
        school = School(
            full_name=f"Муниципальное казённое общеобразовательное учреждение «Средняя "
            f"общеобразовательная школа № {n}» с. Бенчмарково",
            short_name=f"МКОУ СОШ № {n} с. Бенчмарково",
            settlement="с. Бенчмарково",
        )
        size = rng.randint(12, 80)
        for grade in range(1, 12):
            school.set_enrolment(grade, round(size * (0.5 if grade >= 10 else 1)))
        schools.append(school)
    db.session.add_all(schools)
    db.session.flush()
    ids = [s.id for s in schools]

    # 600 events over two academic years, 900 participation rows.
    formats = [format_by_code(code).id for code in FORMS]
    events = []
    for i in range(600):
        year = YEAR if i % 3 else YEAR - 1
        start = date(year, 9, 1) + timedelta(days=rng.randrange(300))
        events.append(
            Event(
                title=f"Мероприятие {i + 1}",
                level=rng.choice(LEVELS),
                format_id=rng.choice(formats),
                start_date=start,
                end_date=start,
            )
        )
    db.session.add_all(events)
    db.session.flush()
    pairs = {(e.id, rng.choice(ids)) for e in events}
    while len(pairs) < 900:
        pairs.add((rng.choice(events).id, rng.choice(ids)))
    for event_id, school_id in pairs:
        participants = rng.randint(1, 40)
        db.session.add(
            Participation(
                event_id=event_id,
                school_id=school_id,
                participants=participants,
                ovz=rng.randint(0, participants // 10),
                winners=rng.randint(0, participants // 8),
                prizewinners=rng.randint(0, participants // 8),
                teachers=rng.randint(0, 3),
                distinct_children=rng.randint(0, participants),
            )
        )

    # Two agreements per school with partners of every kind.
    partners = [
        Partner(name=f"Партнёр {k}", short_name="", kind=kind, settlement="")
        for k, kind in enumerate(("poo", "vuz", "employer", "czn", "udo"))
    ]
    db.session.add_all(partners)
    db.session.flush()
    for school_id in ids:
        for k in range(2):
            db.session.add(
                Agreement(
                    school_id=school_id,
                    partner_id=rng.choice(partners).id,
                    number=f"{school_id}-{k}",
                    signed_on=date(2024, 9, 1),
                    valid_from=date(2024, 9, 1),
                    valid_until=None,
                    subject="Профессиональные пробы",
                )
            )

    # Submitted monitoring and graduate forms for both years.
    for year in (YEAR - 1, YEAR):
        monitoring_operations.create_period(PeriodKind.MONITORING, year)
        for school in schools:
            form = monitoring_operations.save_monitoring(
                None,
                school,
                year,
                {
                    "program_names": "Программа",
                    "sites_municipal": 1,
                    "sites_regional": 0,
                    "sites_federal": 0,
                    "minors_employed": 5,
                    "minors_employed_orphans": 0,
                    "minors_employed_registered": 0,
                    "incentive_measures": 2,
                    "children_rewarded": 4,
                    "profminimum_level": "basic",
                    "summary": "",
                },
            )
            form.status = Status.SUBMITTED
            values = monitoring_rules.empty_graduate_values()
            values[9]["graduates"] = (10, 1, 1)
            values[9]["school10_own"] = (6, 0, 1)
            values[9]["spo_workers"] = (4, 1, 0)
            values[11]["graduates"] = (5, 0, 0)
            values[11]["vuz_budget"] = (5, 0, 0)
            monitoring_operations.save_graduates(
                None, school, year, values
            ).status = Status.SUBMITTED
    seed_default_items()
    db.session.commit()

    # Survey responses: two thirds students, one third parents.
    for audience, title, share in (
        ("students", defaults.STUDENTS_TITLE, 2 / 3),
        ("parents", defaults.PARENTS_TITLE, 1 / 3),
    ):
        questionnaire = db.session.scalar(select(Questionnaire).where(Questionnaire.title == title))
        campaign = Campaign(
            title=f"Анкетирование ({audience})",
            questionnaire_id=questionnaire.id,
            audience=audience,
            academic_year=YEAR,
            opens_at=datetime(2026, 4, 1, 5, 0),
            closes_at=datetime(2026, 5, 31, 20, 59),
        )
        campaign.links = [CampaignSchool(school_id=sid, token=new_token()) for sid in ids]
        db.session.add(campaign)
        db.session.commit()
        fill(campaign.id, ids, round(responses * share), seed=len(audience))
        rebuild_tallies(campaign.id)
        db.session.commit()
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=30)
    parser.add_argument("--responses", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=5)
    add_database_argument(parser)
    args = parser.parse_args()
    with bench_app("reports", args.database_url) as (app, _folder):
        started = time.perf_counter()
        ids = build(args.schools, args.responses, random.Random(2026))
        print(
            f"Built {args.schools} schools, 600 events, 900 participation rows and "
            f"{args.responses:,} responses in {time.perf_counter() - started:.1f} s"
        )
        counter = QueryCounter()
        runs = []
        for _ in range(args.runs):
            before = counter.n
            t = time.perf_counter()
            indicator_table(YEAR)
            runs.append(time.perf_counter() - t)
        table_service = (statistics.median(runs), counter.n - before)
        db.session.remove()

        client = signed_in_client(app)
        print(f"\nMedian of {args.runs} runs:")
        print(f"{'what':<34} {'seconds':>8} {'queries':>8} {'size':>9}")
        print(f"{'indicator table (service)':<34} {table_service[0]:>8.3f} {table_service[1]:>8}")
        rows = [
            ("indicator table page", f"/reports/indicators?year={YEAR}", args.runs),
            ("indicator table XLSX", f"/reports/indicators.xlsx?year={YEAR}", args.runs),
            ("one school's PDF", f"/reports/schools/{ids[0]}.pdf?year={YEAR}", args.runs),
            ("district PDF", f"/reports/district.pdf?year={YEAR}", args.runs),
            (f"print-all ZIP ({len(ids) + 1} PDFs)", f"/reports/schools.zip?year={YEAR}", 1),
        ]
        for label, path, n in rows:
            t = timed(client, path, n, counter)
            print(f"{label:<34} {t.median:>8.3f} {t.queries:>8} {t.size / 1024:>7.0f}KB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak RSS of this process: {rss:.0f} MB")


if __name__ == "__main__":
    main()
