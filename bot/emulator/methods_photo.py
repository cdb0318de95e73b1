"""Bot API sendPhoto: a multipart upload (or a known file_id) with a caption, checked like
Telegram checks it: an image it can read, sensible dimensions, a caption within the limit."""

from __future__ import annotations

import struct
from typing import Any

from telegram import PhotoSize
from telegram.constants import MessageLimit

from bot.emulator.errors import bad_request
from bot.emulator.html import utf16_len
from bot.emulator.methods import reply_target
from bot.emulator.objects import formatted, inline_markup
from bot.emulator.params import Upload, opt_str
from bot.emulator.registry import method
from bot.emulator.state import StoredFile, World

# Telegram's documented limits for a photo: 10 MB, width + height at most 10,000 pixels, and
# a width-to-height ratio of at most 20.
MAX_BYTES = 10 * 1024 * 1024
MAX_SIDES = 10_000
MAX_RATIO = 20
_PNG = b"\x89PNG\r\n\x1a\n"


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG or JPEG, read from its header; None for anything else."""
    if data.startswith(_PNG) and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data.startswith(b"\xff\xd8"):
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                return None
            marker = data[index + 1]
            length = struct.unpack(">H", data[index + 2 : index + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[index + 5 : index + 9])
                return width, height
            index += 2 + length
    return None


def _photo_file(world: World, raw: Any, chat_id: int) -> tuple[StoredFile, tuple[int, int]]:
    if isinstance(raw, str) and raw in world.files:
        stored = world.files[raw]  # sending again by file_id
    elif isinstance(raw, Upload):
        number = world.next_id()
        stored = StoredFile(
            file_id=f"AgACAgIAAxkBAAI{number:08d}",
            file_unique_id=f"AQAD{number:06d}",
            filename=raw.filename,
            mime_type=raw.content_type or "image/png",
            data=raw.data,
            path=f"photos/file_{number}.png",
            chat_id=chat_id,
        )
    elif raw is None or raw == "":
        raise bad_request("there is no photo in the request")
    else:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if len(stored.data) > MAX_BYTES:
        raise bad_request("PHOTO_SAVE_FILE_INVALID")
    dimensions = image_size(stored.data)
    if dimensions is None:
        raise bad_request("IMAGE_PROCESS_FAILED")
    width, height = dimensions
    if not width or not height or width + height > MAX_SIDES:
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    if max(width, height) / min(width, height) > MAX_RATIO:
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    world.files[stored.file_id] = stored
    return stored, dimensions


@method("sendPhoto")
def send_photo(world: World, p: dict[str, Any]) -> Any:
    """Post a photo with an optional caption and keyboard; tests read the bytes back."""
    state = world.chat(p.get("chat_id"))
    stored, (width, height) = _photo_file(world, p.get("photo"), state.id)
    caption, entities = None, None
    raw_caption = opt_str(p, "caption")
    if raw_caption:
        caption, found = formatted(
            raw_caption, opt_str(p, "parse_mode"), p.get("caption_entities"), "caption"
        )
        if utf16_len(caption) > MessageLimit.CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        entities = found or None
    reply = reply_target(world, state, p)
    markup = inline_markup(p.get("reply_markup"))
    world.limits.check(state.id, state.is_private)
    # Telegram answers with the sizes it made; the original size is the last.
    photo = (
        PhotoSize(
            file_id=stored.file_id,
            file_unique_id=stored.file_unique_id,
            width=width,
            height=height,
            file_size=len(stored.data),
        ),
    )
    message = world.store(
        state,
        from_user=world.bot,
        photo=photo,
        caption=caption or None,
        caption_entities=entities,
        reply_to_message=reply,
        reply_markup=markup,
    )
    world.sent_photos.append((state.id, stored.file_id))
    world.limits.record(state.id)
    return message.to_dict()
