"""The exercise library: schema and loader of ``exercises.yaml``, and the pickers.

Pure domain code: nothing here imports ``telegram`` or ``sqlalchemy``.
"""

from bot.library.activities import ActivityPick, pick_activities, season_of
from bot.library.holder import LibraryHolder, ReloadResult
from bot.library.loader import LibraryError, check_library, load_library
from bot.library.picker import (
    History,
    Pick,
    Preferences,
    depth_ceiling,
    pick,
    seed_for,
    tender_allowed,
)
from bot.library.report import summary, validate_command
from bot.library.schema import (
    Activity,
    Category,
    Cost,
    Energy,
    Entry,
    Exercise,
    Kind,
    Library,
    Mode,
    Place,
    Prompt,
    Season,
    Talk,
    category_name,
)
from bot.library.similarity import NearDuplicate, near_duplicates

__all__ = [
    "Activity",
    "ActivityPick",
    "Category",
    "Cost",
    "Energy",
    "Entry",
    "Exercise",
    "History",
    "Kind",
    "Library",
    "LibraryError",
    "LibraryHolder",
    "Mode",
    "NearDuplicate",
    "Pick",
    "Place",
    "Preferences",
    "Prompt",
    "ReloadResult",
    "Season",
    "Talk",
    "category_name",
    "check_library",
    "depth_ceiling",
    "load_library",
    "near_duplicates",
    "pick",
    "pick_activities",
    "season_of",
    "seed_for",
    "summary",
    "tender_allowed",
    "validate_command",
]
