"""counter settings per unit: name and contacts printed on the forms, statistics published or not

Revision ID: onestop_0006_counter_settings
Revises: onestop_0005_supplement_stage
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "onestop_0006_counter_settings"
down_revision = "onestop_0005_supplement_stage"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "onestop_counter_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("counter_name", sa.String(length=255), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("opening_hours", sa.Text(), nullable=False),
        sa.Column("publish_statistics", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["core_unit.id"], name=op.f("fk_onestop_counter_settings_unit_id_core_unit"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onestop_counter_settings")),
        sa.UniqueConstraint("unit_id", name=op.f("uq_onestop_counter_settings_unit_id")),
    )


def downgrade() -> None:
    op.drop_table("onestop_counter_settings")
