"""The two questionnaires the app ships with: one for students of grades 6–11, one for
parents; the satisfaction index is made of their [index] questions (docs/anonymity.md says
what is stored of the answers).

A fresh install gets them from the migration 0005, which inserts its own frozen copy of
them as they first were. `install(connection)` adds those missing (matched by title) for
the demo loader and the tests; it is idempotent and uses plain Core tables.
"""

import sqlalchemy as sa

from proforient.core.timeutil import utcnow

# «Шкала У»: top two points count as satisfied.
SATISFACTION_SCALE = [
    ("Полностью удовлетворён(а)", 5),
    ("Скорее удовлетворён(а)", 4),
    ("Затрудняюсь ответить", 3),
    ("Скорее не удовлетворён(а)", 2),
    ("Совсем не удовлетворён(а)", 1),
]

STUDENTS_TITLE = "Анкета для обучающихся (6–11 классы)"
PARENTS_TITLE = "Анкета для родителей (законных представителей)"


def _q(kind, text, options=(), **kw):
    return {"kind": kind, "text": text, "options": list(options), **kw}


STUDENTS = {
    "title": STUDENTS_TITLE,
    "audience": "students",
    "intro": "Анкета анонимная: не указывайте фамилию и имя.",
    "minutes": 5,
    "questions": [
        _q(
            "single",
            "В каком классе вы учитесь?",
            [(str(g), g) for g in range(6, 12)],
            is_grade=True,
        ),
        _q(
            "single",
            "Выбрали ли вы будущую профессию или сферу деятельности?",
            ["Да, точно", "Скорее да", "Выбираю из нескольких вариантов", "Пока нет"],
        ),
        _q(
            "single",
            "Где вы планируете учиться или работать после школы?",
            [
                "В 10 классе",
                "В колледже или техникуме",
                "В вузе",
                "Пойду работать",
                "Служба в армии",
                "Пока не знаю",
            ],
        ),
        _q(
            "multiple",
            "В каких мероприятиях вы участвовали в этом учебном году?",
            [
                "Курс «Россия — мои горизонты»",
                "«Билет в будущее»",
                "Профессиональные пробы",
                "Экскурсии на предприятия",
                "Дни открытых дверей колледжей и вузов",
                "Уроки «ПроеКТОриЯ»",
                "Конкурсы и чемпионаты профмастерства",
                "«Точка роста» или «Кванториум»",
                "Временная работа",
                "Ни в каких",
            ],
        ),
        _q(
            "satisfaction",
            "Насколько вы удовлетворены профориентационной работой в школе в целом?",
            SATISFACTION_SCALE,
            in_index=True,
        ),
        _q(
            "matrix",
            "Оцените от 1 до 5",
            rows=[
                "Рассказы о профессиях, нужных в нашем округе и крае",
                "Сведения о колледжах, вузах и правилах поступления",
                "Возможность попробовать себя в профессии",
                "Индивидуальные консультации (классный руководитель, педагог-психолог, "
                "педагог-навигатор)",
            ],
            in_index=True,
        ),
        _q("rating", "Насколько мероприятия этого года помогли вам с выбором профессии?"),
        _q(
            "multiple",
            "Кто сильнее всего влияет на ваш выбор?",
            [
                "Родители",
                "Учителя",
                "Друзья",
                "Интернет и соцсети",
                "Специалисты-консультанты",
                "Решаю сам(а)",
            ],
            max_choices=2,
        ),
        _q(
            "single",
            "Хотели бы вы после учёбы работать в своём округе?",
            ["Да", "Скорее да", "Скорее нет", "Нет", "Не знаю"],
        ),
        _q("text", "Чего вам не хватает в профориентации?", required=False),
    ],
}

