from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from proforient.core.formatting import plural
from proforient.core.forms import BaseForm
from proforient.core.timeutil import (
    academic_year_label,
    current_academic_year,
    from_local,
    to_local,
    utcnow,
)
from proforient.extensions import db
from proforient.schools.models import School
from proforient.surveys import authoring, campaigns, queries
from proforient.surveys.models import Audience, Campaign, Question, Questionnaire
from proforient.surveys.qtypes import REGISTRY, QuestionType, kind_choices

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class QuestionnaireForm(BaseForm):
    title = StringField(
        "Название",
        validators=[DataRequired("Введите название анкеты."), Length(max=300)],
    )
    audience = SelectField("Для кого", choices=Audience.choices())
    intro = TextAreaField(
        "Вступление",
        description="Показывается над вопросами. Обещание анонимности добавляется само.",
        validators=[Length(max=2000)],
    )
    minutes = IntegerField(
        "Время заполнения, мин",
        default=5,
        validators=[
            InputRequired("Укажите, сколько минут займёт анкета."),
            NumberRange(1, 120, "От 1 до 120 минут."),
        ],
    )


class QuestionForm(BaseForm):
    text = TextAreaField(
        "Вопрос", validators=[DataRequired("Введите текст вопроса."), Length(max=500)]
    )
    hint = StringField("Пояснение под вопросом", validators=[Length(max=300)])
    kind = SelectField("Тип вопроса", choices=kind_choices())
    required = BooleanField("Обязательный вопрос", default=True)
    is_grade = BooleanField(
        "Вопрос о классе [класс]",
        description="Ответ сохраняется как класс респондента; варианты начинаются с номера "
        "класса: «7», «1–4».",
    )
    in_index = BooleanField(
        "Входит в индекс удовлетворённости [в индекс]",
        description="Только для оценок 1–5, шкалы удовлетворённости и матрицы.",
    )
    options = TextAreaField(
        "Варианты ответа",
        description="Каждый вариант с новой строки.",
        render_kw={"rows": 6},
    )
    allow_other = BooleanField("Добавить вариант «Другое» с полем для своего ответа")
    max_choices = IntegerField(
        "Можно выбрать не больше",
        description="Для вопроса с несколькими вариантами; пусто — без ограничения.",
        validators=[Optional(), NumberRange(1, 50, "От 1 до 50.")],
    )
    rows = TextAreaField(
        "Строки матрицы",
        description="Каждый оцениваемый пункт с новой строки.",
        render_kw={"rows": 5},
    )

    def __init__(self, *args, questionnaire: Questionnaire, editing: Question | None = None, **kw):
        super().__init__(*args, **kw)
        self.questionnaire = questionnaire
        self.editing = editing

    @property
    def qtype(self) -> QuestionType | None:
        return REGISTRY.get(self.kind.data)  # an unknown kind has its own error

    def validate_options(self, field):
        if self.qtype is None or not self.qtype.has_options:
            return
        error = self.qtype.options_error(authoring.split_lines(field.data), self.is_grade.data)
        if error:
            raise ValidationError(error)

    def validate_rows(self, field):
        if self.qtype is None or not self.qtype.has_rows:
            return
        error = self.qtype.rows_error(authoring.split_lines(field.data))
        if error:
            raise ValidationError(error)

    def validate_is_grade(self, field):
        if not field.data:
            return
        if self.qtype is None or not self.qtype.can_be_grade:
            raise ValidationError("Вопрос о классе — это вопрос с одним вариантом ответа.")
        for q in self.questionnaire.questions:
            if q.is_grade and (self.editing is None or q.id != self.editing.id):
                raise ValidationError("В анкете уже есть вопрос о классе.")

    def validate_in_index(self, field):
        if field.data and self.qtype is not None and not self.qtype.scored:
            raise ValidationError(
                "В индекс входят только оценки 1–5, шкала удовлетворённости и матрица."
            )

    def validate_max_choices(self, field):
        if field.data is not None and (self.qtype is None or not self.qtype.has_max_choices):
            raise ValidationError("Ограничение задаётся только для выбора нескольких вариантов.")


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def questionnaire_choices(current_id: int | None = None) -> list[tuple[int, str]]:
    rows = db.session.scalars(
        select(Questionnaire)
        .where((Questionnaire.archived.is_(False)) | (Questionnaire.id == current_id))
        .order_by(Questionnaire.audience, Questionnaire.title)
    )
    return [(q.id, f"{q} — {q.audience_label}") for q in rows]


