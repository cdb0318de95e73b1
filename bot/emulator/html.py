"""Telegram's HTML parse mode: markup to plain text plus entities with UTF-16 offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from telegram import MessageEntity


class EntityParseError(ValueError):
    """Markup Telegram would refuse with "can't parse entities"."""


_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
_TAG_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR = re.compile(r"\s*([a-zA-Z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")
_SPECIAL = re.compile(r"[<&]")
_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
# Entities inside which Telegram does not look for commands, mentions or links.
_OPAQUE = frozenset(
    {"code", "pre", "text_link", "text_mention", "url", "mention", "bot_command", "hashtag"}
)
_DETECT = (
    ("bot_command", re.compile(r"(?<![\w/])/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{3,32})?(?![\w/@])")),
    ("mention", re.compile(r"(?<![\w@])@[a-zA-Z0-9_]{4,32}(?![\w@])")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")),
    ("url", re.compile(r"(?<![\w/])https?://[^\s<>\"]+[^\s<>\".,;:!?)\]']")),
)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts offsets in."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    kind: str
    start: int
    byte_offset: int
    attrs: dict[str, str] = field(default_factory=dict)
    merged: bool = False  # <code class="language-x"> directly inside <pre>


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _parse_attrs(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _ATTR.finditer(raw):
        value = match.group(2) or ""
        if value[:1] in "\"'":
            value = value[1:-1]
        attrs[match.group(1).lower()] = _decode_entities(value)
    return attrs


def _decode_entities(text: str) -> str:
    if "&" not in text:
        return text
    return _ENTITY.sub(_entity_value, text)


def _entity_value(match: re.Match[str]) -> str:
    name = match.group(1)
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    # An unknown name stays literal, as Telegram keeps a bare "&".
    return _NAMED.get(name, match.group(0))


def _entity(open_tag: _Open, end: int) -> MessageEntity | None:
    length = end - open_tag.start
    if length <= 0 or open_tag.merged:
        return None
    attrs = open_tag.attrs
    if open_tag.kind == "text_link":
        href = attrs.get("href", "")
        if not href:
            return None
        return MessageEntity("text_link", open_tag.start, length, url=href)
    if open_tag.kind == "pre":
        return MessageEntity("pre", open_tag.start, length, language=attrs.get("language"))
    if open_tag.kind == "blockquote" and "expandable" in attrs:
        return MessageEntity("expandable_blockquote", open_tag.start, length)
    if open_tag.kind == "custom_emoji":
        return MessageEntity(
            "custom_emoji", open_tag.start, length, custom_emoji_id=attrs.get("emoji-id")
        )
    return MessageEntity(open_tag.kind, open_tag.start, length)


def _start_tag(source: str, index: int, stack: list[_Open], pos: int) -> tuple[_Open, int]:
    """Parse the start tag at source[index] == "<"; return it and the index after ">"."""
    name_match = _TAG_NAME.match(source, index + 1)
    name = name_match.group(0).lower() if name_match else ""
    if name not in _TAGS:
        raise EntityParseError(
            f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, index)}'
        )
    close = source.find(">", index)
    if close < 0:
        raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(source, index)}")
    assert name_match is not None
    attrs = _parse_attrs(source[name_match.end() : close].rstrip("/"))
    tag = _Open(name, _TAGS[name], pos, _byte_offset(source, index), attrs)
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise EntityParseError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {tag.byte_offset}'
        )
    language = attrs.get("class", "")
    if name == "code" and stack and stack[-1].tag == "pre" and language.startswith("language-"):
        stack[-1].attrs["language"] = language.removeprefix("language-")
        tag.merged = True
    return tag, close + 1


def _end_tag(source: str, index: int, stack: list[_Open]) -> tuple[_Open, int]:
    """Parse the end tag at source[index:] == "</"; return the tag it closes."""
    offset = _byte_offset(source, index)
    close = source.find(">", index)
    if close < 0:
        raise EntityParseError(f"Unclosed end tag at byte offset {offset}")
    name = source[index + 2 : close].strip().lower()
    if not stack:
        raise EntityParseError(f"Unexpected end tag at byte offset {offset}")
    if name != stack[-1].tag:
        raise EntityParseError(
            f'Unmatched end tag at byte offset {offset}, expected "</{stack[-1].tag}>", '
            f'found "</{name}>"'
        )
    return stack.pop(), close + 1


def parse_html(source: str) -> tuple[str, list[MessageEntity]]:
    """Turn HTML-formatted text into plain text and entities, or raise EntityParseError."""
    out: list[str] = []
    entities: list[MessageEntity] = []
    stack: list[_Open] = []
    pos = 0
    index = 0
    while index < len(source):
        special = _SPECIAL.search(source, index)
        end = special.start() if special else len(source)
        if end > index:
            chunk = source[index:end]
            out.append(chunk)
            pos += utf16_len(chunk)
            index = end
            continue
        if source[index] == "&":
            match = _ENTITY.match(source, index)
            chunk = _entity_value(match) if match else "&"
            index = match.end() if match else index + 1
            out.append(chunk)
            pos += utf16_len(chunk)
        elif source.startswith("</", index):
            closed, index = _end_tag(source, index, stack)
            entity = _entity(closed, pos)
            if entity is not None:
                entities.append(entity)
        else:
            opened, index = _start_tag(source, index, stack, pos)
            stack.append(opened)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e.offset, -e.length))
    return "".join(out), entities


def strip_text(text: str, entities: list[MessageEntity]) -> tuple[str, list[MessageEntity]]:
    """Trim surrounding whitespace as Telegram does, shifting and clipping entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    limit = utf16_len(stripped)
    kept: list[MessageEntity] = []
    for entity in entities:
        start = max(entity.offset - lead, 0)
        end = min(entity.offset + entity.length - lead, limit)
        if end > start:
            kept.append(_moved(entity, start, end - start))
    return stripped, kept


def _moved(entity: MessageEntity, offset: int, length: int) -> MessageEntity:
    data = entity.to_dict()
    data.update(offset=offset, length=length)
    moved = MessageEntity.de_json(data, None)
    assert moved is not None
    return moved


def detect_entities(text: str, explicit: list[MessageEntity] | None = None) -> list[MessageEntity]:
    """Add the commands, mentions, hashtags and links Telegram finds by itself."""
    found: list[MessageEntity] = list(explicit or ())
    if not any(ch in text for ch in "/@#:"):
        return found
    opaque = [(e.offset, e.offset + e.length) for e in found if e.type in _OPAQUE]
    ascii_text = text.isascii()
    for kind, pattern in _DETECT:
        for match in pattern.finditer(text):
            start, end = match.span()
            if not ascii_text:
                start, end = utf16_len(text[:start]), utf16_len(text[:end])
            if any(start < o_end and o_start < end for o_start, o_end in opaque):
                continue
            opaque.append((start, end))
            found.append(MessageEntity(kind, start, end - start))
    found.sort(key=lambda e: (e.offset, -e.length))
    return found
