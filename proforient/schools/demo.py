"""Demo district: 16 schools of a rural municipal district, their profiles, the two demo
users.

`PROFILES` is the one table every demo loader reads, so that events, agreements, the
monitoring forms and the surveys tell the same story about each school: a strong lyceum, a
small rural school too small to report on, a school that fell this year, and so on.
"""

from dataclasses import dataclass

from sqlalchemy import select

from proforient.auth.models import Role, User
from proforient.auth.services import create_user
from proforient.extensions import db
from proforient.schools.models import GRADES, School

# (full name, short name, settlement, kind, students in grade 1)
SCHOOLS = [
    (
        "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная "
        "школа № 3» с. Кочубеевское",
        "МКОУ СОШ № 3 с. Кочубеевское",
        "с. Кочубеевское",
        "СОШ",
        96,
    ),
    (
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная "
        "школа № 1» с. Кочубеевское",
        "МБОУ СОШ № 1 с. Кочубеевское",
        "с. Кочубеевское",
        "СОШ",
        104,
    ),
    (
        "Муниципальное бюджетное общеобразовательное учреждение «Гимназия № 2» с. Кочубеевское",
        "МБОУ Гимназия № 2 с. Кочубеевское",
        "с. Кочубеевское",
        "Гимназия",
        88,
    ),
    (
        "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная "
        "школа № 4» ст. Барсуковской",
        "МКОУ СОШ № 4 ст. Барсуковской",
        "ст. Барсуковская",
        "СОШ",
        54,
    ),
    (
        "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная "
        "школа № 5» с. Ивановского",
        "МКОУ СОШ № 5 с. Ивановского",
        "с. Ивановское",
        "СОШ",
        61,
    ),
    (
        "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная "
        "школа № 6» ст. Беломечётской",
        "МКОУ СОШ № 6 ст. Беломечётской",
        "ст. Беломечётская",
        "СОШ",
        47,
    ),
    (
        "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная "
        "школа № 7» с. Казьминского",
        "МКОУ СОШ № 7 с. Казьминского",
        "с. Казьминское",
        "СОШ",
        58,
    ),
    (
        "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная "
        "школа № 8» с. Балахоновского",
        "МКОУ СОШ № 8 с. Балахоновского",
        "с. Балахоновское",
        "СОШ",
        39,
    ),
    (
        "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная "
        "школа № 9» с. Заветного",
        "МКОУ СОШ № 9 с. Заветного",
        "с. Заветное",
        "СОШ",
        28,
    ),
    (
        "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная "
        "школа № 10» х. Стародворцовского",
        "МКОУ СОШ № 10 х. Стародворцовского",
        "х. Стародворцовский",
        "СОШ",
        22,
    ),
    (
        "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная "
        "школа № 11» а. Карамурзинского",
        "МКОУ СОШ № 11 а. Карамурзинского",
        "а. Карамурзинский",
        "СОШ",
        31,
    ),
    (
        "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная "
        "школа № 12» с. Надзорного",
        "МКОУ СОШ № 12 с. Надзорного",
        "с. Надзорное",
        "СОШ",
        36,
    ),
    (
        "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная "
        "школа № 13» ст. Новозаведенной",
        "МКОУ СОШ № 13 ст. Новозаведенной",
        "ст. Новозаведенная",
        "СОШ",
        33,
    ),
    (
        "Муниципальное казённое общеобразовательное учреждение «Основная общеобразовательная "
        "школа № 14» п. Тоннельного",
        "МКОУ ООШ № 14 п. Тоннельного",
        "п. Тоннельный",
        "ООШ",
        14,
    ),
    (
        "Муниципальное бюджетное общеобразовательное учреждение «Лицей № 15» с. Кочубеевское",
        "МБОУ Лицей № 15 с. Кочубеевское",
        "с. Кочубеевское",
        "Лицей",
        75,
    ),
    (
        "Муниципальное казённое общеобразовательное учреждение «Средняя общеобразовательная "
        "школа № 16» с. Веселого",
        "МКОУ СОШ № 16 с. Веселого",
        "с. Весёлое",
        "СОШ",
        26,
    ),
]


