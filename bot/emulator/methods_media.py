"""Bot API methods for polls and documents."""

from __future__ import annotations

import mimetypes
from typing import Any

from telegram import Document, File
from telegram.constants import MessageLimit, PollLimit

from bot.emulator.errors import bad_request
from bot.emulator.html import utf16_len
from bot.emulator.methods import reply_target
from bot.emulator.objects import formatted, inline_markup
from bot.emulator.params import Upload, opt_bool, opt_int, opt_str
from bot.emulator.registry import method
from bot.emulator.state import PollState, StoredFile, World, replace_message


def _option_texts(raw: Any) -> list[str]:
    if not isinstance(raw, list):
        raise bad_request("poll options must be an Array")
    texts = [item.get("text") if isinstance(item, dict) else item for item in raw]
    if not PollLimit.MIN_OPTION_NUMBER <= len(texts) <= PollLimit.MAX_OPTION_NUMBER:
        raise bad_request("POLL_ANSWERS_INVALID")
    for text in texts:
        if not isinstance(text, str) or not text.strip():
            raise bad_request("POLL_ANSWER_INVALID")
        if len(text) > PollLimit.MAX_OPTION_LENGTH:
            raise bad_request(f"poll options length must not exceed {PollLimit.MAX_OPTION_LENGTH}")
    return [str(text) for text in texts]


def _correct_options(p: dict[str, Any], count: int) -> list[int] | None:
    raw = p.get("correct_option_ids")
    if raw is None and p.get("correct_option_id") is not None:
        raw = [p["correct_option_id"]]  # the field before Bot API 9.6
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(i, int) and 0 <= i < count for i in raw):
        raise bad_request("wrong correct option ID specified")
    return sorted(set(raw))


@method("sendPoll")
def send_poll(world: World, p: dict[str, Any]) -> Any:
    """Post a poll; votes arrive through the driver's answer_poll."""
    state = world.chat(p.get("chat_id"))
    question = (opt_str(p, "question") or "").strip()
    if not question:
        raise bad_request("poll question must be non-empty")
    if len(question) > PollLimit.MAX_QUESTION_LENGTH:
        raise bad_request(f"poll question length must not exceed {PollLimit.MAX_QUESTION_LENGTH}")
    options = _option_texts(p.get("options"))
    poll_type = opt_str(p, "type") or "regular"
    if poll_type not in ("regular", "quiz"):
        raise bad_request("wrong poll type specified")
    correct = _correct_options(p, len(options))
    reply = reply_target(world, state, p)
    markup = inline_markup(p.get("reply_markup"))
    paid = opt_bool(p, "allow_paid_broadcast")  # counted against the paid ceiling
    world.limits.check(state.id, state.is_private, paid)
    poll = PollState(
        id=str(5_300_000_000_000_000_000 + world.next_id()),
        chat_id=state.id,
        message_id=state.next_message_id,
        question=question,
        options=options,
        is_anonymous=opt_bool(p, "is_anonymous", True),
        type=poll_type,
        allows_multiple_answers=opt_bool(p, "allows_multiple_answers"),
        allows_revoting=opt_bool(p, "allows_revoting", poll_type == "regular"),
        correct_option_ids=correct,
        is_closed=opt_bool(p, "is_closed"),
    )
    world.polls[poll.id] = poll
    message = world.store(
        state, from_user=world.bot, poll=poll.to_poll(), reply_to_message=reply, reply_markup=markup
    )
    world.limits.record(state.id, paid)
    return message.to_dict()


@method("stopPoll")
def stop_poll(world: World, p: dict[str, Any]) -> Any:
    """Close a poll the bot sent; answers the final Poll."""
    state = world.chat(p.get("chat_id"))
    missing = "message with poll to stop not found"
    message = world.message(state, opt_int(p, "message_id"), missing)
    if message.poll is None or message.poll.id not in world.polls:
        raise bad_request(missing)
    poll = world.polls[message.poll.id]
    if poll.is_closed:
        raise bad_request("poll has already been closed")
    poll.is_closed = True
    markup = inline_markup(p.get("reply_markup"))
    final = poll.to_poll()
    state.messages[message.message_id] = replace_message(
        message, poll=final.to_dict(), reply_markup=markup.to_dict() if markup else None
    )
    return final.to_dict()


def _stored_file(world: World, raw: Any, chat_id: int) -> StoredFile:
    if isinstance(raw, Upload):
        number = world.next_id()
        mime = raw.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(raw.filename)[0] or "application/octet-stream"
        extension = mimetypes.guess_extension(mime) or ""
        stored = StoredFile(
            file_id=f"BQACAgIAAxkBAAI{number:08d}",
            file_unique_id=f"AgAD{number:06d}",
            filename=raw.filename,
            mime_type=mime,
            data=raw.data,
            path=f"documents/file_{number}{extension}",
            chat_id=chat_id,
        )
        world.files[stored.file_id] = stored
        return stored
    if isinstance(raw, str) and raw in world.files:
        return world.files[raw]  # sending again by file_id
    if raw is None or raw == "":
        raise bad_request("there is no document in the request")
    raise bad_request("wrong file identifier/HTTP URL specified")


@method("sendDocument")
def send_document(world: World, p: dict[str, Any]) -> Any:
    """Post a file (multipart upload or a known file_id); tests can read the bytes back."""
    state = world.chat(p.get("chat_id"))
    stored = _stored_file(world, p.get("document"), state.id)
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
    paid = opt_bool(p, "allow_paid_broadcast")  # counted against the paid ceiling
    world.limits.check(state.id, state.is_private, paid)
    document = Document(
        file_id=stored.file_id,
        file_unique_id=stored.file_unique_id,
        file_name=stored.filename,
        mime_type=stored.mime_type,
        file_size=len(stored.data),
    )
    message = world.store(
        state,
        from_user=world.bot,
        document=document,
        caption=caption or None,
        caption_entities=entities,
        reply_to_message=reply,
        reply_markup=markup,
    )
    world.sent_documents.append((state.id, stored.file_id))
    world.limits.record(state.id, paid)
    return message.to_dict()


@method("getFile")
def get_file(world: World, p: dict[str, Any]) -> Any:
    """Where to download a stored file from (under /file/bot<token>/)."""
    stored = world.files.get(opt_str(p, "file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return File(
        file_id=stored.file_id,
        file_unique_id=stored.file_unique_id,
        file_size=len(stored.data),
        file_path=stored.path,
    ).to_dict()
