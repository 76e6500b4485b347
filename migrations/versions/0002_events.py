"""events: event forms, projects, events, participation

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The seeded event forms as (code, name, category). The codes are stable: the indicators find
# professional trials, teacher events and fairs by category, reports may use the codes.
FORMATS = [
    ("contest", "Конкурс", "general"),
    ("olympiad", "Олимпиада", "general"),
    ("skills_championship", "Чемпионат профессионального мастерства", "general"),
    ("exhibition", "Выставка", "general"),
    ("fair", "Ярмарка профессий", "showcase"),
    ("festival", "Фестиваль", "showcase"),
    ("open_day", "День открытых дверей", "showcase"),
    ("forum", "Форум", "showcase"),
    ("master_class", "Мастер-класс", "general"),
    ("prof_trial", "Профессиональная проба", "prof_trial"),
    ("excursion", "Экскурсия на предприятие", "general"),
    ("open_lesson", "Открытый урок («ПроеКТОриЯ», «Шоу профессий»)", "general"),
    ("teacher_seminar", "Семинар для педагогов", "teacher"),
    ("parent_meeting", "Родительское собрание", "general"),
]

PROJECTS = [
    ("bilet", "«Билет в будущее»"),
    ("proektoria", "«ПроеКТОриЯ»"),
    ("professionals", "«Профессионалы» («Молодые профессионалы»)"),
    ("abilympics", "«Абилимпикс»"),
    ("horizons", "«Россия — мои горизонты»"),
    ("tochka_rosta", "«Точка роста»"),
    ("kvantorium", "«Кванториум»"),
]


def upgrade():
    event_format = op.create_table(
        "event_format",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "category IN ('general', 'prof_trial', 'teacher', 'showcase')",
            name=op.f("ck_event_format_category_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_format")),
        sa.UniqueConstraint("code", name=op.f("uq_event_format_code")),
        sa.UniqueConstraint("name", name=op.f("uq_event_format_name")),
    )
    project = op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
        sa.UniqueConstraint("code", name=op.f("uq_project_code")),
        sa.UniqueConstraint("name", name=op.f("uq_project_name")),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("title_key", sa.String(length=300), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("format_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("academic_year", sa.Integer(), nullable=False),
        sa.Column("organizer", sa.String(length=300), nullable=False),
        sa.Column("for_students", sa.Boolean(), nullable=False),
        sa.Column("grade_from", sa.Integer(), nullable=True),
        sa.Column("grade_to", sa.Integer(), nullable=True),
        sa.Column("for_teachers", sa.Boolean(), nullable=False),
        sa.Column("for_parents", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "level IN ('international', 'federal', 'regional', 'municipal', 'school')",
            name=op.f("ck_event_level_known"),
        ),
        sa.CheckConstraint(
            "status IN ('confirmed', 'proposed')", name=op.f("ck_event_status_known")
        ),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_event_dates_ordered")),
        sa.CheckConstraint(
            "(grade_from IS NULL OR grade_from BETWEEN 1 AND 11) AND "
            "(grade_to IS NULL OR grade_to BETWEEN 1 AND 11) AND "
            "(grade_from IS NULL OR grade_to IS NULL OR grade_from <= grade_to)",
            name=op.f("ck_event_grades_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["format_id"],
            ["event_format.id"],
            name=op.f("fk_event_format_id_event_format"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_event_project_id_project"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f("fk_event_school_id_school"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_event_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index("ix_event_dup_key", ["title_key", "start_date", "level"])
        batch_op.create_index(batch_op.f("ix_event_academic_year"), ["academic_year"])
        batch_op.create_index(batch_op.f("ix_event_format_id"), ["format_id"])
        batch_op.create_index(batch_op.f("ix_event_level"), ["level"])
        batch_op.create_index(batch_op.f("ix_event_project_id"), ["project_id"])
        batch_op.create_index(batch_op.f("ix_event_school_id"), ["school_id"])
        batch_op.create_index(batch_op.f("ix_event_start_date"), ["start_date"])
        batch_op.create_index(batch_op.f("ix_event_status"), ["status"])

    op.create_table(
        "participation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("ovz", sa.Integer(), nullable=False),
        sa.Column("disabled", sa.Integer(), nullable=False),
        sa.Column("winners", sa.Integer(), nullable=False),
        sa.Column("prizewinners", sa.Integer(), nullable=False),
        sa.Column("teachers", sa.Integer(), nullable=False),
        sa.Column("distinct_children", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "participants >= 0 AND ovz >= 0 AND disabled >= 0 AND winners >= 0 "
            "AND prizewinners >= 0 AND teachers >= 0",
            name=op.f("ck_participation_counts_nonnegative"),
        ),
        sa.CheckConstraint(
            "ovz <= participants", name=op.f("ck_participation_ovz_within_participants")
        ),
        sa.CheckConstraint(
            "disabled <= participants",
            name=op.f("ck_participation_disabled_within_participants"),
        ),
        sa.CheckConstraint(
            "winners + prizewinners <= participants",
            name=op.f("ck_participation_awards_within_participants"),
        ),
        sa.CheckConstraint(
            "distinct_children IS NULL OR (distinct_children >= 0 "
            "AND distinct_children <= participants)",
            name=op.f("ck_participation_distinct_within_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_participation_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f("fk_participation_school_id_school"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participation")),
        sa.UniqueConstraint(
            "event_id", "school_id", name=op.f("uq_participation_event_id_school_id")
        ),
    )
    with op.batch_alter_table("participation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_participation_event_id"), ["event_id"])
        batch_op.create_index(batch_op.f("ix_participation_school_id"), ["school_id"])

    op.bulk_insert(
        event_format,
        [
            {
                "code": code,
                "name": name,
                "category": category,
                "sort_order": (i + 1) * 10,
                "active": True,
            }
            for i, (code, name, category) in enumerate(FORMATS)
        ],
    )
    op.bulk_insert(
        project,
        [
            {"code": code, "name": name, "sort_order": (i + 1) * 10, "active": True}
            for i, (code, name) in enumerate(PROJECTS)
        ],
    )


def downgrade():
    with op.batch_alter_table("participation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participation_school_id"))
        batch_op.drop_index(batch_op.f("ix_participation_event_id"))
    op.drop_table("participation")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_status"))
        batch_op.drop_index(batch_op.f("ix_event_start_date"))
        batch_op.drop_index(batch_op.f("ix_event_school_id"))
        batch_op.drop_index(batch_op.f("ix_event_project_id"))
        batch_op.drop_index(batch_op.f("ix_event_level"))
        batch_op.drop_index(batch_op.f("ix_event_format_id"))
        batch_op.drop_index(batch_op.f("ix_event_academic_year"))
        batch_op.drop_index("ix_event_dup_key")
    op.drop_table("event")
    op.drop_table("project")
    op.drop_table("event_format")
