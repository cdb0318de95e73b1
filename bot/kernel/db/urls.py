"""Database URLs as they may be shown to a person or written to a log: no secrets."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError


def shown_url(url: str) -> str:
    """The URL without its password or query (``?password=`` reaches the driver too)."""
    # Dropped rather than masked as ***: nothing is left to redact, and the rest still names
    # the server, port, database and user, which is what reaching the database is about.
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        # Unparseable: the scheme alone, since anything after it may hold the password.
        scheme, separator, _rest = url.partition("://")
        return f"{scheme}://" if separator else ""
    # Built afresh: URL.set() reads password=None as "keep the password".
    bare = URL.create(
        parsed.drivername,
        username=parsed.username or None,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
    )
    return bare.render_as_string(hide_password=False)
