"""Demo: reporting periods and forms of the demo district for 2024/2025 and 2025/2026.

Demo «today» is 26.11.2026: the monitoring of 2025/2026 closed on 31.05.2026; the
graduate form of 2025/2026 (June 2026 graduates) was due on 30.09.2026 and the department
extended it to 15.12.2026, so the first school (the demo coordinator's) still has a draft.
Most schools submitted, a few are drafts or returned, one school has not started.
"""

from datetime import date, datetime, time

from sqlalchemy import select

from proforient.auth.models import User
from proforient.extensions import db
from proforient.monitoring import services
from proforient.monitoring.models import (
    GRADUATE_CATEGORIES,
    GRADUATE_GRADES,
    PeriodKind,
    Status,
)
from proforient.schools.demo import SCHOOLS
from proforient.schools.models import School

PERIODS = [
    (PeriodKind.MONITORING, 2024, None, None),
    (PeriodKind.GRADUATES, 2024, None, None),
    (PeriodKind.MONITORING, 2025, None, None),
    (PeriodKind.GRADUATES, 2025, date(2026, 9, 1), date(2026, 12, 15)),
]

# School index in SCHOOLS -> state other than «submitted», per (kind, year).
NOT_SUBMITTED = {
    (PeriodKind.MONITORING, 2024): {9: Status.DRAFT},
    (PeriodKind.GRADUATES, 2024): {13: None},
    (PeriodKind.MONITORING, 2025): {5: Status.RETURNED, 9: Status.DRAFT, 13: None},
    (PeriodKind.GRADUATES, 2025): {0: Status.DRAFT, 4: Status.RETURNED, 7: Status.DRAFT, 13: None},
}
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


def _graduate_values(enrolment: dict[int, int], seed: int, year: int):
    values = services.empty_graduate_values()
    for grade in GRADUATE_GRADES:
        wobble = 1 + (((seed * 5 + year + grade) % 7) - 3) / 30
        total = round(enrolment.get(grade, 0) * wobble)
        totals = _split(total, SHARES[grade])
        orphans = _spread(min((seed + grade) % 3, total), totals)
        ovz = _spread(min((seed * 3 + grade) % 4, total), totals)
        values[grade][services.COHORT] = (total, sum(orphans), sum(ovz))
        for (code, _label), t, o, v in zip(
            GRADUATE_CATEGORIES[grade], totals, orphans, ovz, strict=True
        ):
            values[grade][code] = (t, o, v)
    return values


def _monitoring_data(school: School, enrolment: dict[int, int], seed: int, year: int) -> dict:
    senior = sum(enrolment.get(g, 0) for g in (8, 9, 10, 11))
    employed = round(senior * (0.05 + ((seed + year) % 5) * 0.015))
    advanced = school.kind in ("Лицей", "Гимназия")
    sites = {
        "sites_municipal": 1 if seed % 3 == 0 else 0,
        "sites_regional": 1 if seed in (2, 14) else 0,
        "sites_federal": 1 if seed == 14 and year == 2025 else 0,
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
        "incentive_measures": 1 + (seed + year) % 4,
        "children_rewarded": 4 + (seed * 7 + year) % 23,
        "profminimum_level": "advanced" if advanced else ("basic" if seed % 4 == 3 else "main"),
        "summary": SUMMARIES[(seed + year) % len(SUMMARIES)],
    }


def _at(day: date, hour: int) -> datetime:
    """A naive UTC time on that day (Moscow office hours)."""
    return datetime.combine(day, time(hour, 15))


def load() -> str:
    schools = {s.short_name: s for s in db.session.scalars(select(School))}
    demo = [(i, schools[row[1]]) for i, row in enumerate(SCHOOLS) if row[1] in schools]
    if not demo:
        return "Мониторинг: нет демо-школ."
    coordinator = db.session.scalar(select(User).where(User.login == "school"))

    periods = {}
    added_periods = 0
    for kind, year, opens, closes in PERIODS:
        period = services.find_period(kind, year)
        if period is None:
            period = services.create_period(kind, year, opens, closes)
            added_periods += 1
        periods[(kind, year)] = period

    added = 0
    for (kind, year), period in periods.items():
        special = NOT_SUBMITTED.get((kind, year), {})
        for seed, school in demo:
            status = special.get(seed, Status.SUBMITTED)
            if status is None or services.get_report(kind, school.id, year) is not None:
                continue
            enrolment = school.enrolment_by_grade()
            if kind == PeriodKind.MONITORING:
                data = _monitoring_data(school, enrolment, seed, year)
                if status == Status.DRAFT:
                    data.update(summary="", profminimum_level=None, children_rewarded=None)
                report = services.save_monitoring(None, school, year, data)
            else:
                values = _graduate_values(enrolment, seed, year)
                if status == Status.DRAFT:
                    t, o, v = values[9]["other"]
                    values[9]["other"] = (t + 1, o, v)  # not balanced yet
                report = services.save_graduates(None, school, year, values)
            report.status = status
            started = period.opens_on.toordinal() + (seed * 3) % 20
            report.created_at = _at(date.fromordinal(started), 7)
            report.updated_at = _at(date.fromordinal(started + 2), 9)
            if status in (Status.SUBMITTED, Status.RETURNED):
                report.submitted_at = report.updated_at
                if seed == 0 and coordinator is not None:
                    report.submitted_by_id = coordinator.id
            if status == Status.RETURNED:
                report.returned_at = _at(date.fromordinal(started + 5), 11)
                report.return_comment = RETURN_COMMENTS[kind]
            added += 1
    db.session.flush()
    return f"Мониторинг: периодов добавлено {added_periods}, форм школ — {added}."
