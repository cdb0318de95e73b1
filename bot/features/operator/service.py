"""Operator use cases: reload the exercise library, for the operators only."""

from __future__ import annotations

from bot.kernel.services import Services
from bot.library.holder import ReloadResult


def reload_library(services: Services, user_id: int) -> ReloadResult | None:
    """Reload exercises.yaml (keeping the last good library on errors); None for a non-operator."""
    if user_id not in services.settings.operator_ids:
        return None
    return services.library.reload()
