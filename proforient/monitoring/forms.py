from datetime import date

from wtforms import DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from proforient.core.forms import BaseForm
from proforient.core.timeutil import academic_year_label, current_academic_year
from proforient.monitoring import queries, rules
from proforient.monitoring.models import (
    GRADUATE_CATEGORIES,
    GRADUATE_COLUMNS,
    GRADUATE_GRADES,
    PeriodKind,
    ProfminimumLevel,
)


class CountField(IntegerField):
    """A whole number with a Russian message for anything else (the typed text is kept)."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().replace("\u00a0", "").replace(" ", "")
        try:
            self.data = int(text)
        except ValueError:
            self.data = None
            raise ValueError("Введите целое число.") from None


class RuDateField(DateField):
    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Введите дату в формате ДД.ММ.ГГГГ.") from None


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def year_choices(around: int | None = None) -> list[tuple[int, str]]:
    now = around or current_academic_year()
    return [(y, academic_year_label(y)) for y in range(now + 1, now - 6, -1)]


def _count(label: str, maximum: int, description: str = "") -> CountField:
    return CountField(
        label,
        description=description,
        validators=[Optional(), NumberRange(0, maximum, f"От 0 до {maximum}.")],
    )


# --- Periods -------------------------------------------------------------------------


class PeriodForm(BaseForm):
    kind = SelectField("Форма", choices=PeriodKind.choices(), validate_choice=False)
    year = SelectField("Учебный год", coerce=_int_or_none, validate_choice=False)
    opens_on = RuDateField(
        "Начало приёма",
        validators=[Optional()],
        description="Если не указать: 1 апреля для мониторинга, 1 сентября для выпускников.",
    )
    closes_on = RuDateField(
        "Окончание приёма",
        validators=[Optional()],
        description="Если не указать: 31 мая для мониторинга, 30 сентября для выпускников.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.year.choices = year_choices()

    def validate_kind(self, field):
        if field.data not in PeriodKind.codes():
            raise ValidationError("Выберите форму из списка.")

    def validate_year(self, field):
        if field.data not in dict(self.year.choices):
            raise ValidationError("Выберите учебный год из списка.")
        if queries.find_period(self.kind.data, field.data) is not None:
            raise ValidationError("Период для этой формы и этого учебного года уже открыт.")

    def validate_closes_on(self, field):
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError("Окончание не может быть раньше начала.")

    def dates(self) -> tuple[date, date]:
        default_open, default_close = PeriodKind.default_dates(self.kind.data, self.year.data)
        return self.opens_on.data or default_open, self.closes_on.data or default_close


class PeriodDatesForm(BaseForm):
    opens_on = RuDateField("Начало приёма", validators=[DataRequired("Укажите дату.")])
    closes_on = RuDateField("Окончание приёма", validators=[DataRequired("Укажите дату.")])

    def validate_closes_on(self, field):
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError("Окончание не может быть раньше начала.")


class ReturnForm(BaseForm):
    comment = TextAreaField(
        "Что исправить",
        description="Комментарий увидит ответственный школы на странице формы.",
        validators=[
            DataRequired("Напишите, что нужно исправить."),
            Length(max=2000, message="Не длиннее 2000 символов."),
        ],
    )


# --- Monitoring form -----------------------------------------------------------------


class MonitoringReportForm(BaseForm):
    program_names = TextAreaField(
        "Программы, направленные на профессиональное самоопределение обучающихся",
        description="По одной программе в строке; число программ считается по строкам.",
        validators=[Length(max=10000, message="Слишком длинный список.")],
    )
    sites_municipal = _count("муниципального уровня", 50)
    sites_regional = _count("регионального уровня", 50)
    sites_federal = _count("федерального уровня", 50)
    site_names = TextAreaField(
        "Наименования площадок",
        description="По одной в строке, с уровнем и годом присвоения статуса.",
        validators=[Length(max=5000, message="Слишком длинно.")],
    )
    minors_employed = _count(
        "Трудоустроено несовершеннолетних 14–18 лет (чел.)",
        5000,
        "Временно, в свободное от учёбы время, за учебный год.",
    )
    minors_employed_orphans = _count("из них дети-сироты и оставшиеся без попечения", 5000)
    minors_employed_registered = _count(
        "из них состоящие на профилактических учётах",
        5000,
        "ПДН, КДН и ЗП, внутришкольный учёт.",
    )
    incentive_measures = _count(
        "Меры поощрения победителей и призёров (ед.)",
        1000,
        "Премии, стипендии, грамоты главы округа и т. п.",
    )
    children_rewarded = _count("Поощрено детей (чел.)", 10000)
    profminimum_level = SelectField(
        "Уровень реализации профминимума",
        choices=[("", "— не выбран —"), *ProfminimumLevel.choices()],
        validate_choice=False,  # empty is fine in a draft; checked below in Russian
    )
    summary = TextAreaField(
        "Итоги года",
        description="Кратко: что удалось, что не получилось, планы на следующий год.",
        validators=[Length(max=10000, message="Не длиннее 10 000 символов.")],
    )

    def validate_profminimum_level(self, field):
        if field.data and field.data not in ProfminimumLevel.codes():
            raise ValidationError("Выберите уровень из списка.")

    def _not_above_employed(self, field, what: str):
        total = self.minors_employed.data
        if field.data is not None and total is not None and field.data > total:
            raise ValidationError(
                f"{what} не может быть больше, чем трудоустроено всего ({total})."
            )

    def validate_minors_employed_orphans(self, field):
        self._not_above_employed(field, "Детей-сирот")

    def validate_minors_employed_registered(self, field):
        self._not_above_employed(field, "Состоящих на учёте")

    def cleaned(self) -> dict:
        return {name: f.data for name, f in self._fields.items() if name != "csrf_token"}

    def add_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            getattr(self, name).errors = [*getattr(self, name).errors, message]


# --- Graduate destinations -----------------------------------------------------------


def graduate_field_name(grade: int, key: str, column: str) -> str:
    return f"g{grade}_{key}_{column}"


class GraduateForm(BaseForm):
    """One number field per grade × row (graduates, then each category) × column.

    Empty cells count as 0. Row rules (сироты / ОВЗ not above the row's total) are checked
    on every save; the sum rules only when the form is submitted.
    """

    def field(self, grade: int, key: str, column: str):
        return getattr(self, graduate_field_name(grade, key, column))

    def rows(self, grade: int) -> list[tuple[str, str, list]]:
        labels = [(rules.COHORT, "Выпускников всего"), *GRADUATE_CATEGORIES[grade]]
        return [
            (key, label, [self.field(grade, key, c) for c, _ in GRADUATE_COLUMNS])
            for key, label in labels
        ]

    def load(self, values: rules.GraduateValues) -> None:
        for grade in GRADUATE_GRADES:
            for key, triple in values[grade].items():
                for (column, _), n in zip(GRADUATE_COLUMNS, triple, strict=True):
                    self.field(grade, key, column).data = n

    def values(self) -> rules.GraduateValues:
        out = rules.empty_graduate_values()
        for grade in GRADUATE_GRADES:
            for key in out[grade]:
                out[grade][key] = tuple(
                    self.field(grade, key, c).data or 0 for c, _ in GRADUATE_COLUMNS
                )
        return out

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not ok:
            return False
        for problem in rules.row_problems(self.values()):
            self.field(problem.grade, problem.key, problem.column).errors.append(
                "Больше, чем всего."
            )
            self.form_errors.append(problem.message)
        return not self.form_errors


for _grade in GRADUATE_GRADES:
    for _key in rules.graduate_keys(_grade):
        for _column, _label in GRADUATE_COLUMNS:
            setattr(
                GraduateForm,
                graduate_field_name(_grade, _key, _column),
                CountField(
                    _label,
                    validators=[Optional(), NumberRange(0, 2000, "От 0 до 2000.")],
                ),
            )
