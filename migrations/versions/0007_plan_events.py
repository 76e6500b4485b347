"""plan events: links from the action plan's execution to registry events

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 10:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "plan_execution_event",
        sa.Column("execution_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["execution_id"],
            ["plan_execution.id"],
            name=op.f("fk_plan_execution_event_execution_id_plan_execution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_plan_execution_event_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("execution_id", "event_id", name=op.f("pk_plan_execution_event")),
    )
    with op.batch_alter_table("plan_execution_event") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_execution_event_event_id"), ["event_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("plan_execution_event") as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_execution_event_event_id"))
    op.drop_table("plan_execution_event")
