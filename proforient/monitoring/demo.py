"""Demo: reporting periods and forms of the demo district for the reporting year and the
year before (`core.timeutil.reporting_year`), so the dates stay true whenever it loads.

On 2 December 2026 the reporting year is 2025/2026: its monitoring closed on 31.05.2026;
its graduate form (June 2026 graduates) was due on 30.09.2026 and the department extended
it to 15.12.2026, so the demo coordinator's school still has a draft. The graduate form of
the reporting year exists only once its September has come. Which school submitted, left a
draft, was returned or has not started is its profile's (`schools.demo.PROFILES`).
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from proforient.auth.models import User
from proforient.core.timeutil import local_today, reporting_year
from proforient.extensions import db
from proforient.monitoring import operations, queries, rules
from proforient.monitoring.models import (
    GRADUATE_CATEGORIES,
    GRADUATE_GRADES,
    PeriodKind,
    Status,
)
from proforient.schools.demo import SCHOOLS, profile
from proforient.schools.models import School


def periods(today: date) -> list[tuple[str, int, int, date | None, date | None]]:
    """(kind, year, 0 or 1 — the year before the reporting year or the reporting year,
    opens, closes); None dates: the defaults. The reporting year's graduate period was
    extended to 15 December (or a week from today, if later)."""
    reporting = reporting_year(today)
    out = []
    for offset, year in enumerate((reporting - 1, reporting)):
        out.append((PeriodKind.MONITORING, year, offset, None, None))
        opens, closes = PeriodKind.default_dates(PeriodKind.GRADUATES, year)
        if offset == 0:
            out.append((PeriodKind.GRADUATES, year, offset, None, None))
        elif today >= opens:
            extended = max(date(year + 1, 12, 15), today + timedelta(days=7))
            out.append((PeriodKind.GRADUATES, year, offset, opens, extended))
    return out


RETURN_COMMENTS = {
    PeriodKind.MONITORING: "Число трудоустроенных несовершеннолетних не совпадает с данными "
    "центра занятости (у них 9 человек). Уточните, пожалуйста, и отправьте форму снова.",
    PeriodKind.GRADUATES: "В 9 классе двое выпускников указаны в категории «Иное»: уточните, "
    "куда они поступили (10 класс, СПО или курсы).",
}

PROGRAMS = [
    "Программа профориентационной работы «Мой выбор»",
    "Курс внеурочной деятельности «Россия — мои горизонты»",
    "Программа «Билет в будущее» (6–11 классы)",
    "Элективный курс «Профессиональное самоопределение»",
    "Программа психолого-педагогического сопровождения выбора профессии",
    "Программа «Агрокласс»",
]
SITE_NAMES = {
    "municipal": "Муниципальная инновационная площадка «Школа — колледж — предприятие»",
    "regional": "Региональная инновационная площадка «Профильный агрокласс»",
    "federal": "Федеральная площадка «Профориентационный навигатор»",
}
SUMMARIES = [
    "Все обучающиеся 6–11 классов охвачены курсом «Россия — мои горизонты». Проведены "
    "профпробы на базе аграрного техникума. В следующем году — расширить число "
    "партнёров-предприятий.",
    "Профориентационная работа велась по плану. Выросло участие в проекте «Билет в будущее»; "
    "не удалось организовать экскурсии на предприятия из-за транспорта.",
    "Проведены классные часы, встречи с выпускниками и родителями, дни открытых дверей ПОО. "
    "Нужны консультации педагога-психолога для 9 классов.",
]

# The year a school's career-guidance teacher left (its profile's engagement fell).
SUMMARY_FELL = (
    "Педагог-навигатор уволился в сентябре, замену нашли только в январе. Мероприятий и "
    "профессиональных проб меньше, чем в прошлом году; планируем восстановить договор с "
    "техникумом и экскурсии на предприятия."
)

# Shares of the categories (in questionnaire order), for believable numbers.
SHARES = {
    9: [0.46, 0.04, 0.24, 0.16, 0.02, 0.01, 0.01, 0.01, 0.03, 0.02],
    11: [0.34, 0.12, 0.06, 0.28, 0.03, 0.07, 0.06, 0.01, 0.01, 0.01, 0.01],
}


def _split(total: int, shares: list[float]) -> list[int]:
    """Largest-remainder split: the parts always add up to `total`."""
    raw = [total * s / sum(shares) for s in shares]
    parts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _spread(n: int, totals: list[int]) -> list[int]:
    """Put `n` children into the categories with the most room (never above a total)."""
    out = [0] * len(totals)
    for _ in range(n):
        i = max(range(len(totals)), key=lambda k: totals[k] - out[k])
        if totals[i] - out[i] <= 0:
            break
        out[i] += 1
    return out


def _graduate_values(enrolment: dict[int, int], seed: int, offset: int):
    """`offset`: 0 for the year before the reporting year, 1 for the reporting year."""
    values = rules.empty_graduate_values()
    for grade in GRADUATE_GRADES:
        wobble = 1 + (((seed * 5 + offset + grade) % 7) - 3) / 30
        total = round(enrolment.get(grade, 0) * wobble)
        totals = _split(total, SHARES[grade])
        orphans = _spread(min((seed + grade) % 3, total), totals)
        ovz = _spread(min((seed * 3 + grade) % 4, total), totals)
        values[grade][rules.COHORT] = (total, sum(orphans), sum(ovz))
        for (code, _label), t, o, v in zip(
            GRADUATE_CATEGORIES[grade], totals, orphans, ovz, strict=True
        ):
            values[grade][code] = (t, o, v)
    return values


def _monitoring_data(school: School, enrolment: dict[int, int], seed: int, offset: int) -> dict:
    """`offset`: 0 for the year before the reporting year, 1 for the reporting year."""
    senior = sum(enrolment.get(g, 0) for g in (8, 9, 10, 11))
    employed = round(senior * (0.05 + ((seed + offset) % 5) * 0.015))
    advanced = school.kind in ("Лицей", "Гимназия")
    p = profile(school.short_name)
    strength = min(p.awards, 2.0)
    fell = offset == 1 and p.engagement[1] < 0.8 * p.engagement[0]
    sites = {
        "sites_municipal": 1 if seed % 3 == 0 else 0,
        "sites_regional": 1 if school.kind in ("Лицей", "Гимназия") else 0,
        "sites_federal": 1 if school.kind == "Лицей" and offset == 1 else 0,
    }
    names = [SITE_NAMES[k.removeprefix("sites_")] for k, n in sites.items() if n]
    return {
        "program_names": "\n".join(
            PROGRAMS[(seed + i) % len(PROGRAMS)] for i in range(1 + seed % 3)
        ),
        **sites,
        "site_names": "\n".join(names),
        "minors_employed": employed,
        "minors_employed_orphans": min(employed, seed % 3 == 1),
        "minors_employed_registered": min(employed, seed % 4),
        "incentive_measures": 1 + (seed + offset) % 4,
        "children_rewarded": round((4 + (seed * 7 + offset) % 23) * strength),
        "profminimum_level": "advanced" if advanced else ("basic" if seed % 4 == 3 else "main"),
        "summary": SUMMARY_FELL if fell else SUMMARIES[(seed + offset) % len(SUMMARIES)],
    }


def _days(opens_on: date, today: date, seed: int) -> list[date]:
    """When a school started its form, saved it and got it back: office days after the
    period opened, none after today."""
    opened, latest = opens_on.toordinal(), today.toordinal()
    started = max(opened, min(opened + (seed * 3) % 20, latest - 5))
    return [date.fromordinal(min(started + shift, latest)) for shift in (0, 2, 5)]


def _at(day: date, hour: int) -> datetime:
    """A naive UTC time on that day (Moscow office hours)."""
    return datetime.combine(day, time(hour, 15))


def load() -> str:
    schools = {s.short_name: s for s in db.session.scalars(select(School))}
    demo = [(i, schools[row[1]]) for i, row in enumerate(SCHOOLS) if row[1] in schools]
    if not demo:
        return "Мониторинг: нет демо-школ."
    coordinator = db.session.scalar(select(User).where(User.login == "school"))

    today = local_today()
    added_periods = added = 0
    for kind, year, offset, opens, closes in periods(today):
        period = queries.find_period(kind, year)
        if period is None:
            period = operations.create_period(kind, year, opens, closes)
            added_periods += 1
        for seed, school in demo:
            p = profile(school.short_name)
            status = (p.monitoring if kind == PeriodKind.MONITORING else p.graduates)[offset]
            if status is None or queries.get_report(kind, school.id, year) is not None:
                continue
            enrolment = school.enrolment_by_grade()
            if kind == PeriodKind.MONITORING:
                data = _monitoring_data(school, enrolment, seed, offset)
                if status == Status.DRAFT:
                    data.update(summary="", profminimum_level=None, children_rewarded=None)
                report = operations.save_monitoring(None, school, year, data)
            else:
                values = _graduate_values(enrolment, seed, offset)
                if status == Status.DRAFT:
                    t, o, v = values[9]["other"]
                    values[9]["other"] = (t + 1, o, v)  # not balanced yet
                report = operations.save_graduates(None, school, year, values)
            report.status = status
            started, saved, returned = _days(period.opens_on, today, seed)
            report.created_at = _at(started, 7)
            report.updated_at = _at(saved, 9)
            if status in (Status.SUBMITTED, Status.RETURNED):
                report.submitted_at = report.updated_at
                if seed == 0 and coordinator is not None:
                    report.submitted_by_id = coordinator.id
            if status == Status.RETURNED:
                report.returned_at = _at(returned, 11)
                report.return_comment = RETURN_COMMENTS[kind]
            added += 1
    db.session.flush()
    return f"Мониторинг: периодов добавлено {added_periods}, форм школ — {added}."
