"""example records

Revision ID: example_0001
Revises:
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "example_0001"
down_revision = None
branch_labels = ("example",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "example_record",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("core_unit.id", name="fk_example_record_unit_id_core_unit"), nullable=False, index=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("example_record")
