"""Clock times of day as minutes after midnight: parsing and formatting (pure)."""

from __future__ import annotations


def format_minute(minute: int) -> str:
    """Render minutes after midnight as ``HH:MM``."""
    return f"{minute // 60:02d}:{minute % 60:02d}"