PARENTS = {
    "title": PARENTS_TITLE,
    "audience": "parents",
    "intro": "Анкета анонимная: не указывайте фамилию и имя — ни свои, ни ребёнка.",
    "minutes": 5,
    "questions": [
        _q(
            "single",
            "В каком классе учится ваш ребёнок?",
            [("1–4", 1)] + [(str(g), g) for g in range(5, 12)],
            is_grade=True,
        ),
        _q(
            "satisfaction",
            "Насколько вы удовлетворены работой школы по профориентации вашего ребёнка?",
            SATISFACTION_SCALE,
            in_index=True,
        ),
        _q(
            "single",
            "Знаете ли вы, в каких профориентационных мероприятиях ребёнок участвовал в этом году?",
            ["Да, подробно", "В общих чертах", "Нет"],
        ),
        _q(
            "single",
            "Сообщает ли вам школа о мероприятиях и результатах диагностики (например, "
            "«Билет в будущее»)?",
            ["Регулярно", "Иногда", "Нет"],
        ),
        _q(
            "single",
            "Участвовали ли вы сами в профориентационных мероприятиях школы (собрания, "
            "консультации, дни открытых дверей)?",
            ["Да, не раз", "Да, один раз", "Нет, но хотел(а) бы", "Нет"],
        ),
        _q(
            "single",
            "Выбрал ли, по-вашему, ребёнок будущую профессию?",
            ["Да", "Скорее да", "Выбирает", "Нет", "Не знаю"],
        ),
        _q(
            "matrix",
            "Оцените от 1 до 5",
            rows=[
                "Школа учитывает интересы и способности ребёнка",
                "Знакомство с предприятиями и колледжами округа",
                "Доступность консультаций специалистов",
                "Сведения о профессиях, нужных в крае",
            ],
            in_index=True,
        ),
        _q(
            "multiple",
            "Какие формы работы школе стоит развивать?",
            [
                "Профессиональные пробы",
                "Экскурсии на предприятия",
                "Встречи с людьми разных профессий",
                "Консультации для родителей",
            ],
            allow_other=True,
        ),
        _q(
            "single",
            "Готовы ли вы рассказать детям о своей профессии или помочь с экскурсией "
            "на предприятие?",
            ["Да", "Возможно", "Нет"],
        ),
        _q("text", "Ваши предложения школе", required=False),
    ],
}

DEFAULTS = (STUDENTS, PARENTS)
OTHER_LABEL = "Другое"

_meta = sa.MetaData()
_questionnaire = sa.Table(
    "questionnaire",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("title", sa.String),
    sa.Column("audience", sa.String),
    sa.Column("intro", sa.Text),
    sa.Column("minutes", sa.Integer),
    sa.Column("version", sa.Integer),
    sa.Column("parent_id", sa.Integer),
    sa.Column("archived", sa.Boolean),
    sa.Column("created_at", sa.DateTime),
)
_question = sa.Table(
    "question",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("questionnaire_id", sa.Integer),
    sa.Column("position", sa.Integer),
    sa.Column("kind", sa.String),
    sa.Column("text", sa.String),
    sa.Column("hint", sa.String),
    sa.Column("required", sa.Boolean),
    sa.Column("is_grade", sa.Boolean),
    sa.Column("in_index", sa.Boolean),
    sa.Column("max_choices", sa.Integer),
    sa.Column("allow_other", sa.Boolean),
)
_option = sa.Table(
    "question_option",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("question_id", sa.Integer),
    sa.Column("position", sa.Integer),
    sa.Column("label", sa.String),
    sa.Column("value", sa.Integer),
    sa.Column("is_other", sa.Boolean),
)
_row = sa.Table(
    "question_row",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("question_id", sa.Integer),
    sa.Column("position", sa.Integer),
    sa.Column("label", sa.String),
)


def _insert_id(connection, table, values) -> int:
    result = connection.execute(table.insert().values(**values))
    return result.inserted_primary_key[0]


def install(connection) -> int:
    """Create the default questionnaires that are missing (matched by title).
    Returns how many were created."""
    existing = set(connection.execute(sa.select(_questionnaire.c.title)).scalars())
    created = 0
    for spec in DEFAULTS:
        if spec["title"] in existing:
            continue
        qn_id = _insert_id(
            connection,
            _questionnaire,
            {
                "title": spec["title"],
                "audience": spec["audience"],
                "intro": spec["intro"],
                "minutes": spec["minutes"],
                "version": 1,
                "parent_id": None,
                "archived": False,
                "created_at": utcnow(),
            },
        )
        for position, q in enumerate(spec["questions"]):
            q_id = _insert_id(
                connection,
                _question,
                {
                    "questionnaire_id": qn_id,
                    "position": position,
                    "kind": q["kind"],
                    "text": q["text"],
                    "hint": q.get("hint", ""),
                    "required": q.get("required", True),
                    "is_grade": q.get("is_grade", False),
                    "in_index": q.get("in_index", False),
                    "max_choices": q.get("max_choices"),
                    "allow_other": q.get("allow_other", False),
                },
            )
            options = [o if isinstance(o, tuple) else (o, None) for o in q["options"]]
            rows = [
                {
                    "question_id": q_id,
                    "position": i,
                    "label": label,
                    "value": value,
                    "is_other": False,
                }
                for i, (label, value) in enumerate(options)
            ]
            if q.get("allow_other"):
                rows.append(
                    {
                        "question_id": q_id,
                        "position": len(rows),
                        "label": OTHER_LABEL,
                        "value": None,
                        "is_other": True,
                    }
                )
            if rows:
                connection.execute(_option.insert(), rows)
            if q.get("rows"):
                connection.execute(
                    _row.insert(),
                    [
                        {"question_id": q_id, "position": i, "label": label}
                        for i, label in enumerate(q["rows"])
                    ],
                )
        created += 1
    return created
