from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from proforient.agreements import services
from proforient.agreements.models import PARTNER_KINDS, Agreement, Partner
from proforient.core.forms import BaseForm
from proforient.core.timeutil import local_today
from proforient.extensions import db


class PartnerForm(BaseForm):
    name = StringField(
        "Полное наименование",
        description="Как в уставе: «ГБПОУ Невинномысский химико-технологический колледж».",
        validators=[DataRequired("Введите наименование организации."), Length(max=500)],
    )
    short_name = StringField(
        "Краткое наименование",
        description="Для списков и отчётов, например «НХТК». Можно не заполнять.",
        validators=[Length(max=200)],
    )
    kind = SelectField(
        "Тип организации",
        choices=[("", "— выберите —")] + [(code, label) for code, label, _ in PARTNER_KINDS],
        validators=[DataRequired("Выберите тип организации.")],
    )
    settlement = StringField("Населённый пункт", validators=[Length(max=200)])
    inn = StringField(
        "ИНН",
        description="10 цифр для организации, 12 — для индивидуального предпринимателя.",
        validators=[Optional(), Length(max=20)],
    )
    contact_person = StringField("Контактное лицо", validators=[Length(max=200)])
    phone = StringField("Телефон", validators=[Length(max=64)])
    email = StringField(
        "Электронная почта",
        validators=[
            Optional(),
            Length(max=200),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Адрес почты вида name@example.ru."),
        ],
    )
    website = StringField(
        "Сайт",
        validators=[
            Optional(),
            Length(max=300),
            Regexp(
                r"^(https?://)?[\w.-]+\.[\w-]{2,}(/\S*)?$",
                message="Адрес сайта вида https://example.ru.",
            ),
        ],
    )
    confirm_distinct = BooleanField("Это другая организация — сохранить всё равно")

    def validate_inn(self, field):
        value = services.clean_inn(field.data)
        if value:
            error = services.inn_error(value)
            if error:
                raise ValidationError(error)

    def normalized_website(self) -> str:
        site = (self.website.data or "").strip()
        if site and not site.startswith(("http://", "https://")):
            site = "https://" + site
        return site


class MergeForm(BaseForm):
    survivor_id = SelectField(
        "Оставить запись",
        coerce=int,
        validators=[InputRequired("Выберите запись, которая останется.")],
    )


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
        self.partner_id.choices = partner_choices()

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
        error = services.scan_error(storage.stream)
        if error:
            raise ValidationError(error)

    _school_id: int | None = None

    def bind_school(self, school_id: int) -> None:
        """For a coordinator the school is fixed; the uniqueness check still needs it."""
        self._school_id = school_id

    def has_new_scan(self) -> bool:
        storage = self.scan.data
        return storage is not None and bool(getattr(storage, "filename", ""))


def partner_choices() -> list:
    """Partners grouped by kind for a <select> with <optgroup>s (one query)."""
    groups: dict[str, list[tuple[int, str]]] = {label: [] for _c, label, _s in PARTNER_KINDS}
    labels = {code: label for code, label, _s in PARTNER_KINDS}
    rows = db.session.execute(
        select(
            Partner.id, Partner.name, Partner.short_name, Partner.settlement, Partner.kind
        ).order_by(Partner.name)
    )
    for pid, name, short, settlement, kind in rows:
        text = f"{short} — {name}" if short else name
        if settlement:
            text += f" ({settlement})"
        groups[labels[kind]].append((pid, text))
    choices: dict = {None: [(0, "— выберите —")]}
    choices.update({label: items for label, items in groups.items() if items})
    return choices
