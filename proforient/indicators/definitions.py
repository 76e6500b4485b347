"""What an indicator is: a measure with a number, a label, a unit, a source, a formula and
the base of its share. The thirteen indicators themselves are in `catalogue`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from proforient.core.choices import Choices
from proforient.indicators.facts import Facts

NO_REGISTRY = "нет данных реестра за год"
NO_AGREEMENTS = "нет данных о договорах за год"
FORM_MISSING = "форма не отправлена"
NOT_SURVEYED = "не участвовала в анкетировании"
DISTINCT_UNKNOWN = "не указано"


class Source(Choices):
    """Where a measure's figures come from."""

    REGISTRY = "registry", "реестр"
    FORM = "form", "форма ОО"
    SURVEY = "survey", "анкетирование"


FEED_SOURCES = {
    "events": Source.REGISTRY,
    "agreements": Source.REGISTRY,
    "form": Source.FORM,
    "graduates": Source.FORM,
    "students": Source.SURVEY,
    "parents": Source.SURVEY,
}


class Kind(StrEnum):
    COUNT = "count"  # the district is the sum of the schools
    EVENTS = "events"  # the district counts an event that several schools attended once
    LEVEL = "level"  # a share of satisfied answers, summed over schools as answers


@dataclass(frozen=True)
class Cell:
    """A measure's raw result for one school (or the district) and year."""

    value: int | float | None
    base: int | None = None
    # LEVEL measures: (satisfied answers, answers to the index questions, responses).
    parts: tuple[int, int, int] | None = None
    note: str = ""
    # Typed in by the department rather than counted from the app's records.
    manual: bool = False


@dataclass(frozen=True)
class Definition:
    key: str
    number: str
    label: str
    short: str
    unit: str
    compute: Callable[[Facts], Cell]
    # Which of a school's records the figure comes from: events, agreements, form,
    # graduates, students, parents. Live records of that kind win over typed values.
    feed: str
    kind: Kind = Kind.COUNT
    base_label: str = ""
    key_figure: bool = False
    # A fall is the good direction (graduates who neither study nor work).
    lower_is_better: bool = False
    # Typed values: the measures whose value is the whole this one is part of (and the base
    # of its share); for a level, the measure that counts its responses.
    part_of: tuple[str, ...] = ()
    # Typed values: the label of a column where the base is typed beside the value.
    base_input: str = ""
    # False for a figure derived from others even when typed (schools with an agreement).
    typed: bool = True
    # EVENTS measures: the attribute of DistrictEventCounts that is the district's value.
    district_attr: str = ""

    @property
    def source(self) -> Source:
        return FEED_SOURCES[self.feed]

    @property
    def group(self) -> int:
        """The indicator this measure belongs to: «4.2» → 4."""
        return int(self.number.split(".")[0])

    @property
    def has_share(self) -> bool:
        return bool(self.base_label) and self.kind != Kind.LEVEL


GROUPS = {
    1: "Программы сопровождения профессионального самоопределения",
    2: "Инновационные площадки по профориентации",
    3: "Профориентационные мероприятия",
    4: "Дети, вовлечённые в мероприятия ранней профориентации",
    5: "Победители и призёры",
    6: "Мероприятия по профориентации для педагогов",
    7: "Временное трудоустройство несовершеннолетних 14–18 лет",
    8: "Удовлетворённость обучающихся и родителей",
    9: "Меры поощрения победителей и призёров",
    10: "Договоры о сотрудничестве",
    11: "Профессиональные пробы",
    12: "Ярмарки профессий, дни открытых дверей, форумы, фестивали",
    13: "Трудоустройство выпускников 9 и 11 классов",
}
