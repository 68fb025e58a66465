"""attempt windows: guesses counted per client across worker processes

Revision ID: core_0003
Revises: core_0002
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = 'core_0003'
down_revision = 'core_0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('core_attempt_window',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('window_start', sa.BigInteger(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'window_start', name=op.f('pk_core_attempt_window'))
    )
    with op.batch_alter_table('core_attempt_window', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_attempt_window_window_start'), ['window_start'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('core_attempt_window', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_attempt_window_window_start'))

    op.drop_table('core_attempt_window')
