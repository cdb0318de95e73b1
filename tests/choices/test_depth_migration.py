"""The migration of couples choose: a stored max depth becomes the /depth word it meant."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import Connection, text

from bot.kernel.db.engine import create_engine
from bot.kernel.db.migrate import alembic_config, upgrade

BEFORE = "0003"


@pytest.mark.from_empty
async def test_a_stored_max_depth_becomes_its_depth_word_and_comes_back_on_downgrade(
    any_db_url: str,
) -> None:
    engine = create_engine(any_db_url)
    try:
        await upgrade(engine, BEFORE)
        async with engine.begin() as conn:
            for chat_id, depth in ((-1, 1), (-2, 2), (-3, 3)):
                await conn.execute(
                    text(
                        "INSERT INTO chats (id, active, timezone, send_minute, days, paused,"
                        " nudges_enabled, nudge_delay_minutes, quiet_start_minute,"
                        " quiet_end_minute, recap_enabled, recap_weekday, activity_cycle,"
                        " max_depth, disabled_categories, cycle, picks, bot_is_admin, language)"
                        " VALUES (:id, true, 'UTC', 1230, 127, false, true, 120, 1350, 480,"
                        " true, 6, 0, :depth, '', 0, 0, false, 'en')"
                    ),
                    {"id": chat_id, "depth": depth},
                )
        await upgrade(engine)
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT id, depth, decks, tender, distance FROM chats"))
            upgraded = {row[0]: tuple(row[1:]) for row in rows}

        def down(connection: Connection) -> None:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, BEFORE)

        async with engine.begin() as conn:
            await conn.run_sync(down)
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT id, max_depth FROM chats"))
            downgraded = {row[0]: row[1] for row in rows}
    finally:
        await engine.dispose()

    assert upgraded == {
        -1: ("light", "", False, False),
        -2: ("medium", "", False, False),
        -3: ("auto", "", False, False),
    }
    assert downgraded == {-1: 1, -2: 2, -3: 3}
