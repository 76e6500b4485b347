from sqlalchemy import select
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from proforient.core.forms import BaseForm
from proforient.extensions import db
from proforient.plan.models import NUMBER_RE, ExecutionStatus, PlanItem


class PlanItemForm(BaseForm):
    number = StringField(
        "Номер пункта",
        description="Например, «3.3»: раздел и номер в разделе.",
        validators=[DataRequired("Укажите номер пункта."), Length(max=16)],
    )
    title = TextAreaField(
        "Мероприятие",
        validators=[
            DataRequired("Введите наименование мероприятия."),
            Length(max=500, message="Не длиннее 500 символов."),
        ],
    )
    deadline = StringField(
        "Срок",
        description="Как в плане: «ежегодно», «сентябрь 2021 г.», «в течение учебного года».",
        validators=[Length(max=200, message="Не длиннее 200 символов.")],
    )
    responsible = StringField(
        "Ответственные",
        validators=[Length(max=300, message="Не длиннее 300 символов.")],
    )

    def __init__(self, *args, editing: PlanItem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing

    def validate_number(self, field):
        value = (field.data or "").strip()
        if not NUMBER_RE.match(value):
            raise ValidationError("Номер — числа через точку, например «3.3».")
        stmt = select(PlanItem.id).where(PlanItem.number == value)
        if self.editing is not None:
            stmt = stmt.where(PlanItem.id != self.editing.id)
        if db.session.scalar(stmt) is not None:
            raise ValidationError(f"Пункт {value} уже есть в плане.")


class ExecutionForm(BaseForm):
    status = RadioField(
        "Исполнение",
        choices=ExecutionStatus.choices(),
        validate_choice=False,
    )
    note = TextAreaField(
        "Примечание",
        description="Что сделано: мероприятия, охват, документы; почему не выполнено.",
        validators=[Length(max=5000, message="Не длиннее 5000 символов.")],
    )

    def validate_status(self, field):
        if field.data not in ExecutionStatus.codes():
            raise ValidationError("Отметьте исполнение.")
