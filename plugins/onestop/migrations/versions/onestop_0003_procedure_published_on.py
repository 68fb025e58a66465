"""onestop: the publication date of a procedure (read from catalogue imports)

Revision ID: onestop_0003_published
Revises: onestop_0002_alert
"""
from alembic import op
import sqlalchemy as sa


revision = 'onestop_0003_published'
down_revision = 'onestop_0002_alert'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('onestop_procedure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('onestop_procedure', schema=None) as batch_op:
        batch_op.drop_column('published_on')
