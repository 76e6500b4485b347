"""monitoring: reporting periods, monitoring form, graduate destinations, action plan

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 09:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _submission_columns(table: str) -> list:
    """Columns shared by both yearly forms (SubmissionMixin)."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("returned_at", sa.DateTime(), nullable=True),
        sa.Column("returned_by_id", sa.Integer(), nullable=True),
        sa.Column("return_comment", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'returned')", name=op.f(f"ck_{table}_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f(f"fk_{table}_school_id_school"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["user.id"],
            name=op.f(f"fk_{table}_submitted_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["returned_by_id"],
            ["user.id"],
            name=op.f(f"fk_{table}_returned_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("school_id", "year", name=op.f(f"uq_{table}_school_id_year")),
    ]


def _count_columns(table: str) -> list:
    return [
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("orphans", sa.Integer(), nullable=False),
        sa.Column("ovz", sa.Integer(), nullable=False),
        sa.CheckConstraint("grade IN (9, 11)", name=op.f(f"ck_{table}_grade_known")),
        sa.CheckConstraint(
            "total >= 0 AND orphans >= 0 AND ovz >= 0",
            name=op.f(f"ck_{table}_counts_nonnegative"),
        ),
        sa.CheckConstraint("orphans <= total", name=op.f(f"ck_{table}_orphans_le_total")),
        sa.CheckConstraint("ovz <= total", name=op.f(f"ck_{table}_ovz_le_total")),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["graduate_report.id"],
            name=op.f(f"fk_{table}_report_id_graduate_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade():
    op.create_table(
        "reporting_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('monitoring', 'graduates')", name=op.f("ck_reporting_period_kind_known")
        ),
        sa.CheckConstraint("opens_on <= closes_on", name=op.f("ck_reporting_period_dates_ordered")),
        sa.CheckConstraint(
            "year BETWEEN 2000 AND 2100", name=op.f("ck_reporting_period_year_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_period")),
        sa.UniqueConstraint("kind", "year", name=op.f("uq_reporting_period_kind_year")),
    )

    op.create_table(
        "monitoring_report",
        *_submission_columns("monitoring_report"),
        sa.Column("program_names", sa.Text(), nullable=False),
        sa.Column("programs_count", sa.Integer(), nullable=False),
        sa.Column("sites_municipal", sa.Integer(), nullable=True),
        sa.Column("sites_regional", sa.Integer(), nullable=True),
        sa.Column("sites_federal", sa.Integer(), nullable=True),
        sa.Column("site_names", sa.Text(), nullable=False),
        sa.Column("minors_employed", sa.Integer(), nullable=True),
        sa.Column("minors_employed_orphans", sa.Integer(), nullable=True),
        sa.Column("minors_employed_registered", sa.Integer(), nullable=True),
        sa.Column("incentive_measures", sa.Integer(), nullable=True),
        sa.Column("children_rewarded", sa.Integer(), nullable=True),
        sa.Column("profminimum_level", sa.String(length=16), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "programs_count >= 0 AND sites_municipal >= 0 AND sites_regional >= 0 "
            "AND sites_federal >= 0 AND minors_employed >= 0 "
            "AND minors_employed_orphans >= 0 AND minors_employed_registered >= 0 "
            "AND incentive_measures >= 0 AND children_rewarded >= 0",
            name=op.f("ck_monitoring_report_counts_nonnegative"),
        ),
        sa.CheckConstraint(
            "minors_employed_orphans <= minors_employed",
            name=op.f("ck_monitoring_report_orphans_le_employed"),
        ),
        sa.CheckConstraint(
            "minors_employed_registered <= minors_employed",
            name=op.f("ck_monitoring_report_registered_le_employed"),
        ),
        sa.CheckConstraint(
            "profminimum_level IN ('basic', 'main', 'advanced')",
            name=op.f("ck_monitoring_report_profminimum_known"),
        ),
    )
    with op.batch_alter_table("monitoring_report") as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_report_year"), ["year"], unique=False)

    op.create_table("graduate_report", *_submission_columns("graduate_report"))
    with op.batch_alter_table("graduate_report") as batch_op:
        batch_op.create_index(batch_op.f("ix_graduate_report_year"), ["year"], unique=False)

    op.create_table(
        "graduate_cohort",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        *_count_columns("graduate_cohort"),
        sa.UniqueConstraint("report_id", "grade", name=op.f("uq_graduate_cohort_report_id_grade")),
    )
    op.create_table(
        "graduate_destination",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        *_count_columns("graduate_destination"),
        sa.UniqueConstraint(
            "report_id",
            "grade",
            "category",
            name=op.f("uq_graduate_destination_report_id_grade_category"),
        ),
    )

    op.create_table(
        "plan_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("sort_key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("deadline", sa.String(length=200), nullable=False),
        sa.Column("responsible", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_item")),
        sa.UniqueConstraint("number", name=op.f("uq_plan_item_number")),
    )
    with op.batch_alter_table("plan_item") as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_item_sort_key"), ["sort_key"], unique=False)

    op.create_table(
        "plan_execution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('done', 'in_progress', 'not_done')",
            name=op.f("ck_plan_execution_status_known"),
        ),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name=op.f("ck_plan_execution_year_range")),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["plan_item.id"],
            name=op.f("fk_plan_execution_item_id_plan_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_execution")),
        sa.UniqueConstraint("item_id", "year", name=op.f("uq_plan_execution_item_id_year")),
    )


def downgrade():
    op.drop_table("plan_execution")
    with op.batch_alter_table("plan_item") as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_item_sort_key"))
    op.drop_table("plan_item")
    op.drop_table("graduate_destination")
    op.drop_table("graduate_cohort")
    with op.batch_alter_table("graduate_report") as batch_op:
        batch_op.drop_index(batch_op.f("ix_graduate_report_year"))
    op.drop_table("graduate_report")
    with op.batch_alter_table("monitoring_report") as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_report_year"))
    op.drop_table("monitoring_report")
    op.drop_table("reporting_period")
