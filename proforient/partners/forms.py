from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from proforient.core.forms import BaseForm
from proforient.partners.inn import clean_inn, inn_error
from proforient.partners.models import PartnerKind


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
        choices=[("", "— выберите —"), *PartnerKind.choices()],
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
        value = clean_inn(field.data)
        if value:
            error = inn_error(value)
            if error:
                raise ValidationError(error)

    def validate_website(self, field):
        if len(self.normalized_website()) > 300:
            raise ValidationError("Адрес сайта длиннее 300 символов.")

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
