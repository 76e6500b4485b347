from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from proforient.agreements.models import Agreement
from proforient.agreements.scans import scan_error
from proforient.core.forms import BaseForm
from proforient.core.timeutil import local_today
from proforient.extensions import db
from proforient.partners.queries import partner_choices_by_kind


class AgreementForm(BaseForm):
    school_id = SelectField("Школа", coerce=int, validators=[InputRequired("Выберите школу.")])
    partner_id = SelectField(
        "Организация-партнёр",
        coerce=int,
        validators=[InputRequired("Выберите организацию-партнёра.")],
    )
    number = StringField(
        "Номер договора",
        description="Если номера нет, напишите «б/н».",
        validators=[DataRequired("Введите номер договора или «б/н»."), Length(max=64)],
    )
    signed_on = DateField(
        "Дата заключения", validators=[InputRequired("Укажите дату заключения договора.")]
    )
    valid_from = DateField(
        "Действует с", validators=[InputRequired("Укажите дату начала действия.")]
    )
    valid_until = DateField("Действует по", validators=[Optional()])
    indefinite = BooleanField("Бессрочно")
    terminated_on = DateField(
        "Дата расторжения",
        description="Только если договор расторгнут досрочно: с этого дня он не действует.",
        validators=[Optional()],
    )
    subject = StringField(
        "Предмет договора",
        description="Например: профессиональные пробы, экскурсии, целевое обучение.",
        validators=[DataRequired("Опишите предмет договора."), Length(max=500)],
    )
    notes = TextAreaField("Примечания", validators=[Length(max=4000)])
    scan = FileField(
        "Скан договора (PDF)",
        description="Только PDF, не больше 10 МБ.",
    )
    remove_scan = BooleanField("Удалить загруженный скан")

    def __init__(
        self,
        *args,
        editing: Agreement | None = None,
        school_choices: list[tuple[int, str]] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if school_choices is None:
            del self.school_id
        else:
            self.school_id.choices = [(0, "— выберите —"), *school_choices]
        self.partner_id.choices = partner_choices_by_kind()

    def validate_school_id(self, field):
        if not field.data:
            raise ValidationError("Выберите школу.")

    def validate_partner_id(self, field):
        if not field.data:
            raise ValidationError("Выберите организацию-партнёра.")

    def validate_signed_on(self, field):
        if field.data and field.data > local_today():
            raise ValidationError("Дата заключения не может быть в будущем.")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Optional() stops the field's own chain when it is empty, so this rule lives here.
        until = self.valid_until
        if not self.indefinite.data and until.data is None and not until.errors:
            until.errors = ["Укажите дату окончания или отметьте «Бессрочно»."]
            ok = False
        return ok

    def validate_valid_until(self, field):
        if self.indefinite.data or field.data is None:
            return
        if self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError("Дата окончания не может быть раньше начала действия.")

    def validate_terminated_on(self, field):
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError("Дата расторжения не может быть раньше начала действия.")

    def validate_number(self, field):
        school_id = self._school_id if self.school_id is None else self.school_id.data
        if not (school_id and self.partner_id.data and self.signed_on.data and field.data):
            return
        stmt = select(Agreement.id).where(
            Agreement.school_id == school_id,
            Agreement.partner_id == self.partner_id.data,
            Agreement.number == field.data.strip(),
            Agreement.signed_on == self.signed_on.data,
        )
        if self.editing is not None and self.editing.id is not None:
            stmt = stmt.where(Agreement.id != self.editing.id)
        if db.session.scalar(stmt) is not None:
            raise ValidationError("Договор с этим партнёром под таким номером и датой уже внесён.")

    def validate_scan(self, field):
        storage = field.data
        if storage is None or not getattr(storage, "filename", ""):
            return
        error = scan_error(storage.stream)
        if error:
            raise ValidationError(error)

    _school_id: int | None = None

    def bind_school(self, school_id: int) -> None:
        """For a coordinator the school is fixed; the uniqueness check still needs it."""
        self._school_id = school_id

    def has_new_scan(self) -> bool:
        storage = self.scan.data
        return storage is not None and bool(getattr(storage, "filename", ""))
