"""link_rate: answers each survey link accepted in the current minute

The per-link ceiling on accepted answers per minute lives in the database so that every
worker process sees the same count. One row per link, for the current minute only.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "link_rate",
        sa.Column("campaign_school_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("minute", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.CheckConstraint("minute >= 0", name=op.f("ck_link_rate_minute_nonnegative")),
        sa.CheckConstraint("n >= 0", name=op.f("ck_link_rate_n_nonnegative")),
        sa.ForeignKeyConstraint(
            ["campaign_school_id"],
            ["campaign_school.id"],
            name=op.f("fk_link_rate_campaign_school_id_campaign_school"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_school_id", name=op.f("pk_link_rate")),
    )
    with op.batch_alter_table("link_rate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_rate_minute"), ["minute"], unique=False)


def downgrade():
    with op.batch_alter_table("link_rate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_rate_minute"))
    op.drop_table("link_rate")
