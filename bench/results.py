"""Benchmark of survey results on 100,000 responses.

Builds a fresh SQLite database in a temporary folder (or empties the PostgreSQL database
given by --database-url) with the real migrations, adds the demo schools and one students'
campaign over all of them, fills N responses with realistic answers to the default
students' questionnaire (bulk executemany) and counts them into the answer tallies
(`rebuild_tallies`, as any bulk loader must), then times through the Flask test client:
the district results page, one school's results page, the district overview, and the
per-school summary export. Prints median and max of several runs, the query plan of the
main aggregation, and the peak RSS of this process.

    .venv/bin/python bench/results.py [--responses 100000] [--runs 7] [--keep]
        [--database-url postgresql+psycopg://…/an_expendable_database]

Target: each page under 0.5 s.
"""

import argparse
import random
import resource
import secrets
import time
from datetime import date, datetime

from harness import add_database_argument, add_department_user, bench_app, signed_in_client, timed
from sqlalchemy import select, text

from proforient.extensions import db
from proforient.schools import demo as schools_demo
from proforient.schools.models import Enrolment, School
from proforient.surveys import defaults
from proforient.surveys.models import Campaign, CampaignSchool, Questionnaire
from proforient.surveys.spec import build_spec
from proforient.surveys.tallies import rebuild_tallies
from proforient.surveys.tokens import new_token

CHUNK = 5000
TEXTS = [
    "Больше экскурсий на предприятия",
    "Хочется пробовать разные профессии на практике",
    "Встреч с выпускниками школы",
    "Информации о колледжах края",
    "Всего хватает",
]


def setup(app) -> tuple[int, list[int]]:
    """Schools, a department user and a campaign; returns (campaign id, school ids)."""
    schools_demo.load()
    add_department_user()
    questionnaire = db.session.scalar(
        select(Questionnaire).where(Questionnaire.title == defaults.STUDENTS_TITLE)
    )
    campaign = Campaign(
        title="Анкетирование обучающихся (бенчмарк)",
        questionnaire_id=questionnaire.id,
        audience="students",
        academic_year=2025,
        opens_at=datetime(2026, 4, 1, 5, 0),
        closes_at=datetime(2026, 5, 31, 20, 59),
    )
    school_ids = list(db.session.scalars(select(School.id).order_by(School.id)))
    for sid in school_ids:
        campaign.links.append(CampaignSchool(school_id=sid, token=new_token()))
    db.session.add(campaign)
    db.session.commit()
    return campaign.id, school_ids


def weighted(rng: random.Random, n: int, lean: float) -> int:
    """An index 0..n-1 leaning towards 0 (the «good» end) by `lean`."""
    weights = [max(0.05, 1 + lean * (n - 1 - i) - 0.15 * i) for i in range(n)]
    return rng.choices(range(n), weights)[0]


def fill(campaign_id: int, school_ids: list[int], total: int, seed: int = 2026) -> float:
    """Insert `total` responses with their answers in chunks; returns seconds taken."""
    rng = random.Random(seed)
    spec = build_spec(db.session.get(Campaign, campaign_id).questionnaire_id)
    # Responses spread over schools by the enrolment of grades 6–11.
    sizes = dict(
        db.session.execute(
            select(Enrolment.school_id, db.func.sum(Enrolment.students))
            .where(Enrolment.grade.between(6, 11))
            .group_by(Enrolment.school_id)
        ).all()
    )
    weights = [max(1, sizes.get(sid, 1)) for sid in school_ids]
    quality = {sid: rng.uniform(0.0, 0.6) for sid in school_ids}
    start_id = (db.session.scalar(text("SELECT max(id) FROM response")) or 0) + 1
    raw = db.engine.raw_connection()
    mark = "?" if db.engine.dialect.name == "sqlite" else "%s"  # the driver's paramstyle
    started = time.perf_counter()
    try:
        cursor = raw.cursor()
        rid = start_id
        done = 0
        while done < total:
            n = min(CHUNK, total - done)
            responses, answers, texts = [], [], []
            for school_id in rng.choices(school_ids, weights, k=n):
                lean = quality[school_id]
                grade = None
                for q in spec.questions:
                    if q.kind == "single":
                        options = q.options
                        if q.is_grade:
                            option = rng.choice(options)
                            grade = option.value
                        else:
                            option = options[weighted(rng, len(options), 0.3)]
                        answers.append((rid, q.id, option.id, None, option.value))
                    elif q.kind == "satisfaction":
                        option = q.options[weighted(rng, len(q.options), lean)]
                        answers.append((rid, q.id, option.id, None, option.value))
                    elif q.kind == "multiple":
                        k = min(q.max_choices or 3, rng.randint(1, 3))
                        for option in rng.sample(q.options, k):
                            answers.append((rid, q.id, option.id, None, option.value))
                    elif q.kind == "rating":
                        answers.append((rid, q.id, None, None, 5 - weighted(rng, 5, lean)))
                    elif q.kind == "matrix":
                        for row in q.rows:
                            answers.append((rid, q.id, None, row.id, 5 - weighted(rng, 5, lean)))
                    elif q.kind == "text" and rng.random() < 0.2:
                        texts.append((rid, q.id, rng.choice(TEXTS)))
                responses.append(
                    (
                        rid,
                        campaign_id,
                        school_id,
                        grade,
                        date(2026, 4, 1 + rng.randrange(30)).isoformat(),
                        secrets.token_urlsafe(16),
                    )
                )
                rid += 1
            cursor.executemany(
                "INSERT INTO response (id, campaign_id, school_id, grade, submitted_on, "
                "submission_key) VALUES (?, ?, ?, ?, ?, ?)".replace("?", mark),
                responses,
            )
            cursor.executemany(
                "INSERT INTO answer (response_id, question_id, option_id, row_id, value) "
                "VALUES (?, ?, ?, ?, ?)".replace("?", mark),
                answers,
            )
            cursor.executemany(
                "INSERT INTO answer_text (response_id, question_id, text) VALUES (?, ?, ?)".replace(
                    "?", mark
                ),
                texts,
            )
            raw.commit()
            done += n
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    return time.perf_counter() - started