@dataclass(frozen=True)
class Profile:
    """How a demo school behaves. Pairs are (the year before the reporting year, the
    reporting year), both relative to today (`core.timeutil.reporting_year`)."""

    story: str  # what the school shows, for whoever reads or changes this table
    # Satisfaction level of students (share of index answers in the top two points);
    # parents answer a little warmer.
    satisfaction: tuple[float, float]
    # Survey responses ÷ enrolment of the surveyed grades (students 6–11, parents 1–11).
    # Above 1: an open link answered more often than the school has pupils.
    students: tuple[float, float]
    parents: tuple[float, float]
    # Events: how readily the school takes part (1 = the district's norm), before the
    # reporting year and from it on.
    engagement: tuple[float, float] = (1.0, 1.0)
    awards: float = 1.0  # chance and size of wins at contests and championships
    agreements: bool = True  # False: the school has never signed an agreement
    # State of the monitoring and graduate forms: "submitted", "draft", "returned", or
    # None (not started).
    monitoring: tuple[str | None, str | None] = ("submitted", "submitted")
    graduates: tuple[str | None, str | None] = ("submitted", "submitted")


PROFILES = {
    "МКОУ СОШ № 3 с. Кочубеевское": Profile(
        "Steady and growing; the demo coordinator's school, its graduate form still a draft.",
        satisfaction=(0.74, 0.78),
        students=(0.66, 0.71),
        parents=(0.38, 0.44),
        graduates=("submitted", "draft"),
    ),
    "МБОУ СОШ № 1 с. Кочубеевское": Profile(
        "The largest school: average satisfaction, middling turnout.",
        satisfaction=(0.70, 0.72),
        students=(0.52, 0.58),
        parents=(0.31, 0.36),
    ),
    "МБОУ Гимназия № 2 с. Кочубеевское": Profile(
        "Strong, second to the lyceum.",
        satisfaction=(0.83, 0.85),
        students=(0.78, 0.83),
        parents=(0.52, 0.57),
        engagement=(1.1, 1.1),
        awards=1.5,
    ),
    "МКОУ СОШ № 4 ст. Барсуковской": Profile(
        "Fell this year: its career-guidance teacher left, events and satisfaction dropped.",
        satisfaction=(0.81, 0.57),
        students=(0.74, 0.62),
        parents=(0.46, 0.40),
        engagement=(1.2, 0.6),
    ),
    "МКОУ СОШ № 5 с. Ивановского": Profile(
        "Average; its graduate form was returned for corrections.",
        satisfaction=(0.66, 0.69),
        students=(0.48, 0.55),
        parents=(0.33, 0.34),
        graduates=("submitted", "returned"),
    ),
    "МКОУ СОШ № 6 ст. Беломечётской": Profile(
        "Below average; its monitoring form was returned for corrections.",
        satisfaction=(0.63, 0.64),
        students=(0.44, 0.41),
        parents=(0.30, 0.32),
        engagement=(0.9, 0.9),
        monitoring=("submitted", "returned"),
    ),
    "МКОУ СОШ № 7 с. Казьминского": Profile(
        "Good and improving; a farm cooperative is its partner.",
        satisfaction=(0.76, 0.79),
        students=(0.62, 0.68),
        parents=(0.40, 0.47),
    ),
    "МКОУ СОШ № 8 с. Балахоновского": Profile(
        "Average; its graduate form is a draft.",
        satisfaction=(0.69, 0.71),
        students=(0.57, 0.60),
        parents=(0.36, 0.39),
        graduates=("submitted", "draft"),
    ),
    "МКОУ СОШ № 9 с. Заветного": Profile(
        "Below average, low turnout.",
        satisfaction=(0.60, 0.63),
        students=(0.40, 0.46),
        parents=(0.30, 0.31),
        engagement=(0.9, 0.9),
    ),
    "МКОУ СОШ № 10 х. Стародворцовского": Profile(
        "Remote farmstead school: no agreements, monitoring forms left as drafts.",
        satisfaction=(0.58, 0.56),
        students=(0.36, 0.33),
        parents=(0.34, 0.31),
        engagement=(0.7, 0.7),
        agreements=False,
        monitoring=("draft", "draft"),
    ),
    "МКОУ СОШ № 11 а. Карамурзинского": Profile(
        "Missed the spring survey of the reporting year (a new head); back in the open one.",
        satisfaction=(0.68, 0.68),
        students=(0.55, 0.0),
        parents=(0.37, 0.0),
    ),
    "МКОУ СОШ № 12 с. Надзорного": Profile(
        "The least satisfied of the schools that report.",
        satisfaction=(0.55, 0.59),
        students=(0.38, 0.42),
        parents=(0.31, 0.33),
        engagement=(0.85, 0.85),
    ),
    "МКОУ СОШ № 13 ст. Новозаведенной": Profile(
        "No agreements; otherwise average.",
        satisfaction=(0.62, 0.66),
        students=(0.45, 0.50),
        parents=(0.32, 0.35),
        agreements=False,
    ),
    "МКОУ ООШ № 14 п. Тоннельного": Profile(
        "Small basic school without stable internet: too few responses to report, no "
        "agreements, its forms not started.",
        satisfaction=(0.72, 0.75),
        students=(0.07, 0.05),
        parents=(0.05, 0.06),
        engagement=(0.6, 0.6),
        agreements=False,
        monitoring=("submitted", None),
        graduates=(None, None),
    ),
    "МБОУ Лицей № 15 с. Кочубеевское": Profile(
        "The strongest: most events, regional and federal winners, a university and "
        "employers as partners, the highest satisfaction and turnout.",
        satisfaction=(0.89, 0.92),
        students=(0.88, 0.93),
        parents=(0.64, 0.71),
        engagement=(1.5, 1.6),
        awards=3.0,
    ),
    "МКОУ СОШ № 16 с. Веселого": Profile(
        "Its parents' link went round the village chat: more answers than pupils.",
        satisfaction=(0.71, 0.74),
        students=(0.58, 0.63),
        parents=(0.47, 1.17),
    ),
}

