"""Private answers revealed together.

``chats.private_mode`` (on | off | only) shows the "Answer privately" button under prompts.
``private_answers`` keeps, for each partner who answered in their private chat with the bot,
that chat's message id (never its content) until the reveal copies it into the group;
``private_reveals`` has one row per revealed post, so a reveal happens once across replicas.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("private_mode", sa.String(length=8), server_default="on", nullable=False)
        )
    op.create_table(
        "private_answers",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("post_id", _ID, nullable=False),
        sa.Column("partner_id", _ID, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("opened_at", _WHEN, nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("answered_at", _WHEN, nullable=True),
        sa.Column("replaced", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("asked_at", _WHEN, nullable=True),
        sa.Column("asked_message_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["chats.id"],
            name=op.f("fk_private_answers_chat_id_chats"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_private_answers_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_private_answers_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_private_answers")),
        sa.UniqueConstraint("post_id", "partner_id", name=op.f("uq_private_answers_post_id")),
    )
    with op.batch_alter_table("private_answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_private_answers_user_opened", ["user_id", "opened_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_private_answers_post_id"), ["post_id"], unique=False)
        batch_op.create_index(
            "ix_private_answers_state_answered", ["state", "answered_at"], unique=False
        )
    op.create_table(
        "private_reveals",
        sa.Column("post_id", _ID, autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("revealed_at", _WHEN, nullable=False),
        sa.Column("how", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["chats.id"],
            name=op.f("fk_private_reveals_chat_id_chats"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_private_reveals_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("post_id", name=op.f("pk_private_reveals")),
    )


def downgrade() -> None:
    op.drop_table("private_reveals")
    with op.batch_alter_table("private_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_private_answers_state_answered")
        batch_op.drop_index(batch_op.f("ix_private_answers_post_id"))
        batch_op.drop_index("ix_private_answers_user_opened")
    op.drop_table("private_answers")
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.drop_column("private_mode")
