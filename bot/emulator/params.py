"""Request parameters: decode PTB's form fields into typed values, and read them back."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.emulator.errors import bad_request

# Complex values travel as JSON-encoded strings in form and multipart bodies.
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "allowed_updates",
        "commands",
        "options",
        "entities",
        "caption_entities",
        "link_preview_options",
        "scope",
        "question_entities",
        "explanation_entities",
        "message_ids",
        "correct_option_ids",
        "country_codes",
        "permissions",
        "reaction",
        "media",
    }
)
INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "user_id",
        "offset",
        "limit",
        "reply_to_message_id",
        "max_connections",
        "correct_option_id",
        "open_period",
        "close_date",
        "cache_time",
        "message_thread_id",
        "from_chat_id",
    }
)
BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "is_anonymous",
        "allows_multiple_answers",
        "is_closed",
        "drop_pending_updates",
        "show_alert",
        "disable_web_page_preview",
        "disable_content_type_detection",
        "revoke_messages",
        "allows_revoting",
        "members_only",
    }
)


@dataclass(slots=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes

    def summary(self) -> dict[str, Any]:
        """What a recorded call shows instead of the bytes."""
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "size": len(self.data),
        }


def _as_int(value: str) -> int | str:
    stripped = value.strip()
    if stripped.lstrip("-").isdigit():
        return int(stripped)
    return value


def normalize(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Decode JSON-encoded fields, numbers and booleans sent as strings."""
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            if key in JSON_FIELDS:
                try:
                    value = json.loads(value)
                except ValueError:
                    raise bad_request(f"can't parse {key} JSON object") from None
            elif key in INT_FIELDS:
                value = _as_int(value)
            elif key in BOOL_FIELDS:
                value = value.strip().lower() in ("true", "1")
        params[key] = value
    # "attach://name" points at another multipart field holding the file.
    for key, value in params.items():
        if isinstance(value, str) and value.startswith("attach://"):
            attached = params.get(value.removeprefix("attach://"))
            if isinstance(attached, Upload):
                params[key] = attached
    return params


def recorded(params: dict[str, Any]) -> dict[str, Any]:
    """The params as stored on a Call: uploads replaced by a short summary."""
    if not any(isinstance(v, Upload) for v in params.values()):
        return params
    return {k: v.summary() if isinstance(v, Upload) else v for k, v in params.items()}


def opt_int(params: Mapping[str, Any], name: str, default: int | None = None) -> int | None:
    """An optional integer parameter; 400 when it is not a number."""
    value = params.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        raise bad_request(f"invalid {name} specified") from None


def opt_float(params: Mapping[str, Any], name: str, default: float) -> float:
    """An optional number parameter, e.g. a poll timeout."""
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def opt_bool(params: Mapping[str, Any], name: str, default: bool = False) -> bool:
    """An optional boolean parameter."""
    value = params.get(name)
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def opt_str(params: Mapping[str, Any], name: str) -> str | None:
    """An optional string parameter (numbers are turned back into text)."""
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def opt_json(params: Mapping[str, Any], name: str) -> Any:
    """An optional JSON parameter that may also arrive already decoded (JSON bodies)."""
    value = params.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None
    return value
