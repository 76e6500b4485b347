from sqlalchemy import select
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

from proforient.auth.models import Role, User, school_table
from proforient.auth.passwords import password_problem
from proforient.core.forms import BaseForm
from proforient.extensions import db


class LoginForm(BaseForm):
    login = StringField("Логин", validators=[DataRequired("Введите логин.")])
    password = PasswordField("Пароль", validators=[DataRequired("Введите пароль.")])
    remember = BooleanField("Запомнить меня на этом компьютере")


class ChangePasswordForm(BaseForm):
    current = PasswordField("Текущий пароль", validators=[DataRequired("Введите текущий пароль.")])
    new = PasswordField("Новый пароль", validators=[DataRequired("Введите новый пароль.")])
    confirm = PasswordField(
        "Новый пароль ещё раз",
        validators=[
            DataRequired("Повторите новый пароль."),
            EqualTo("new", "Пароли не совпадают."),
        ],
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_new(self, field):
        # Whether it equals the current password is checked by the view, once the current
        # password is proven: checked here, the field would let anyone holding a session
        # test guesses of the password.
        problem = password_problem(field.data, self.user.login)
        if problem:
            raise ValidationError(problem)


def school_choices(include_blank: bool = True) -> list[tuple[str, str]]:
    school = school_table()
    rows = db.session.execute(
        select(school.c.id, school.c.short_name)
        .where(school.c.active)
        .order_by(school.c.short_name)
    ).all()
    blank = [("", "— не выбрана —")] if include_blank else []
    return blank + [(str(r.id), r.short_name) for r in rows]


class UserForm(BaseForm):
    login = StringField(
        "Логин",
        validators=[
            DataRequired("Введите логин."),
            Length(max=64, message="Не длиннее 64 символов."),
            Regexp(
                r"^[A-Za-z0-9._-]+$",
                message="Только латинские буквы, цифры, точка, дефис и подчёркивание.",
            ),
        ],
    )
    full_name = StringField(
        "ФИО", validators=[DataRequired("Введите ФИО."), Length(max=200, message="Слишком длинно.")]
    )
    role = SelectField("Роль", choices=Role.choices())
    school_id = SelectField("Образовательная организация")

    def __init__(self, *args, editing: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.school_id.choices = school_choices()

    def validate_login(self, field):
        stmt = select(User.id).where(User.login == field.data.strip())
        if self.editing is not None:
            stmt = stmt.where(User.id != self.editing.id)
        if db.session.scalar(stmt) is not None:
            raise ValidationError("Такой логин уже занят.")

    def validate_school_id(self, field):
        if self.role.data == Role.SCHOOL and not field.data:
            raise ValidationError("Ответственному ОО нужно выбрать школу.")

    @property
    def school_pk(self) -> int | None:
        if self.role.data != Role.SCHOOL or not self.school_id.data:
            return None
        return int(self.school_id.data)
