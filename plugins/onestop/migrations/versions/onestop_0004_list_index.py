"""index for the dossier list: newest first within a unit

Revision ID: onestop_0004_list_index
Revises: onestop_0003_published
Create Date: 2026-11-26
"""
from alembic import op

revision = "onestop_0004_list_index"
down_revision = "onestop_0003_published"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_onestop_dossier_unit_id_id", "onestop_dossier", ["unit_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_onestop_dossier_unit_id_id", table_name="onestop_dossier")
