"""A picture with words under it, where the words always reach the chat.

Telegram keeps a caption to 1,024 characters (counted after the HTML is parsed). Words that fit
go under the picture as one message; longer words go first as their own message, and the
picture follows with a short caption (so a picture that fails never costs the words). When there is no picture, or Telegram refuses it (a bad
request: sending it again would not help), the words go out alone, as they did before there
were pictures. Any other failure (429, 403, a timeout) is the caller's, as for a message.
"""

from __future__ import annotations

import html
import logging
import re

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message
from telegram.constants import MessageLimit
from telegram.error import TelegramError

from bot.kernel.telegram.outcomes import Outcome, classify

log = logging.getLogger(__name__)

_TAG = re.compile(r"<[^>]*>")


def visible_length(text: str) -> int:
    """How long Telegram counts an HTML text: tags dropped, entities read, in UTF-16 units."""
    plain = html.unescape(_TAG.sub("", text))
    return len(plain.encode("utf-16-le")) // 2


def fits_a_caption(text: str) -> bool:
    """Tell whether the words can go under a picture in one message."""
    return visible_length(text) <= MessageLimit.CAPTION_LENGTH


async def send_with_picture(
    bot: Bot,
    chat_id: int,
    *,
    picture: bytes | None,
    text: str,
    short: str,
    reply_markup: InlineKeyboardMarkup | None = None,
    filename: str = "picture.png",
) -> Message:
    """Send ``text`` under ``picture`` in one message when it fits; return the message that
    carries the words and the buttons."""
    if picture is not None and fits_a_caption(text):
        try:
            return await bot.send_photo(
                chat_id,
                InputFile(picture, filename=filename),
                caption=text,
                reply_markup=reply_markup,
            )
        except TelegramError as exc:
            if classify(exc).outcome != Outcome.REFUSED:
                raise
            log.warning(
                "chat %s: Telegram refused a picture (%s); the words go alone", chat_id, exc
            )
            picture = None
    words = await bot.send_message(chat_id, text, reply_markup=reply_markup)
    if picture is not None:
        # The words are out: the picture follows with a short caption, and whatever becomes of
        # it, the words are not sent again.
        try:
            await bot.send_photo(chat_id, InputFile(picture, filename=filename), caption=short)
        except TelegramError as exc:
            log.warning("chat %s: the picture after a long text was not sent: %s", chat_id, exc)
    return words
