"""Posts by chat and time: a chat's latest prompts without reading all of its history.

The open evening prompt (for a plain message), the quiet rule's last evenings and /stats all ask
for one chat's posts by time. The unique (chat, message) index found the chat but then read
every post it ever had, a year's worth after a year.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.create_index("ix_posts_chat_posted", ["chat_id", "posted_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index("ix_posts_chat_posted")
