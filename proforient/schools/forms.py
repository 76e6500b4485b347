from sqlalchemy import select
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from proforient.core.forms import BaseForm
from proforient.extensions import db
from proforient.schools.models import GRADES, School, SchoolKind, school_name_key


class SchoolForm(BaseForm):
    full_name = StringField(
        "Полное наименование",
        validators=[DataRequired("Введите полное наименование."), Length(max=500)],
    )
    short_name = StringField(
        "Краткое наименование",
        description="Как в отчётах: «МКОУ СОШ № 3 с. Кочубеевское».",
        validators=[DataRequired("Введите краткое наименование."), Length(max=200)],
    )
    settlement = StringField("Населённый пункт", validators=[Length(max=200)])
    kind = SelectField("Тип", choices=SchoolKind.choices())

    def __init__(self, *args, editing: School | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing

    def validate_short_name(self, field):
        stmt = select(School.id).where(School.name_key == school_name_key(field.data))
        if self.editing is not None:
            stmt = stmt.where(School.id != self.editing.id)
        if db.session.scalar(stmt) is not None:
            raise ValidationError("Школа с таким кратким наименованием уже есть.")

    def grade_fields(self):
        return [getattr(self, f"grade_{g}") for g in GRADES]


for _grade in GRADES:
    setattr(
        SchoolForm,
        f"grade_{_grade}",
        IntegerField(
            f"{_grade} класс",
            default=0,
            validators=[
                InputRequired("Укажите число (0, если класса нет)."),
                NumberRange(0, 2000, "От 0 до 2000."),
            ],
        ),
    )