def recount(campaign_id: int) -> tuple[float, int]:
    """The answers were written in bulk, past `submit`: count them into the tallies.
    Returns (seconds, tally rows)."""
    started = time.perf_counter()
    rows = rebuild_tallies(campaign_id)
    db.session.commit()
    db.session.execute(text("ANALYZE answer_tally"))
    db.session.commit()
    return time.perf_counter() - started, rows


def explain(campaign_id: int) -> list[str]:
    """Query plans of the tally aggregation and of the response counts."""
    plans = []
    for sql in (
        "SELECT school_id, question_id, option_id, row_id, value, sum(n) "
        "FROM answer_tally WHERE campaign_id = :c "
        "GROUP BY school_id, question_id, option_id, row_id, value",
        "SELECT school_id, grade, count(*) FROM response WHERE campaign_id = :c "
        "GROUP BY school_id, grade",
    ):
        sqlite = db.engine.dialect.name == "sqlite"
        explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
        rows = db.session.execute(text(explain + sql), {"c": campaign_id}).all()
        steps = (str(row[-1]).strip() for row in rows)
        plans.append(sql.split(" FROM ")[1][:60] + " …: " + "; ".join(steps))
    return plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    add_database_argument(parser)
    args = parser.parse_args()

    with bench_app("results", args.database_url, keep=args.keep) as (app, folder):
        campaign_id, school_ids = setup(app)
        seconds = fill(campaign_id, school_ids, args.responses)
        recount_seconds, tally_rows = recount(campaign_id)
        answers = db.session.scalar(text("SELECT count(*) FROM answer"))
        # The school with most responses: the worst case for a school page.
        school_id, school_n = db.session.execute(
            text(
                "SELECT school_id, count(*) FROM response WHERE campaign_id = :c "
                "GROUP BY school_id ORDER BY 2 DESC LIMIT 1"
            ),
            {"c": campaign_id},
        ).one()
        plan = explain(campaign_id)
        if db.engine.dialect.name == "postgresql":
            size_mb = db.session.scalar(text("SELECT pg_database_size(current_database())"))
            size_mb /= 2**20
        else:
            size_mb = (folder / "bench.sqlite3").stat().st_size / 2**20
        db.session.remove()
        print(
            f"Filled {args.responses:,} responses ({answers:,} answer rows) "
            f"in {seconds:.1f} s; tallies rebuilt ({tally_rows:,} rows) in "
            f"{recount_seconds:.1f} s; database {size_mb:.0f} MB"
        )

        client = signed_in_client(app)
        base = f"/surveys/campaigns/{campaign_id}/results"
        pages = [
            ("district results page", base),
            (f"school results page (n={school_n:,})", f"{base}?school={school_id}"),
            ("school × grade 9 page", f"{base}?school={school_id}&grade=9"),
            ("district overview", f"{base}/schools"),
            ("per-school summary XLSX", f"{base}/summary.xlsx"),
        ]
        print(f"\n{args.runs} requests per page, ms:")
        print(f"{'page':<36} {'median':>7} {'max':>7} {'size':>7}")
        worst = 0.0
        for label, url in pages:
            t = timed(client, url, args.runs)
            worst = max(worst, t.median)
            print(
                f"{label:<36} {t.median * 1000:>7.0f} {t.worst * 1000:>7.0f} "
                f"{t.size / 1024:>5.0f}KB"
            )
        # Row-by-row exports of every response: one run each (they read in chunks).
        for label, url in (
            ("responses CSV (all schools)", f"{base}/responses.csv"),
            ("responses XLSX (all schools)", f"{base}/responses.xlsx"),
        ):
            started = time.perf_counter()
            response = client.get(url)
            body = response.get_data()
            seconds = time.perf_counter() - started
            assert response.status_code == 200, (url, response.status_code)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"{label:<36} {seconds:>6.1f} s, {len(body) / 2**20:.1f} MB;"
                f" peak RSS so far {rss:.0f} MB"
            )
        print("\nQuery plans:")
        for line in plan:
            print("  " + line)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\nPeak RSS of this process: {rss:.0f} MB")
        verdict = "OK" if worst < 0.5 else "SLOW"
        print(f"Target < 500 ms per page (median): {verdict}")


if __name__ == "__main__":
    main()
