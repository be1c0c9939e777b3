"""Telegram's HTML parse mode, as strictly as the Bot API server applies it.

``parse_html(text)`` returns the plain text and its entities (offsets in UTF-16 code units), or
raises ``EntityError`` with a message shaped like the server's ("... at byte offset N").
Stricter than Telegram on one point: a bare ``&`` that starts no entity is refused, because Loa
must escape every field.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

# Tag → entity type; attributes allowed per tag.
TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_START = re.compile(
    r"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
)
_END = re.compile(r"</([a-zA-Z][a-zA-Z0-9-]*)\s*>")
_ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|lt;|gt;|amp;|quot;)")


class EntityError(ValueError):
    """The text is not valid Telegram HTML."""


@dataclass
class Parsed:
    text: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _offset(raw: str, index: int) -> int:
    return len(raw[:index].encode("utf-8"))


def _attrs(source: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in _ATTR.findall(source):
        found[name.lower()] = html.unescape(value.strip("\"'")) if value else ""
    return found


class _Parser:
    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.out: list[str] = []
        self.utf16 = 0
        self.stack: list[tuple[str, int, dict[str, str]]] = []
        self.result = Parsed()

    def run(self) -> Parsed:
        i = 0
        while i < len(self.raw):
            ch = self.raw[i]
            if ch == "<":
                i = self._tag(i)
            elif ch == "&":
                i = self._entity(i)
            elif ch == ">":
                raise EntityError(
                    f"Character '>' is reserved at byte offset {_offset(self.raw, i)}"
                )
            else:
                self._emit(ch)
                i += 1
        if self.stack:
            raise EntityError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1][0]}"'
            )
        self.result.text = "".join(self.out)
        return self.result

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.utf16 += _utf16_len(text)

    def _entity(self, i: int) -> int:
        match = _ENTITY.match(self.raw, i)
        if not match:
            raise EntityError(
                f"Character '&' must be escaped as &amp; at byte offset {_offset(self.raw, i)}"
            )
        self._emit(html.unescape(match.group(0)))
        return match.end()

    def _tag(self, i: int) -> int:
        end = _END.match(self.raw, i)
        if end:
            self._close(end.group(1).lower(), i)
            return end.end()
        start = _START.match(self.raw, i)
        if not start:
            raise EntityError(f"Unexpected start tag at byte offset {_offset(self.raw, i)}")
        name = start.group(1).lower()
        attrs = _attrs(start.group(2))
        if name not in TAGS or (name == "span" and attrs.get("class") != "tg-spoiler"):
            raise EntityError(
                f'Unsupported start tag "{name}" at byte offset {_offset(self.raw, i)}'
            )
        if name == "a" and not attrs.get("href"):
            raise EntityError(f"Empty href in a tag at byte offset {_offset(self.raw, i)}")
        self.stack.append((name, self.utf16, attrs))
        return start.end()

    def _close(self, name: str, i: int) -> None:
        if not self.stack:
            raise EntityError(f'Unexpected end tag "{name}" at byte offset {_offset(self.raw, i)}')
        open_name, begin, attrs = self.stack.pop()
        if open_name != name:
            raise EntityError(
                f"Unmatched end tag at byte offset {_offset(self.raw, i)}, "
                f'expected "</{open_name}>", found "</{name}>"'
            )
        if self.utf16 > begin:
            entity: dict[str, Any] = {
                "type": TAGS[name],
                "offset": begin,
                "length": self.utf16 - begin,
            }
            if name == "a":
                entity["url"] = attrs["href"]
            self.result.entities.append(entity)


def parse_html(raw: str) -> Parsed:
    """Plain text and entities of ``raw``; ``EntityError`` when Telegram would refuse it."""
    return _Parser(raw).run()


def code_points(text: str) -> int:
    """Telegram's length unit for the 4096 limit (TDLib's utf8_length)."""
    return len(text)
