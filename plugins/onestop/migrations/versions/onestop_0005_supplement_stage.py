"""supplement sub-states: who asked for the supplement and when it was handed in

Revision ID: onestop_0005_supplement_stage
Revises: onestop_0004_list_index
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "onestop_0005_supplement_stage"
down_revision = "onestop_0004_list_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("onestop_dossier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supplement_by", sa.String(length=10), server_default="", nullable=False))
        batch_op.add_column(sa.Column("supplemented_on", sa.Date(), nullable=True))
    # Dossiers already waiting for a supplement were asked by whoever held them.
    op.execute("UPDATE onestop_dossier SET supplement_by = 'handler' WHERE status = 'supplement_requested'")


def downgrade() -> None:
    with op.batch_alter_table("onestop_dossier", schema=None) as batch_op:
        batch_op.drop_column("supplemented_on")
        batch_op.drop_column("supplement_by")
