"""Benchmark of past years' import and of the concept report.

Builds a fresh SQLite database (or empties the PostgreSQL database given by
--database-url) with N schools (600 by default), fills the import template for six academic
years with every typed value, and times through the Flask test client the check and the
import of that file; then, on a district of 30 schools with those six years, times the
concept page, its PDF and its XLSX.

    .venv/bin/python bench/concept.py [--schools 600] [--years 6] [--database-url …]

Targets on this 2-core machine: the import of 600 schools × 6 years under 5 s, the
concept PDF for 30 schools × 6 years under 3 s.
"""

import argparse
import io
import random
import re
import time

from harness import add_database_argument, add_department_user, bench_app, signed_in_client, timed
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from proforient.extensions import db
from proforient.indicators.models import ManualValue
from proforient.plan.services import seed_default_items
from proforient.schools.models import School

FIRST = 2020


def schools(n: int) -> None:
    rng = random.Random(7)
    for i in range(1, n + 1):
        school = School(
            full_name=f"Муниципальное общеобразовательное учреждение № {i}",
            short_name=f"МОУ СОШ № {i} с. Бенчмарково",
            settlement="с. Бенчмарково",
        )
        for grade in range(1, 12):
            school.set_enrolment(grade, rng.randint(10, 60))
        db.session.add(school)
    add_department_user()
    seed_default_items()
    db.session.commit()


def value(code: str, rng: random.Random):
    """A plausible figure for a template column that respects the parts-and-wholes rules."""
    if code.endswith("б"):
        return rng.randint(300, 400)
    if code in ("8.2", "8.4"):
        return round(rng.uniform(50, 95), 1)
    if code in ("4.1", "8.1", "8.3"):
        return rng.randint(100, 200)
    if code in ("13.1", "13.4", "7.1", "10.1"):
        return rng.randint(20, 30)
    if code == "3":
        return rng.randint(20, 40)
    return rng.randint(0, 9)


def filled_template(client, years: int) -> bytes:
    wb = load_workbook(io.BytesIO(client.get(f"/reports/history/template.xlsx?year={FIRST}").data))
    ws = wb["Показатели"]
    codes = [str(c.value).split(". ")[0] for c in ws[1]]
    names = [ws.cell(row=r, column=2).value for r in range(2, ws.max_row + 1)]
    ws.delete_rows(2, ws.max_row)
    rng = random.Random(11)
    n = 0
    for year in range(FIRST, FIRST + years):
        for name in names:
            n += 1
            ws.append([n, name, f"{year}/{year + 1}", *[value(c, rng) for c in codes[3:]]])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=600)
    parser.add_argument("--years", type=int, default=6)
    add_database_argument(parser)
    args = parser.parse_args()
    with bench_app("concept", args.database_url) as (app, _folder):
        schools(args.schools)
        client = signed_in_client(app)
        data = filled_template(client, args.years)
        started = time.perf_counter()
        r = client.post(
            "/reports/history/check",
            data={"file": (io.BytesIO(data), "history.xlsx")},
            content_type="multipart/form-data",
        )
        checked = time.perf_counter() - started
        page = r.get_data(as_text=True)
        token = re.search(r'name="token" value="([0-9a-f]+)"', page)
        assert token, page[page.find("Файл не загружен") :][:2000]
        r = client.post("/reports/history/import", data={"token": token.group(1)})
        total = time.perf_counter() - started
        stored = db.session.scalar(select(func.count()).select_from(ManualValue))
        print(
            f"Import of {args.schools} schools × {args.years} years "
            f"({len(data) / 2**20:.1f} MB, {stored:,} values): check {checked:.2f} s, "
            f"check + import {total:.2f} s (the import checks the file again)"
        )

        # The concept report on a district of 30 schools: switch the others off.
        keep = select(School.id).order_by(School.id).limit(30).scalar_subquery()
        db.session.execute(update(School).where(School.id.not_in(keep)).values(active=False))
        db.session.commit()
        for label, path in (
            ("concept page", "/reports/concept/"),
            ("concept PDF", "/reports/concept/report.pdf"),
            ("concept XLSX", "/reports/concept/report.xlsx"),
        ):
            t = timed(client, path, 3)
            print(f"{label} (30 schools × {args.years} years): {t.median:.2f} s")


if __name__ == "__main__":
    main()
