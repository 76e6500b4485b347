"""answer_tally: answer counts kept at submission for survey results

Answers counted per campaign × school × grade × question × option × row × value, so
results never group the whole answer table; backfilled from the answers already stored.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Sentinels for "none" in the key (a UNIQUE constraint treats NULLs as distinct), as in
# proforient.surveys.response_models; copied so this migration keeps its meaning if the
# code moves.
NO_GRADE = 0  # response.grade is NULL or 1..11
NO_ID = 0  # option and row ids start at 1
NO_VALUE = -32768  # answer.value is NULL or BETWEEN -1000 AND 1000

BACKFILL = f"""
INSERT INTO answer_tally
    (campaign_id, school_id, grade, question_id, option_id, row_id, value, n)
SELECT r.campaign_id, r.school_id, COALESCE(r.grade, {NO_GRADE}), a.question_id,
       COALESCE(a.option_id, {NO_ID}), COALESCE(a.row_id, {NO_ID}),
       COALESCE(a.value, {NO_VALUE}), COUNT(*)
FROM answer a JOIN response r ON r.id = a.response_id
GROUP BY r.campaign_id, r.school_id, COALESCE(r.grade, {NO_GRADE}), a.question_id,
         COALESCE(a.option_id, {NO_ID}), COALESCE(a.row_id, {NO_ID}),
         COALESCE(a.value, {NO_VALUE})
"""


def backfill(bind) -> None:
    """Tallies of every answer already stored: one INSERT … SELECT … GROUP BY."""
    bind.execute(sa.text(BACKFILL))


def upgrade():
    op.create_table(
        "answer_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "grade = 0 OR grade BETWEEN 1 AND 11", name=op.f("ck_answer_tally_grade_range")
        ),
        sa.CheckConstraint("n >= 0", name=op.f("ck_answer_tally_n_nonnegative")),
        sa.CheckConstraint(
            "value = -32768 OR value BETWEEN -1000 AND 1000",
            name=op.f("ck_answer_tally_value_range"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_answer_tally_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
            name=op.f("fk_answer_tally_question_id_question"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f("fk_answer_tally_school_id_school"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_tally")),
        sa.UniqueConstraint(
            "campaign_id",
            "school_id",
            "grade",
            "question_id",
            "option_id",
            "row_id",
            "value",
            name="uq_answer_tally_key",
        ),
    )
    backfill(op.get_bind())


def downgrade():
    op.drop_table("answer_tally")
