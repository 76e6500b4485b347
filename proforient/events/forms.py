from datetime import date

from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import select
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from proforient.core.forms import BaseForm
from proforient.events.models import COUNT_FIELDS, MAX_COUNT, Category, EventFormat, Level
from proforient.events.operations import EDITABLE_FIELDS, participation_errors
from proforient.events.queries import format_choices, likely_duplicates, project_choices
from proforient.extensions import db
from proforient.partners.queries import partner_choices
from proforient.schools.services import school_choices


def optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class RuSelectField(SelectField):
    """A select whose errors (unknown or malformed choice) are in Russian."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Выберите значение из списка.") from exc

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError as exc:
            raise ValidationError("Выберите значение из списка.") from exc


class RuDateField(DateField):
    """A date input whose parse error is in Russian."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_value_message", "Введите дату в формате ДД.ММ.ГГГГ.")
        super().__init__(label, validators, **kwargs)


class CountField(IntegerField):
    """A whole number of people; the parse error is in Russian."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_value_message", "Введите целое число.")
        super().__init__(label, validators, **kwargs)


def count_field(label: str, description: str = "") -> CountField:
    return CountField(
        label,
        description=description,
        default=0,
        validators=[
            InputRequired("Укажите число (0, если нет)."),
            NumberRange(0, MAX_COUNT, "От 0 до 100 000."),
        ],
    )


GRADE_CHOICES = [("", "—")] + [(str(g), str(g)) for g in range(1, 12)]


class EventForm(BaseForm):
    title = StringField(
        "Название",
        validators=[DataRequired("Введите название мероприятия."), Length(max=300)],
    )
    level = RuSelectField("Уровень", choices=Level.choices(), default=Level.MUNICIPAL)
    format_id = RuSelectField("Форма", coerce=int)
    project_id = RuSelectField("Проект", coerce=optional_int, validators=[Optional()])
    start_date = RuDateField("Дата начала", validators=[InputRequired("Укажите дату начала.")])
    end_date = RuDateField(
        "Дата окончания",
        description="Пусто — однодневное мероприятие.",
        validators=[Optional()],
    )
    organizer = StringField(
        "Организатор",
        description="Кто проводит: министерство, колледж, вуз, предприятие, школа…",
        validators=[Length(max=300)],
    )
    partner_id = RuSelectField(
        "Организация-партнёр",
        coerce=optional_int,
        description="С кем проводится: колледж, вуз, предприятие (из справочника партнёров).",
        validators=[Optional()],
    )
    school_id = RuSelectField(
        "Школа",
        coerce=optional_int,
        description="Для школьного уровня: какая школа проводит мероприятие.",
        validators=[Optional()],
    )
    for_students = BooleanField("Обучающиеся", default=True)
    grade_from = RuSelectField("с класса", choices=GRADE_CHOICES, coerce=optional_int)
    grade_to = RuSelectField("по класс", choices=GRADE_CHOICES, coerce=optional_int)
    for_teachers = BooleanField("Педагоги")
    for_parents = BooleanField("Родители")
    description = TextAreaField("Описание", validators=[Length(max=5000)])
    confirm_duplicate = BooleanField("Это другое мероприятие — всё равно сохранить")

    # Fields read by data_for_model: the model's editable columns and the school.
    MODEL_FIELDS = (*EDITABLE_FIELDS, "school_id")

    def __init__(self, *args, user=None, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.editing = editing
        self.duplicates = []
        current_format = editing.format_id if editing else None
        current_project = editing.project_id if editing else None
        self.format_id.choices = format_choices(current_format)
        self.project_id.choices = [("", "— без проекта —")] + project_choices(current_project)
        self.partner_id.choices = partner_choices()
        if user is not None and user.is_department:
            current_school = editing.school_id if editing else None
            self.school_id.choices = [("", "—")] + school_choices(current_school)
        else:
            del self.school_id

    def data_for_model(self) -> dict:
        data = {name: self[name].data for name in self.MODEL_FIELDS if name in self}
        data["title"] = " ".join(data["title"].split())
        data["organizer"] = (data.get("organizer") or "").strip()
        data["description"] = (data.get("description") or "").strip()
        if data.get("end_date") is None:
            data["end_date"] = data["start_date"]
        return data

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        start, end = self.start_date.data, self.end_date.data
        if start and not (date(2000, 1, 1) <= start <= date(2100, 12, 31)):
            self.start_date.errors.append("Проверьте год: дата вне разумных пределов.")
            ok = False
        if start and end and end < start:
            self.end_date.errors.append("Дата окончания раньше даты начала.")
            ok = False
        g_from, g_to = self.grade_from.data, self.grade_to.data
        if self.for_students.data and g_from and g_to and g_from > g_to:
            self.grade_to.errors.append("Класс «по» меньше класса «с».")
            ok = False
        if not (self.for_students.data or self.for_teachers.data or self.for_parents.data):
            self.for_students.errors.append("Отметьте хотя бы одну аудиторию.")
            ok = False
        if "school_id" in self and self.level.data == Level.SCHOOL and not self.school_id.data:
            self.school_id.errors.append("Для школьного мероприятия выберите школу.")
            ok = False
        if ok and not self.confirm_duplicate.data and self.title.data and start:
            viewer = None if self.user is None or self.user.is_department else self.user.school_id
            self.duplicates = likely_duplicates(
                " ".join(self.title.data.split()),
                start,
                self.level.data,
                viewer,
                exclude_id=self.editing.id if self.editing else None,
            )
            if self.duplicates:
                self.title.errors.append(
                    "Похожее мероприятие того же уровня с той же датой уже есть в реестре "
                    "(см. ниже). Отметьте участие в нём или подтвердите, что это другое."
                )
                ok = False
        return ok


class ParticipationForm(BaseForm):
    school_id = RuSelectField("Школа", coerce=optional_int)
    participants = count_field("Участников (обучающихся)")
    ovz = count_field("из них с ОВЗ")
    disabled = count_field("из них инвалидов")
    winners = count_field("Победителей")
    prizewinners = count_field("Призёров")
    teachers = count_field("Педагогов")
    distinct_children = CountField(
        "Из них впервые в этом учебном году",
        description="Сколько участников не участвовали в других мероприятиях в этом году, "
        "если это известно: так считается охват без повторов. Можно оставить пустым.",
        validators=[Optional(), NumberRange(0, MAX_COUNT, "От 0 до 100 000.")],
    )

    def __init__(self, *args, school_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if school_choices is None:
            del self.school_id
        else:
            self.school_id.choices = [("", "— выберите школу —")] + school_choices

    def validate_school_id(self, field):
        if field.data is None:
            raise StopValidation("Выберите школу.")

    def values(self) -> dict:
        out = {name: self[name].data for name, _label in COUNT_FIELDS}
        out["distinct_children"] = self.distinct_children.data
        return out

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not ok:
            return False
        for name, message in participation_errors(self.values()).items():
            self[name].errors.append(message)
            ok = False
        return ok

    def count_fields(self):
        return [self[name] for name, _label in COUNT_FIELDS]


class ReferenceForm(BaseForm):
    """Add or rename an event form or a project; names are unique, case aside."""

    name = StringField("Название", validators=[DataRequired("Введите название."), Length(max=200)])
    category = RuSelectField(
        "Учитывается в показателях как",
        choices=Category.choices(),
        default=Category.GENERAL,
    )

    def __init__(self, *args, model=None, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = model
        self.editing = editing
        if model is not EventFormat:
            del self.category

    def validate_name(self, field):
        wanted = " ".join(field.data.split()).casefold()
        rows = db.session.execute(select(self.model.id, self.model.name)).all()
        for row_id, name in rows:
            if name.casefold() == wanted and (self.editing is None or row_id != self.editing.id):
                raise ValidationError("Такое название уже есть в списке.")


class MergeForm(BaseForm):
    target_id = RuSelectField("Объединить с мероприятием", coerce=optional_int)

    def validate_target_id(self, field):
        if field.data is None:
            raise ValidationError("Выберите мероприятие, с которым объединить.")


class ImportForm(BaseForm):
    file = FileField(
        "Файл XLSX",
        validators=[
            FileRequired("Выберите файл."),
            FileAllowed(["xlsx"], "Нужен файл Excel в формате .xlsx (по шаблону)."),
        ],
    )