class CampaignForm(BaseForm):
    questionnaire_id = SelectField("Анкета", coerce=int)
    audience = SelectField("Кого опрашиваем", choices=Audience.choices())
    academic_year = SelectField("Учебный год", coerce=int)
    title = StringField(
        "Название",
        description="Можно не заполнять: «Анкетирование обучающихся, 2026/2027 учебный год».",
        validators=[Length(max=300)],
    )
    opens_at = DateTimeLocalField(
        "Начало",
        format=DATETIME_FORMAT,
        validators=[InputRequired("Укажите дату и время начала.")],
    )
    closes_at = DateTimeLocalField(
        "Окончание",
        format=DATETIME_FORMAT,
        validators=[InputRequired("Укажите дату и время окончания.")],
    )
    uses_codes = BooleanField(
        "Одноразовые коды",
        description="Каждый респондент получает листок с кодом; каждый код действует один раз.",
    )
    USES_CODES_HELP = (
        "Открытая ссылка проще всего: её можно отправить в чат класса или показать QR-код "
        "на экране. Но по ней можно ответить сколько угодно раз, и вброс (одна анкета, "
        "отправленная много раз) видно только по охвату больше 100 % и по числу ответов "
        "за день, а убрать — только вместе со всеми ответами школы за этот день.",
        "Одноразовые коды выбирайте, когда от результатов что-то зависит (сравнение школ, "
        "рейтинг, отчёт) и листки можно раздать лично — на классном часе или родительском "
        "собрании. Каждый код принимает одну анкету, поэтому ответов не будет больше, чем "
        "роздано листков. Коды раздаются случайным образом и хранятся отдельно от ответов: "
        "анонимность сохраняется.",
    )
    schools = MultiCheckboxField("Школы", coerce=int)

    def __init__(self, *args, campaign: Campaign | None = None, **kw):
        super().__init__(*args, **kw)
        self.campaign = campaign
        self.questionnaire_id.choices = questionnaire_choices(
            campaign.questionnaire_id if campaign else None
        )
        year = current_academic_year()
        years = sorted(
            {year - 1, year, year + 1} | ({campaign.academic_year} if campaign else set())
        )
        self.academic_year.choices = [(y, academic_year_label(y)) for y in years]
        # Active schools, plus any inactive one the campaign already includes.
        included = [link.school_id for link in campaign.links] if campaign else []
        schools = db.session.execute(
            select(School.id, School.short_name)
            .where(School.active | School.id.in_(included))
            .order_by(School.short_name)
        ).all()
        self.schools.choices = [(s.id, s.short_name) for s in schools]
        self.has_responses = bool(campaign and campaign.id and queries.response_count(campaign))

    def validate_questionnaire_id(self, field):
        qn = db.session.get(Questionnaire, field.data) if field.data else None
        if qn is None:
            raise ValidationError("Выберите анкету.")
        if qn.audience != self.audience.data:
            raise ValidationError(
                f"Эта анкета для другой аудитории ({qn.audience_label}); выберите подходящую."
            )
        if self.has_responses and field.data != self.campaign.questionnaire_id:
            raise ValidationError("В опросе уже есть ответы: анкету заменить нельзя.")

    def validate_closes_at(self, field):
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError("Окончание должно быть позже начала.")

    def validate_schools(self, field):
        if not field.data:
            raise ValidationError("Выберите хотя бы одну школу.")


class ExtendForm(BaseForm):
    closes_at = DateTimeLocalField(
        "Новое окончание",
        format=DATETIME_FORMAT,
        validators=[InputRequired("Укажите дату и время окончания.")],
    )

    def __init__(self, *args, campaign: Campaign, **kw):
        super().__init__(*args, **kw)
        self.campaign = campaign
        if not self.is_submitted() and self.closes_at.data is None:
            self.closes_at.data = to_local(campaign.closes_at).replace(tzinfo=None)

    def validate_closes_at(self, field):
        if field.data is None:
            return
        closes = from_local(field.data)
        if closes <= utcnow():
            raise ValidationError("Укажите момент в будущем.")
        if closes <= self.campaign.opens_at:
            raise ValidationError("Окончание должно быть позже начала опроса.")


class CodesForm(BaseForm):
    grade = SelectField("Класс", coerce=int, choices=[(g, f"{g} класс") for g in range(1, 12)])
    quantity = IntegerField(
        "Сколько кодов",
        description="По умолчанию — число обучающихся в классе.",
        validators=[
            InputRequired("Укажите количество."),
            NumberRange(1, campaigns.MAX_CODES, f"От 1 до {campaigns.MAX_CODES}."),
        ],
    )

    def __init__(
        self,
        *args,
        enrolment: dict[int, int] | None = None,
        summary: dict[int, tuple[int, int]] | None = None,
        capped: bool = False,
        **kw,
    ):
        super().__init__(*args, **kw)
        self.enrolment = enrolment or {}
        self.summary = summary or {}  # {grade: (codes, used)} already made for the link
        self.capped = capped

    def validate_quantity(self, field):
        """A capped user (a coordinator) makes at most enrolment + margin codes a grade."""
        if not self.capped or field.errors or field.data is None:
            return
        grade = self.grade.data
        students = self.enrolment.get(grade, 0)
        margin = campaigns.code_margin(students)
        made = self.summary.get(grade, (0, 0))[0]
        left = max(0, campaigns.code_limit(students) - made)
        if field.data <= left:
            return
        why = f"обучающихся {students}, запас {margin}, уже создано {made}"
        if left == 0:
            raise ValidationError(
                f"Для {grade} класса больше кодов не создать: {why}. Если численность "
                "класса указана неверно, её исправит отдел образования."
            )
        raise ValidationError(
            f"Для {grade} класса можно создать ещё не больше {left} "
            f"{plural(left, 'кода', 'кодов', 'кодов')}: {why}."
        )


class VoidForm(BaseForm):
    reason = StringField(
        "Причина",
        description="Попадёт в журнал изменений, например: «вброс: 1 200 ответов за 20 минут».",
        validators=[DataRequired("Укажите причину."), Length(max=300)],
    )
    # The count the user saw: if responses arrived since, the page shows the new count.
    expected = HiddenField()

    def validate_expected(self, field):
        try:
            field.data = int(field.data)
        except (TypeError, ValueError):
            field.data = None
