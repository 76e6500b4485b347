"""A crafted district for the indicator and report tests (no tests here): five active
schools and an inactive one, two academic years, every source of the indicator set, and
names that are hostile to markup. The expected figures are written out in the tests."""

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from pypdf import PdfReader

from proforient.events.models import Level
from proforient.extensions import db
from proforient.monitoring import operations as monitoring_operations
from proforient.monitoring.models import PeriodKind, Status
from tests.factories import make_school
from tests.support.agreements import make_agreement, make_partner
from tests.support.events import make_event, make_participation, seed_reference
from tests.support.monitoring import graduates_form, monitoring_form
from tests.support.survey_results import Survey, make_survey

YEAR = 2025
LONG_WORD = "Профориентационно" * 17 + "кий"  # 292 letters, no space to break at
HOSTILE_SCHOOL = 'МКОУ СОШ № 3 <Гамма> & «Дельта» "эпсилон"'
HOSTILE_PARTNER = '<img src="/etc/passwd"/> ООО «Рога & Копыта»'


@dataclass
class District:
    a: object
    b: object
    c: object
    e: object
    gone: object
    survey: Survey


def per_grade(n: int) -> dict[int, int]:
    return {g: n for g in range(1, 12)}


def build_district() -> District:
    """2025/2026 with last year beside it.

    A (60 pupils in grades 6–11): fair 12 (ОВЗ 2, инвалид 1, победитель 1, 12 distinct),
    trial 4 (ОВЗ 1, 0 distinct), seminar (3 teachers); agreement with a college; monitoring
    and graduate forms submitted; 6 student responses (4 satisfied, 2 not). Last year: a
    fair with 8 participants and a monitoring form with 1 programme.
    B (120): fair 30, trial 6, seminar (2 teachers), federal contest 10 (2 winners,
    3 prize-winners, 1 инвалид); monitoring form only a draft; 3 responses (suppressed).
    C (a hostile name, 1 pupil per grade): an agreement with a hostile partner name; a
    submitted monitoring form; 5 responses from 3 pupils — coverage over 100 %.
    E: nothing at all. Inactive «gone»: 100 at the fair, an agreement, a form, responses —
    none of it counts.
    """
    seed_reference()
    a = make_school("МКОУ СОШ № 1 с. Альфа", enrolment=per_grade(10))
    b = make_school("МКОУ СОШ № 2 с. Бета", enrolment=per_grade(20))
    c = make_school(
        HOSTILE_SCHOOL,
        enrolment=per_grade(1),
        full_name=f"Муниципальное казённое учреждение «{HOSTILE_SCHOOL}» {LONG_WORD}",
    )
    e = make_school("МКОУ СОШ № 5 с. Эпсилон", enrolment=per_grade(10))
    gone = make_school("МКОУ СОШ № 9 с. Закрытое", enrolment=per_grade(50))

    fair = make_event(title=f"Ярмарка {LONG_WORD}", start=date(2025, 10, 22))
    trial = make_event(
        title="Проба «Повар» & <кондитер>", form="prof_trial", start=date(2025, 11, 5)
    )
    seminar = make_event(
        title="Семинар", level=Level.MUNICIPAL, form="teacher_seminar", start=date(2026, 1, 20)
    )
    contest = make_event(
        title="Всероссийский конкурс", level=Level.FEDERAL, form="contest", start=date(2026, 4, 1)
    )
    last_fair = make_event(title="Прошлогодняя ярмарка", start=date(2024, 10, 10))

    make_participation(
        fair, a, participants=12, ovz=2, disabled=1, winners=1, teachers=1, distinct_children=12
    )
    make_participation(fair, b, participants=30, ovz=1, teachers=2)
    make_participation(fair, gone, participants=100)
    make_participation(trial, a, participants=4, ovz=1, distinct_children=0)
    make_participation(trial, b, participants=6)
    make_participation(seminar, a, participants=0, teachers=3)
    make_participation(seminar, b, participants=0, teachers=2)
    make_participation(contest, b, participants=10, winners=2, prizewinners=3, disabled=1)
    make_participation(last_fair, a, participants=8)

    college = make_partner("ГБПОУ «Невинномысский химико-технологический колледж»")
    hostile = make_partner(HOSTILE_PARTNER, kind="vuz")
    make_agreement(a, college, number="14/ПП", valid_from=date(2025, 1, 10), indefinite=True)
    make_agreement(
        c, hostile, number="7", valid_from=date(2025, 9, 1), valid_until=date(2027, 1, 1)
    )
    make_agreement(gone, college, number="99", valid_from=date(2025, 1, 10), indefinite=True)

    monitoring_operations.create_period(PeriodKind.MONITORING, YEAR)
    monitoring_form(a)
    monitoring_form(a, year=YEAR - 1, program_names="Программа А")
    monitoring_form(b, status=Status.DRAFT, minors_employed=100)
    monitoring_form(c, program_names="Программа В", minors_employed=4, minors_employed_orphans=0)
    monitoring_form(gone, minors_employed=500)
    graduates_form(a)
    db.session.commit()

    survey = make_survey([a, b, c, e, gone])
    survey.answer(a, satisfaction=5, matrix={"Рассказы": 5, "Консультации": 4}, times=4)
    survey.answer(a, satisfaction=2, matrix={"Рассказы": 1, "Консультации": 2}, times=2)
    survey.answer(b, satisfaction=4, matrix={"Рассказы": 4, "Консультации": 4}, times=3)
    survey.answer(c, satisfaction=3, matrix={"Рассказы": 3, "Консультации": 3}, times=5)
    survey.answer(gone, satisfaction=1, matrix={"Рассказы": 1, "Консультации": 1}, times=20)
    gone.active = False
    db.session.commit()
    return District(a, b, c, e, gone, survey)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(BytesIO(data)).pages)


def squeeze(text: str) -> str:
    """Text without whitespace: a word broken across lines reads whole again."""
    return "".join(text.split())
