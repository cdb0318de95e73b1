"""Keep the last good library and swap in a new one only when it validates.

An operator editing ``exercises.yaml`` on a running bot must never be able to take it down with
a typo: a failed reload is logged and the bot goes on with the library it already has.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from bot.library.loader import check_library, load_library
from bot.library.schema import Kind, Library
from bot.texts import Texts

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did; ``counts`` describe the library in use afterwards."""

    ok: bool
    errors: list[str] = field(default_factory=list)
    counts: dict[Kind, int] = field(default_factory=dict)


class LibraryHolder:
    """The library in use, replaceable at run time (e.g. on SIGHUP or an admin command)."""

    def __init__(self, path: Path, texts: Texts, library: Library | None = None) -> None:
        """Load ``path`` now (raising ``LibraryError`` if invalid) unless ``library`` is given."""
        self.path = path
        self.texts = texts
        self._current = library if library is not None else load_library(path, texts)

    @property
    def current(self) -> Library:
        """The last library that loaded without errors."""
        return self._current

    def reload(self) -> ReloadResult:
        """Load the file again; switch to it only if it is valid."""
        library, errors = check_library(self.path, self.texts)
        if library is None:
            logger.warning(
                "library reload from %s failed with %d problem(s); keeping the previous one. "
                "First: %s",
                self.path,
                len(errors),
                errors[0] if errors else "-",
            )
            return ReloadResult(ok=False, errors=errors, counts=self._current.counts())
        self._current = library
        counts = library.counts()
        logger.info(
            "library reloaded from %s: %d prompts, %d exercises, %d activities",
            self.path,
            counts[Kind.PROMPT],
            counts[Kind.EXERCISE],
            counts[Kind.ACTIVITY],
        )
        return ReloadResult(ok=True, errors=[], counts=counts)
