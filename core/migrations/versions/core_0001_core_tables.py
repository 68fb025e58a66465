"""core tables

Revision ID: core_0001
Revises: 
Create Date: 2026-11-26

The audit log is append-only: triggers refuse UPDATE and DELETE on it in both databases.
"""
from alembic import op
import sqlalchemy as sa


revision = 'core_0001'
down_revision = None
branch_labels = ('core',)
depends_on = None


def upgrade() -> None:
    op.create_table('core_audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=120), nullable=False),
    sa.Column('table_name', sa.String(length=120), nullable=False),
    sa.Column('record_id', sa.String(length=80), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_audit_log'))
    )
    with op.batch_alter_table('core_audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_audit_log_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_audit_log_table_name'), ['table_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_audit_log_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_audit_log_user_id'), ['user_id'], unique=False)

    op.create_table('core_permission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=120), nullable=False),
    sa.Column('label', sa.String(length=255), nullable=False),
    sa.Column('plugin', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_permission')),
    sa.UniqueConstraint('code', name=op.f('uq_core_permission_code'))
    )
    op.create_table('core_plugin_state',
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('installed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_core_plugin_state'))
    )
    op.create_table('core_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=120), nullable=False),
    sa.Column('label', sa.String(length=255), nullable=False),
    sa.Column('plugin', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_role')),
    sa.UniqueConstraint('code', name=op.f('uq_core_role_code'))
    )
    op.create_table('core_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['core_unit.id'], name=op.f('fk_core_unit_parent_id_core_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_unit')),
    sa.UniqueConstraint('code', name=op.f('uq_core_unit_code'))
    )
    with op.batch_alter_table('core_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_unit_parent_id'), ['parent_id'], unique=False)

    op.create_table('core_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('full_name', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_user')),
    sa.UniqueConstraint('username', name=op.f('uq_core_user_username'))
    )
    op.create_table('core_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('include_subunits', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['role_id'], ['core_role.id'], name=op.f('fk_core_membership_role_id_core_role'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['core_unit.id'], name=op.f('fk_core_membership_unit_id_core_unit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_core_membership_user_id_core_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_membership')),
    sa.UniqueConstraint('user_id', 'unit_id', 'role_id', name='uq_core_membership_user_unit_role')
    )
    with op.batch_alter_table('core_membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_membership_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_membership_user_id'), ['user_id'], unique=False)

    op.create_table('core_plugin_enablement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plugin', sa.String(length=80), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('enabled_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['core_unit.id'], name=op.f('fk_core_plugin_enablement_unit_id_core_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_plugin_enablement')),
    sa.UniqueConstraint('plugin', 'unit_id', name='uq_core_plugin_enablement_plugin_unit')
    )
    with op.batch_alter_table('core_plugin_enablement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_plugin_enablement_plugin'), ['plugin'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_plugin_enablement_unit_id'), ['unit_id'], unique=False)

    op.create_table('core_role_permission',
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('permission_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['permission_id'], ['core_permission.id'], name=op.f('fk_core_role_permission_permission_id_core_permission'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['role_id'], ['core_role.id'], name=op.f('fk_core_role_permission_role_id_core_role'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('role_id', 'permission_id', name=op.f('pk_core_role_permission'))
    )
    _append_only_audit_log()


def downgrade() -> None:
    _drop_append_only_audit_log()
    op.drop_table('core_role_permission')
    with op.batch_alter_table('core_plugin_enablement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_plugin_enablement_unit_id'))
        batch_op.drop_index(batch_op.f('ix_core_plugin_enablement_plugin'))

    op.drop_table('core_plugin_enablement')
    with op.batch_alter_table('core_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_membership_user_id'))
        batch_op.drop_index(batch_op.f('ix_core_membership_unit_id'))

    op.drop_table('core_membership')
    op.drop_table('core_user')
    with op.batch_alter_table('core_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_unit_parent_id'))

    op.drop_table('core_unit')
    op.drop_table('core_role')
    op.drop_table('core_plugin_state')
    op.drop_table('core_permission')
    with op.batch_alter_table('core_audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_audit_log_user_id'))
        batch_op.drop_index(batch_op.f('ix_core_audit_log_unit_id'))
        batch_op.drop_index(batch_op.f('ix_core_audit_log_table_name'))
        batch_op.drop_index(batch_op.f('ix_core_audit_log_record_id'))
        batch_op.drop_index(batch_op.f('ix_core_audit_log_at'))

    op.drop_table('core_audit_log')


def _append_only_audit_log() -> None:
    message = "core_audit_log is append-only"
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER core_audit_log_no_{verb.lower()} BEFORE {verb} ON core_audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION core_audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER core_audit_log_append_only BEFORE UPDATE OR DELETE ON core_audit_log "
        "FOR EACH ROW EXECUTE FUNCTION core_audit_log_refuse()"
    )
    op.execute(
        "CREATE TRIGGER core_audit_log_no_truncate BEFORE TRUNCATE ON core_audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION core_audit_log_refuse()"
    )


def _drop_append_only_audit_log() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS core_audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS core_audit_log_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS core_audit_log_no_truncate ON core_audit_log")
    op.execute("DROP TRIGGER IF EXISTS core_audit_log_append_only ON core_audit_log")
    op.execute("DROP FUNCTION IF EXISTS core_audit_log_refuse()")
