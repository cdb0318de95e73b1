"""Couples choose: depth, decks, tender topics, long distance, and each partner's own zone.

``chats.max_depth`` (a number no command set) becomes ``chats.depth``, the word the couple
chose with /depth: ``auto`` (deeper as they keep answering together), ``light``, ``medium`` or
``deep``. ``chats.decks`` lists the opt-in decks turned on; ``chats.tender`` is the opt-in to
sensitive entries; ``chats.distance`` is /distance. ``partners.timezone`` is a partner's own
zone (/timezone me) for the nudge's quiet hours. ``posts.apart`` remembers that an evening
prompt carried "We called" rather than "We talked in person", so its edits keep the button.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_DEPTH_WORDS = ((1, "light"), (2, "medium"))


def upgrade() -> None:
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("depth", sa.String(length=8), server_default="auto", nullable=False)
        )
        batch_op.add_column(
            sa.Column("decks", sa.String(length=255), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("tender", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("distance", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    chats = sa.table("chats", sa.column("max_depth", sa.Integer), sa.column("depth", sa.String))
    for number, word in _DEPTH_WORDS:
        op.execute(chats.update().where(chats.c.max_depth == number).values(depth=word))
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.drop_column("max_depth")
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("apart", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_column("apart")
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.drop_column("timezone")
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("max_depth", sa.Integer(), server_default="3", nullable=False)
        )
    chats = sa.table("chats", sa.column("max_depth", sa.Integer), sa.column("depth", sa.String))
    for number, word in _DEPTH_WORDS:
        op.execute(chats.update().where(chats.c.depth == word).values(max_depth=number))
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.drop_column("distance")
        batch_op.drop_column("tender")
        batch_op.drop_column("decks")
        batch_op.drop_column("depth")