# A school the demo does not know (added by hand before loading): the district's norm.
DEFAULT_PROFILE = Profile(
    "An ordinary school.", satisfaction=(0.7, 0.72), students=(0.5, 0.55), parents=(0.35, 0.4)
)


def profile(short_name: str) -> Profile:
    return PROFILES.get(short_name, DEFAULT_PROFILE)


def _enrolment(first_grade: int, kind: str, seed: int) -> dict[int, int]:
    """Believable grade sizes: a little variation, smaller senior grades after the 9th."""
    sizes = {}
    for grade in GRADES:
        wobble = ((seed * 7 + grade * 13) % 9 - 4) / 100
        n = first_grade * (1 + wobble)
        if grade >= 10:
            n *= 0.45 if kind != "Лицей" else 0.8
        sizes[grade] = 0 if (kind == "ООШ" and grade >= 10) else round(n)
    return sizes


def load() -> str:
    existing = set(db.session.scalars(select(School.short_name)))
    added = 0
    for seed, (full, short, settlement, kind, first) in enumerate(SCHOOLS):
        if short in existing:
            continue
        school = School(full_name=full, short_name=short, settlement=settlement, kind=kind)
        for grade, students in _enrolment(first, kind, seed).items():
            school.set_enrolment(grade, students)
        db.session.add(school)
        added += 1
    db.session.flush()

    first_school = db.session.scalar(select(School).where(School.short_name == SCHOOLS[0][1]))
    users = set(db.session.scalars(select(User.login)))
    if "admin" not in users:
        create_user("admin", "Иванова Марина Сергеевна", Role.DEPARTMENT, None, "admin-demo")
    if "school" not in users:
        create_user(
            "school", "Петренко Ольга Викторовна", Role.SCHOOL, first_school.id, "school-demo"
        )
    return f"Школы: добавлено {added}, всего {len(SCHOOLS)} в демо-округе."
