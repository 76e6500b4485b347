"""agreements: partner organisations and cooperation agreements

Revision ID: 0003
Revises: 0002

"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("short_name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("settlement", sa.String(length=200), nullable=False),
        sa.Column("inn", sa.String(length=12), nullable=True),
        sa.Column("contact_person", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("search_key", sa.String(length=800), nullable=False),
        sa.Column("added_by_school_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "inn IS NULL OR length(inn) IN (10, 12)", name=op.f("ck_partner_inn_length")
        ),
        sa.CheckConstraint(
            "kind IN ('poo', 'vuz', 'employer', 'czn', 'udo', 'other')",
            name=op.f("ck_partner_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["added_by_school_id"],
            ["school.id"],
            name=op.f("fk_partner_added_by_school_id_school"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner")),
    )
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_inn"), ["inn"], unique=False)
        batch_op.create_index(batch_op.f("ix_partner_search_key"), ["search_key"], unique=False)

    op.create_table(
        "agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("scan_key", sa.String(length=64), nullable=True),
        sa.Column("scan_filename", sa.String(length=255), nullable=True),
        sa.Column("scan_size", sa.Integer(), nullable=True),
        sa.Column("scan_uploaded_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "valid_until IS NULL OR valid_until >= valid_from",
            name=op.f("ck_agreement_period_order"),
        ),
        sa.CheckConstraint(
            "terminated_on IS NULL OR terminated_on >= valid_from",
            name=op.f("ck_agreement_termination_after_start"),
        ),
        sa.CheckConstraint(
            "scan_size IS NULL OR scan_size >= 0",
            name=op.f("ck_agreement_scan_size_nonnegative"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_agreement_partner_id_partner"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f("fk_agreement_school_id_school"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement")),
        sa.UniqueConstraint("scan_key", name=op.f("uq_agreement_scan_key")),
        sa.UniqueConstraint(
            "school_id",
            "partner_id",
            "number",
            "signed_on",
            name=op.f("uq_agreement_school_id_partner_id_number_signed_on"),
        ),
    )
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreement_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agreement_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agreement_valid_until"), ["valid_until"], unique=False)


def downgrade():
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_valid_until"))
        batch_op.drop_index(batch_op.f("ix_agreement_school_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_partner_id"))
    op.drop_table("agreement")
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_search_key"))
        batch_op.drop_index(batch_op.f("ix_partner_inn"))
    op.drop_table("partner")
