"""Message text formatting the way Telegram applies it: HTML parse mode, trimming, limits.

The HTML parser follows Telegram's own rules (and error messages) closely enough that a
message Telegram would reject is rejected here too: only the supported tags, properly
nested, and only the `&lt; &gt; &amp; &quot;` named entities plus numeric ones.
Entity offsets and lengths are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ApiError

MAX_TEXT_LENGTH = 4096

ENTITY_TYPES: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_NAME_TOKEN_RE = re.compile(r"[A-Za-z0-9.\-]*")

Entity = dict[str, Any]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _fail(detail: str) -> ApiError:
    return ApiError.bad_request(f"can't parse entities: {detail}")


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode the HTML entity at text[pos] ("&"); return (character, new position) or None."""
    match = _ENTITY_RE.match(text, pos)
    if match is None:
        return None
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        if name not in NAMED_ENTITIES:
            return None
        return NAMED_ENTITIES[name], match.end()
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def _parse_start_tag(text: str, start: int) -> tuple[str, dict[str, str], int]:
    """Parse `<name attr=value ...>` at text[start]; return (name, attributes, end index)."""
    n = len(text)
    i = start + 1
    while i < n and not text[i].isspace() and text[i] != ">":
        i += 1
    if i >= n:
        raise _fail(f"Unclosed start tag at byte offset {_byte_offset(text, start)}")
    name = text[start + 1 : i].lower()
    if name not in ENTITY_TYPES:
        raise _fail(f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, start)}')
    attributes: dict[str, str] = {}
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise _fail(f"Unclosed start tag at byte offset {_byte_offset(text, start)}")
        if text[i] == ">":
            return name, attributes, i + 1
        attr_start = i
        while i < n and not text[i].isspace() and text[i] not in "=>":
            i += 1
        attr_name = text[attr_start:i].lower()
        while i < n and text[i].isspace():
            i += 1
        if i >= n or text[i] != "=":
            if name == "blockquote" and attr_name == "expandable":
                attributes[attr_name] = ""
                continue
            raise _fail(
                f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                f"at byte offset {_byte_offset(text, start)}"
            )
        i += 1
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise _fail(f"Unclosed start tag at byte offset {_byte_offset(text, start)}")
        if text[i] in "'\"":
            quote = text[i]
            value_start = i
            i += 1
            chars: list[str] = []
            while i < n and text[i] != quote:
                decoded = _decode_entity(text, i) if text[i] == "&" else None
                if decoded is not None:
                    chars.append(decoded[0])
                    i = decoded[1]
                else:
                    chars.append(text[i])
                    i += 1
            if i >= n:
                raise _fail(f"Unclosed start tag at byte offset {_byte_offset(text, value_start)}")
            i += 1
            value = "".join(chars)
        else:
            token = _NAME_TOKEN_RE.match(text, i)
            assert token is not None
            if token.end() >= n or not (text[token.end()].isspace() or text[token.end()] == ">"):
                raise _fail(f"Unexpected end of name token at byte offset {_byte_offset(text, i)}")
            value = token.group().lower()
            i = token.end()
        attributes[attr_name] = value


def _entity_for(name: str, attributes: dict[str, str], offset: int, length: int) -> Entity:
    entity: Entity = {"type": ENTITY_TYPES[name], "offset": offset, "length": length}
    if name == "a":
        entity["url"] = attributes.get("href", "")
    elif name == "code" and attributes.get("class", "").startswith("language-"):
        entity["language"] = attributes["class"].removeprefix("language-")
    elif name == "blockquote" and "expandable" in attributes:
        entity["type"] = "expandable_blockquote"
    elif name == "tg-emoji":
        entity["custom_emoji_id"] = attributes.get("emoji-id", "")
    return entity


def parse_html(text: str) -> tuple[str, list[Entity]]:
    """Return the plain text and the message entities of an HTML-formatted text."""
    out: list[str] = []
    out_len = 0  # UTF-16 length of the output so far
    stack: list[tuple[str, dict[str, str], int]] = []
    entities: list[Entity] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            decoded = _decode_entity(text, i)
            piece, i = decoded if decoded is not None else ("&", i + 1)
        elif char != "<":
            j = i + 1
            while j < n and text[j] not in "<&":
                j += 1
            piece, i = text[i:j], j
        elif i + 1 < n and text[i + 1] == "/":
            if not stack:
                raise _fail(f"Unexpected end tag at byte offset {_byte_offset(text, i)}")
            j = i + 2
            while j < n and not text[j].isspace() and text[j] != ">":
                j += 1
            end_name = text[i + 2 : j].lower()
            while j < n and text[j].isspace():
                j += 1
            if j >= n or text[j] != ">":
                raise _fail(f"Unclosed end tag at byte offset {_byte_offset(text, i)}")
            name, attributes, start = stack.pop()
            if end_name and end_name != name:
                raise _fail(
                    f"Unmatched end tag at byte offset {_byte_offset(text, i)}, "
                    f'expected "</{name}>", found "</{end_name}>"'
                )
            if name == "span" and attributes.get("class") != "tg-spoiler":
                raise _fail('Tag "span" must have class "tg-spoiler"')
            entity = _entity_for(name, attributes, start, out_len - start)
            if name == "pre" and entities and entities[-1]["type"] == "code":
                inner = entities[-1]
                if (inner["offset"], inner["length"]) == (start, out_len - start):
                    entities.pop()
                    if "language" in inner:
                        entity["language"] = inner["language"]
            if entity["length"] > 0:
                entities.append(entity)
            i = j + 1
            continue
        else:
            name, attributes, i = _parse_start_tag(text, i)
            stack.append((name, attributes, out_len))
            continue
        out.append(piece)
        out_len += utf16_len(piece)
    if stack:
        raise _fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Strip surrounding whitespace like Telegram does, keeping entity offsets right."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    kept: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def format_text(
    raw: Any,
    parse_mode: Any,
    entities: Any,
    *,
    what: str = "message text",
    limit: int = MAX_TEXT_LENGTH,
    too_long: str = "message is too long",
) -> tuple[str, list[Entity]]:
    """Validate and format a message text (or caption); return the plain text and its entities."""
    if not isinstance(raw, str) or not raw:
        raise ApiError.bad_request(f"{what} is empty")
    mode = parse_mode.lower() if isinstance(parse_mode, str) else ""
    if mode == "html":
        plain, found = parse_html(raw)
    elif mode in ("", "markdown", "markdownv2"):
        # Markdown is accepted but not interpreted: the plain text equals the raw text.
        plain, found = raw, list(entities) if isinstance(entities, list) else []
    else:
        raise ApiError.bad_request("unsupported parse_mode")
    plain, found = trim(plain, found)
    if not plain:
        raise ApiError.bad_request(f"{what} is empty")
    if len(plain) > limit:
        raise ApiError.bad_request(too_long)
    return plain, found
