"""Exercise evenings: one evening a week brings a guided exercise instead of a question.

``chats.exercise_evenings`` turns them on or off (/exercises on|off) and
``chats.exercise_weekday`` is the local weekday they fall on (Monday is 0; Sunday by default).
Existing chats get them on Sundays, like new ones.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("chats", schema=None) as batch_op:
        # Server defaults fill the existing rows; the models set the value for new ones.
        batch_op.add_column(
            sa.Column("exercise_evenings", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("exercise_weekday", sa.Integer(), nullable=False, server_default="6")
        )


def downgrade() -> None:
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.drop_column("exercise_weekday")
        batch_op.drop_column("exercise_evenings")
