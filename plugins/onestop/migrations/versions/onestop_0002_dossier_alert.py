"""onestop: one-off dossier alerts (the lateness event is emitted once per dossier)

Revision ID: onestop_0002_alert
Revises: onestop_0001
"""
from alembic import op
import sqlalchemy as sa


revision = 'onestop_0002_alert'
down_revision = 'onestop_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'onestop_dossier_alert',
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['dossier_id'], ['onestop_dossier.id'],
                                name=op.f('fk_onestop_dossier_alert_dossier_id_onestop_dossier'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('dossier_id', 'kind', name=op.f('pk_onestop_dossier_alert')),
    )


def downgrade() -> None:
    op.drop_table('onestop_dossier_alert')
