"""The thirteen indicators of the concept's monitoring, as measures (docs/indicators.md
says the same in words). Every formula takes one school's `Facts` for a year and gives a
`Cell`; the district is computed from the schools' cells as the measure's `Kind` says, so a
school row and the district row can never disagree."""

from collections.abc import Callable

from proforient.indicators.definitions import (
    DISTINCT_UNKNOWN,
    FORM_MISSING,
    NO_AGREEMENTS,
    NO_REGISTRY,
    NOT_SURVEYED,
    Cell,
    Definition,
    Kind,
    Source,
)
from proforient.indicators.facts import Facts
from proforient.monitoring.indicators import CONTINUING, IDLE, SPO, VUZ
from proforient.monitoring.rules import COHORT
from proforient.surveys.models import Audience

# --- Formulas ----------------------------------------------------------------------------


def _events(attr: str, base: str | None = None) -> Callable[[Facts], Cell]:
    def compute(f: Facts) -> Cell:
        if f.events is None:
            return Cell(None, note=NO_REGISTRY)
        return Cell(getattr(f.events, attr), getattr(f.events, base) if base else None)

    return compute


def _children(f: Facts) -> Cell:
    if f.events is None:
        return Cell(None, note=NO_REGISTRY)
    if f.events.distinct_children is None:
        return Cell(None, f.enrolment_6_11, note=DISTINCT_UNKNOWN)
    return Cell(f.events.distinct_children, f.enrolment_6_11)


def _form(attr: str, base: str | None = None) -> Callable[[Facts], Cell]:
    def compute(f: Facts) -> Cell:
        if f.form is None:
            return Cell(None, note=FORM_MISSING)
        return Cell(getattr(f.form, attr), getattr(f.form, base) if base else None)

    return compute


def _agreements(*kinds: str) -> Callable[[Facts], Cell]:
    def compute(f: Facts) -> Cell:
        if f.agreements is None:
            return Cell(None, note=NO_AGREEMENTS)
        return Cell(sum(n for k, n in f.agreements.items() if not kinds or k in kinds))

    return compute


def _with_agreement(f: Facts) -> Cell:
    if f.agreements is None:
        return Cell(None, note=NO_AGREEMENTS)
    return Cell(1 if any(f.agreements.values()) else 0, 1)


def _coverage(audience: str) -> Callable[[Facts], Cell]:
    def compute(f: Facts) -> Cell:
        s = f.surveys.get(audience)
        if s is None:
            return Cell(None, note=NOT_SURVEYED)
        return Cell(s.responses, s.enrolment)

    return compute


def _satisfaction(audience: str) -> Callable[[Facts], Cell]:
    def compute(f: Facts) -> Cell:
        s = f.surveys.get(audience)
        if s is None:
            return Cell(None, note=NOT_SURVEYED)
        return Cell(None, s.responses, parts=(s.satisfied, s.index_answers, s.responses))

    return compute


def _graduates(grades: tuple[int, ...], pick, column: int = 0, base=None):
    """Graduates of `grades` in the categories `pick(grade)` (COHORT for the cohort itself);
    `column` 0 = all, 1 = orphans, 2 = ОВЗ; `base` picks the categories of the base."""

    def total(values, picker) -> int:
        return sum(values[g][key][column] for g in grades for key in picker(g))

    def compute(f: Facts) -> Cell:
        if f.graduates is None:
            return Cell(None, note=FORM_MISSING)
        return Cell(total(f.graduates, pick), total(f.graduates, base) if base else None)

    return compute


def _cohort(_grade: int) -> tuple[str, ...]:
    return (COHORT,)


def _continuing(grade: int) -> tuple[str, ...]:
    return CONTINUING[grade]


STUDENTS, PARENTS = Audience.STUDENTS, Audience.PARENTS
ENROLMENT_6_11 = "обучающиеся 6–11 классов"
PARTICIPATIONS = "участия (4.1)"

DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        key="programs",
        number="1",
        label="Программы сопровождения профессионального самоопределения",
        short="Программы",
        unit="ед.",
        source=Source.FORM,
        kind=Kind.COUNT,
        compute=_form("programs"),
        feed="form",
    ),
    Definition(
        key="innovation_sites",
        number="2",
        label="Инновационные площадки по профориентации",
        short="Площадки",
        unit="ед.",
        source=Source.FORM,
        kind=Kind.COUNT,
        compute=_form("innovation_sites"),
        feed="form",
    ),
    Definition(
        key="events",
        number="3",
        label="Мероприятия, в которых участвовали обучающиеся и педагоги",
        short="Мероприятия",
        unit="ед.",
        source=Source.REGISTRY,
        kind=Kind.EVENTS,
        compute=_events("events"),
        key_figure=True,
        district_attr="events",
        feed="events",
    ),
    Definition(
        key="participations",
        number="4.1",
        label="Участия обучающихся в мероприятиях",
        short="Участия",
        unit="участий",
        source=Source.REGISTRY,
        kind=Kind.COUNT,
        compute=_events("participants"),
        key_figure=True,
        feed="events",
    ),
    Definition(
        key="children",
        number="4.2",
        label="Дети, вовлечённые в раннюю профориентацию, без повторов",
        short="Дети без повторов",
        unit="чел.",
        source=Source.REGISTRY,
        kind=Kind.COUNT,
        compute=_children,
        base_label=ENROLMENT_6_11,
        key_figure=True,
        feed="events",
        base_input="Обучающиеся 6–11 классов",
    ),
    Definition(
        key="children_ovz",
        number="4.3",
        label="в т. ч. участия детей с ОВЗ",
        short="С ОВЗ",
        unit="участий",
        source=Source.REGISTRY,
        kind=Kind.COUNT,
        compute=_events("ovz", "participants"),
        base_label=PARTICIPATIONS,
        feed="events",
        part_of=("participations",),
    ),
    Definition(
        key="children_disabled",
        number="4.4",
        label="в т. ч. участия детей-инвалидов",
        short="Инвалиды",
        unit="участий",
        source=Source.REGISTRY,
        kind=Kind.COUNT,
        compute=_events("disabled", "participants"),
        base_label=PARTICIPATIONS,
        feed="events",
        part_of=("participations",),
    ),
    Definition(
        key="winners",
        number="5.1",
        label="Победители",
        short="Победители",
        unit="чел.",
        source=Source.REGISTRY,
        kind=Kind.COUNT,
        compute=_events("winners", "participants"),
        base_label=PARTICIPATIONS,
        key_figure=True,
        feed="events",
        part_of=("participations",),
    ),
    Definition(
        key="prizewinners",
        number="5.2",
        label="Призёры",
        short="Призёры",
        unit="чел.",
        source=Source.REGISTRY,
        kind=Kind.COUNT,
        compute=_events("prizewinners", "participants"),
        base_label=PARTICIPATIONS,
        key_figure=True,
        feed="events",
        part_of=("participations",),
    ),
    Definition(
        key="teacher_events",
        number="6.1",
        label="Мероприятия для педагогов по профориентации",
        short="Мероприятия",
        unit="ед.",
        source=Source.REGISTRY,
        kind=Kind.EVENTS,
        compute=_events("teacher_events"),
        district_attr="teacher_events",
        feed="events",
        part_of=("events",),
    ),
    Definition(
        key="teachers_trained",
        number="6.2",
        label="Педагоги, прошедшие обучение по профориентации",
        short="Педагоги",
        unit="чел.",
        source=Source.REGISTRY,
        kind=Kind.COUNT,
        compute=_events("teachers_trained"),
        feed="events",
    ),
    Definition(
        key="minors_employed",
        number="7.1",
        label="Временно трудоустроенные несовершеннолетние 14–18 лет",
        short="Трудоустроено",
        unit="чел.",
        source=Source.FORM,
        kind=Kind.COUNT,
        compute=_form("minors_employed"),
        feed="form",
    ),
    Definition(
        key="minors_employed_orphans",
        number="7.2",
        label="в т. ч. дети-сироты",
        short="Сироты",
        unit="чел.",
        source=Source.FORM,
        kind=Kind.COUNT,
        compute=_form("minors_employed_orphans", "minors_employed"),
        base_label="трудоустроенные (7.1)",
        feed="form",
        part_of=("minors_employed",),
    ),
    Definition(
        key="students_responses",
        number="8.1",
        label="Анкеты обучающихся (охват анкетированием)",
        short="Анкеты обучающихся",
        unit="анкет",
        source=Source.SURVEY,
        kind=Kind.COUNT,
        compute=_coverage(STUDENTS),
        base_label="обучающиеся опрошенных классов",
        key_figure=True,
        feed="students",
        base_input="Обучающиеся опрошенных классов (обучающиеся)",
    ),
    Definition(
        key="students_satisfaction",
        number="8.2",
        label="Удовлетворённость обучающихся",
        short="Удовлетворённость обучающихся",
        unit="%",
        source=Source.SURVEY,
        kind=Kind.LEVEL,
        compute=_satisfaction(STUDENTS),
        base_label="анкеты обучающихся",
        key_figure=True,
        feed="students",
        part_of=("students_responses",),
    ),
    Definition(
        key="parents_responses",
        number="8.3",
        label="Анкеты родителей (охват анкетированием)",
        short="Анкеты родителей",
        unit="анкет",
        source=Source.SURVEY,
        kind=Kind.COUNT,
        compute=_coverage(PARENTS),
        base_label="обучающиеся опрошенных классов",
        key_figure=True,
        feed="parents",
        base_input="Обучающиеся опрошенных классов (родители)",
    ),
    Definition(
        key="parents_satisfaction",
        number="8.4",
        label="Удовлетворённость родителей",
        short="Удовлетворённость родителей",
        unit="%",
        source=Source.SURVEY,
        kind=Kind.LEVEL,
        compute=_satisfaction(PARENTS),
        base_label="анкеты родителей",
        key_figure=True,
        feed="parents",
        part_of=("parents_responses",),
    ),
    Definition(
        key="incentive_measures",
        number="9.1",
        label="Меры поощрения победителей и призёров",
        short="Меры",
        unit="ед.",
        source=Source.FORM,
        kind=Kind.COUNT,
        compute=_form("incentive_measures"),
        feed="form",
    ),
    Definition(
        key="children_rewarded",
        number="9.2",
        label="Поощрённые дети",
        short="Поощрено детей",
        unit="чел.",
        source=Source.FORM,
        kind=Kind.COUNT,
        compute=_form("children_rewarded"),
        feed="form",
    ),
    Definition(
        key="agreements",
        number="10.1",
        label="Договоры о сотрудничестве, действующие на 31 мая",
        short="Договоры",
        unit="ед.",
        source=Source.REGISTRY,
        kind=Kind.COUNT,
        compute=_agreements(),
        key_figure=True,
        feed="agreements",
    ),
    Definition(
        key="agreements_poo",
        number="10.2",
        label="в т. ч. с профессиональными образовательными организациями",
        short="С ПОО",
        unit="ед.",
        source=Source.REGISTRY,
        kind=Kind.COUNT,
        compute=_agreements("poo"),
        feed="agreements",
        part_of=("agreements",),
    ),
    Definition(
        key="agreements_vuz",
        number="10.3",
        label="в т. ч. с вузами",
        short="С вузами",
        unit="ед.",
        source=Source.REGISTRY,
        kind=Kind.COUNT,
        compute=_agreements("vuz"),
        feed="agreements",
        part_of=("agreements",),
    ),
    Definition(
        key="agreements_employer",
        number="10.4",
        label="в т. ч. с предприятиями и организациями",
        short="С предприятиями",
        unit="ед.",
        source=Source.REGISTRY,
        kind=Kind.COUNT,
        compute=_agreements("employer"),
        feed="agreements",
        part_of=("agreements",),
    ),
    Definition(
        key="schools_with_agreement",
        number="10.5",
        label="Образовательные организации, имеющие хотя бы один действующий договор",
        short="ОО с договором",
        unit="ОО",
        source=Source.REGISTRY,
        kind=Kind.COUNT,
        compute=_with_agreement,
        base_label="образовательные организации",
        key_figure=True,
        feed="agreements",
        typed=False,
    ),
    Definition(
        key="prof_trials",
        number="11.1",
        label="Профессиональные пробы",
        short="Пробы",
        unit="ед.",
        source=Source.REGISTRY,
        kind=Kind.EVENTS,
        compute=_events("prof_trials"),
        district_attr="prof_trials",
        feed="events",
        part_of=("events",),
    ),
    Definition(
        key="prof_trial_students",
        number="11.2",
        label="Обучающиеся, прошедшие профессиональные пробы",
        short="Прошли пробы",
        unit="чел.",
        source=Source.REGISTRY,
        kind=Kind.COUNT,
        compute=_events("prof_trial_students"),
        key_figure=True,
        feed="events",
        part_of=("participations",),
    ),
    Definition(
        key="showcase_events",
        number="12",
        label="Ярмарки профессий, дни открытых дверей, форумы, фестивали",
        short="Ярмарки и др.",
        unit="ед.",
        source=Source.REGISTRY,
        kind=Kind.EVENTS,
        compute=_events("showcase_events"),
        district_attr="showcase_events",
        feed="events",
        part_of=("events",),
    ),
    Definition(
        key="graduates_9",
        number="13.1",
        label="Выпускники 9 классов",
        short="Выпускники 9 кл.",
        unit="чел.",
        source=Source.FORM,
        kind=Kind.COUNT,
        compute=_graduates((9,), _cohort),
        feed="graduates",
    ),
    Definition(
        key="graduates_9_continuing",
        number="13.2",
        label="из них продолжили обучение (10 класс, СПО, профессиональное обучение)",
        short="9 кл.: учатся дальше",
        unit="чел.",
        source=Source.FORM,
        kind=Kind.COUNT,
        compute=_graduates((9,), _continuing, base=_cohort),
        base_label="выпускники 9 классов",
        feed="graduates",
        part_of=("graduates_9",),
    ),
    Definition(
        key="graduates_9_spo",
        number="13.3",
        label="из них поступили в СПО",
        short="9 кл.: в СПО",
        unit="чел.",
        source=Source.FORM,
        kind=Kind.COUNT,
        compute=_graduates((9,), lambda g: SPO[g], base=_cohort),
        base_label="выпускники 9 классов",
        feed="graduates",
        part_of=("graduates_9",),
    ),
    Definition(
        key="graduates_11",
        number="13.4",
        label="Выпускники 11 классов",
        short="Выпускники 11 кл.",
        unit="чел.",
        source=Source.FORM,
        kind=Kind.COUNT,
        compute=_graduates((11,), _cohort),
        feed="graduates",
    ),
    Definition(
        key="graduates_11_vuz",
        number="13.5",
        label="из них поступили в вузы",
        short="11 кл.: в вузы",
        unit="чел.",
        source=Source.FORM,
        kind=Kind.COUNT,
        compute=_graduates((11,), lambda g: VUZ, base=_cohort),
        base_label="выпускники 11 классов",
        feed="graduates",
        part_of=("graduates_11",),
    ),
    Definition(
        key="graduates_11_spo",
        number="13.6",
        label="из них поступили в СПО",
        short="11 кл.: в СПО",
        unit="чел.",
        source=Source.FORM,
        kind=Kind.COUNT,
        compute=_graduates((11,), lambda g: SPO[g], base=_cohort),
        base_label="выпускники 11 классов",
        feed="graduates",
        part_of=("graduates_11",),
    ),
    Definition(
        key="graduates_idle",
        number="13.7",
        label="Выпускники 9 и 11 классов, которые не учатся и не работают",
        short="Не учатся и не работают",
        unit="чел.",
        source=Source.FORM,
        kind=Kind.COUNT,
        compute=_graduates((9, 11), lambda g: (IDLE,), base=_cohort),
        base_label="выпускники 9 и 11 классов",
        lower_is_better=True,
        feed="graduates",
        part_of=("graduates_9", "graduates_11"),
    ),
    Definition(
        key="graduates_orphans_continuing",
        number="13.8",
        label="Выпускники из числа детей-сирот, продолжившие обучение",
        short="Сироты: учатся дальше",
        unit="чел.",
        source=Source.FORM,
        kind=Kind.COUNT,
        compute=_graduates((9, 11), _continuing, column=1, base=_cohort),
        base_label="выпускники-сироты",
        feed="graduates",
        base_input="Выпускники-сироты 9 и 11 классов",
    ),
    Definition(
        key="graduates_ovz_continuing",
        number="13.9",
        label="Выпускники с ОВЗ, продолжившие обучение",
        short="ОВЗ: учатся дальше",
        unit="чел.",
        source=Source.FORM,
        kind=Kind.COUNT,
        compute=_graduates((9, 11), _continuing, column=2, base=_cohort),
        base_label="выпускники с ОВЗ",
        feed="graduates",
        base_input="Выпускники с ОВЗ 9 и 11 классов",
    ),
)

BY_KEY = {d.key: d for d in DEFINITIONS}
KEY_FIGURES = tuple(d for d in DEFINITIONS if d.key_figure)


def in_group(group: int) -> list[Definition]:
    return [d for d in DEFINITIONS if d.group == group]
