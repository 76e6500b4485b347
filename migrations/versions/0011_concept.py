"""concept: indicator values typed in for past years, the concept's stages

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 20:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# The concept 2021–2026: stage I the first two academic years, stage II the rest. The
# department changes them on the concept page; these are only the starting values.
STAGES = [
    {"number": 1, "title": "I этап", "first_year": 2021, "last_year": 2022},
    {"number": 2, "title": "II этап", "first_year": 2023, "last_year": 2025},
]


def upgrade():
    op.create_table(
        "manual_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("value >= 0", name=op.f("ck_manual_value_value_nonnegative")),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name=op.f("ck_manual_value_year_range")),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f("fk_manual_value_school_id_school"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manual_value")),
        sa.UniqueConstraint(
            "school_id", "year", "key", name=op.f("uq_manual_value_school_id_year_key")
        ),
    )
    with op.batch_alter_table("manual_value") as batch_op:
        batch_op.create_index(batch_op.f("ix_manual_value_school_id"), ["school_id"])
        batch_op.create_index(batch_op.f("ix_manual_value_year"), ["year"])

    stage = op.create_table(
        "concept_stage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("last_year", sa.Integer(), nullable=False),
        sa.Column("conclusions", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("first_year <= last_year", name=op.f("ck_concept_stage_years_ordered")),
        sa.CheckConstraint(
            "first_year BETWEEN 2000 AND 2100", name=op.f("ck_concept_stage_first_year_range")
        ),
        sa.CheckConstraint(
            "last_year BETWEEN 2000 AND 2100", name=op.f("ck_concept_stage_last_year_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concept_stage")),
        sa.UniqueConstraint("number", name=op.f("uq_concept_stage_number")),
    )
    conn = op.get_bind()
    for s in STAGES:
        conn.execute(stage.insert().values(**s, conclusions="", updated_at=sa.func.now()))


def downgrade():
    op.drop_table("concept_stage")
    with op.batch_alter_table("manual_value") as batch_op:
        batch_op.drop_index(batch_op.f("ix_manual_value_year"))
        batch_op.drop_index(batch_op.f("ix_manual_value_school_id"))
    op.drop_table("manual_value")
