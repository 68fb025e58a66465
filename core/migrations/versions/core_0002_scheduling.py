"""scheduling

Revision ID: core_0002
Revises: core_0001
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa


revision = 'core_0002'
down_revision = 'core_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('core_calendar_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_working', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_calendar_override')),
    sa.UniqueConstraint('day', name=op.f('uq_core_calendar_override_day'))
    )
    op.create_table('core_job_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=120), nullable=False),
    sa.Column('scheduled_for', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('runner', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_job_run')),
    sa.UniqueConstraint('job', 'scheduled_for', name='uq_core_job_run_occurrence')
    )
    with op.batch_alter_table('core_job_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_job_run_job'), ['job'], unique=False)

    op.create_table('core_job_state',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('schedule', sa.String(length=120), nullable=False),
    sa.Column('next_run_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_run_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_status', sa.String(length=20), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('runs', sa.Integer(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_core_job_state'))
    )
    with op.batch_alter_table('core_job_state', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_job_state_next_run_at'), ['next_run_at'], unique=False)

    op.create_table('core_calendar_feed_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_core_calendar_feed_token_user_id_core_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_calendar_feed_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_core_calendar_feed_token_token_hash'))
    )
    with op.batch_alter_table('core_calendar_feed_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_calendar_feed_token_user_id'), ['user_id'], unique=False)

    op.create_table('core_notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('emailed', sa.Boolean(), nullable=False),
    sa.Column('email_pending', sa.Boolean(), nullable=False),
    sa.Column('email_attempts', sa.Integer(), nullable=False),
    sa.Column('email_error', sa.Text(), nullable=False),
    sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_core_notification_user_id_core_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_notification')),
    sa.UniqueConstraint('user_id', 'dedupe_key', name='uq_core_notification_user_key')
    )
    with op.batch_alter_table('core_notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_notification_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_notification_email_pending'), ['email_pending'], unique=False)

    op.create_table('core_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('symbol', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=True),
    sa.Column('programme', sa.String(length=80), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['core_unit.id'], name=op.f('fk_core_plan_unit_id_core_unit')),
    sa.CheckConstraint("status IN ('draft', 'issued', 'done', 'cancelled')", name=op.f('ck_core_plan_status')),
    sa.CheckConstraint("kind IN ('plan', 'inspection')", name=op.f('ck_core_plan_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_plan')),
    sa.UniqueConstraint('unit_id', 'year', 'number', 'symbol', name='uq_core_plan_number')
    )
    with op.batch_alter_table('core_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_plan_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_plan_year'), ['year'], unique=False)

    op.create_table('core_unit_working_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('morning_start', sa.String(length=5), nullable=False),
    sa.Column('morning_end', sa.String(length=5), nullable=False),
    sa.Column('afternoon_start', sa.String(length=5), nullable=False),
    sa.Column('afternoon_end', sa.String(length=5), nullable=False),
    sa.Column('receipt_cutoff', sa.String(length=5), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['core_unit.id'], name=op.f('fk_core_unit_working_hours_unit_id_core_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_unit_working_hours')),
    sa.UniqueConstraint('unit_id', name=op.f('uq_core_unit_working_hours_unit_id'))
    )
    op.create_table('core_plan_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('owner_user_id', sa.Integer(), nullable=True),
    sa.Column('target_unit_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('contents', sa.JSON(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('evidence_note', sa.Text(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_user_id'], ['core_user.id'], name=op.f('fk_core_plan_task_owner_user_id_core_user')),
    sa.ForeignKeyConstraint(['plan_id'], ['core_plan.id'], name=op.f('fk_core_plan_task_plan_id_core_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_unit_id'], ['core_unit.id'], name=op.f('fk_core_plan_task_target_unit_id_core_unit')),
    sa.ForeignKeyConstraint(['unit_id'], ['core_unit.id'], name=op.f('fk_core_plan_task_unit_id_core_unit')),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_core_plan_task_progress')),
    sa.CheckConstraint("status IN ('open', 'done', 'cancelled')", name=op.f('ck_core_plan_task_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_plan_task'))
    )
    with op.batch_alter_table('core_plan_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_plan_task_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_plan_task_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_plan_task_unit_id'), ['unit_id'], unique=False)

    op.create_table('core_task_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['core_plan_task.id'], name=op.f('fk_core_task_attachment_task_id_core_plan_task'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['core_unit.id'], name=op.f('fk_core_task_attachment_unit_id_core_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_task_attachment'))
    )
    with op.batch_alter_table('core_task_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_task_attachment_task_id'), ['task_id'], unique=False)

    op.create_table('core_task_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['core_plan_task.id'], name=op.f('fk_core_task_reminder_task_id_core_plan_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_task_reminder')),
    sa.UniqueConstraint('task_id', 'kind', 'due_date', name='uq_core_task_reminder')
    )
    with op.batch_alter_table('core_task_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_task_reminder_task_id'), ['task_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('core_task_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_task_reminder_task_id'))

    op.drop_table('core_task_reminder')
    with op.batch_alter_table('core_task_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_task_attachment_task_id'))

    op.drop_table('core_task_attachment')
    with op.batch_alter_table('core_plan_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_plan_task_unit_id'))
        batch_op.drop_index(batch_op.f('ix_core_plan_task_plan_id'))
        batch_op.drop_index(batch_op.f('ix_core_plan_task_due_date'))

    op.drop_table('core_plan_task')
    op.drop_table('core_unit_working_hours')
    with op.batch_alter_table('core_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_plan_year'))
        batch_op.drop_index(batch_op.f('ix_core_plan_unit_id'))

    op.drop_table('core_plan')
    with op.batch_alter_table('core_notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_notification_email_pending'))
        batch_op.drop_index(batch_op.f('ix_core_notification_user_id'))

    op.drop_table('core_notification')
    with op.batch_alter_table('core_calendar_feed_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_calendar_feed_token_user_id'))

    op.drop_table('core_calendar_feed_token')
    with op.batch_alter_table('core_job_state', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_job_state_next_run_at'))

    op.drop_table('core_job_state')
    with op.batch_alter_table('core_job_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_job_run_job'))

    op.drop_table('core_job_run')
    op.drop_table('core_calendar_override')

