"""HTML bytes to a parsed tree and to lines of clean text, the way a reader sees the page.

Extraction works on lines: a block element (paragraph, list item, table cell, ``<br>``) ends a
line, inline markup (``<strong>``, ``<a>``) does not, and scripts, forms' widgets and comments
are never text. Every line goes through :func:`news.text.clean` (NFC, entities, whitespace).
"""

from __future__ import annotations

import codecs
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from news.text import clean

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_SNIFF_BYTES = 4096

_BLOCK = frozenset(
    "address article aside blockquote br caption center dd div dl dt figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th "
    "thead tr ul".split()
)
_NOT_TEXT = frozenset(
    "button embed head iframe input map noscript object option script select style svg "
    "template textarea title".split()
)


class SelectorError(ValueError):
    """A configured CSS selector cannot be parsed."""


def decode_html(data: bytes | str, encoding: str | None = None) -> str:
    """Text of an HTML document: ``encoding`` (from HTTP) wins, then a BOM, then ``<meta>``.

    Falls back to UTF-8; undecodable bytes become U+FFFD rather than failing the page.
    """
    if isinstance(data, str):
        return data
    for name in (encoding, _bom(data), _declared_charset(data)):
        codec = _codec(name)
        if codec:
            return data.decode(codec, errors="replace")
    return data.decode("utf-8", errors="replace")


def parse_html(data: bytes | str, encoding: str | None = None) -> LexborHTMLParser:
    return LexborHTMLParser(decode_html(data, encoding))


def select(node: LexborHTMLParser | LexborNode, css: str) -> list[LexborNode]:
    """Nodes matching ``css`` in document order; a bad selector is a :class:`SelectorError`."""
    try:
        return list(node.css(css))
    except SelectolaxError as exc:
        raise SelectorError(f"invalid CSS selector {css!r}") from exc


def outermost(nodes: list[LexborNode]) -> list[LexborNode]:
    """``nodes`` without those nested in another one (``a, a b`` must not repeat text)."""
    kept: list[LexborNode] = []
    taken: set[int] = set()
    for node in nodes:
        if not any(parent.mem_id in taken for parent in _ancestors(node)):
            kept.append(node)
            taken.add(node.mem_id)
    return kept


def text_lines(root: LexborNode) -> list[str]:
    """The non-empty lines of text under ``root``, in reading order."""
    lines: list[str] = []
    buffer: list[str] = []
    # Iterative walk (deeply nested junk markup must not hit the recursion limit);
    # None marks the end of a block element.
    stack: list[LexborNode | None] = list(reversed(list(root.iter(include_text=True))))
    while stack:
        node = stack.pop()
        if node is None:
            _flush(buffer, lines)
            continue
        tag = node.tag or ""
        if tag == "-text":
            buffer.append(node.text_content or "")
        elif tag in _NOT_TEXT or tag.startswith("-"):
            continue
        else:
            if tag in _BLOCK:
                _flush(buffer, lines)
                stack.append(None)
            stack.extend(reversed(list(node.iter(include_text=True))))
    _flush(buffer, lines)
    return lines


def node_text(node: LexborNode) -> str:
    """All text of ``node`` on one clean line."""
    return clean(" ".join(text_lines(node)))


def _flush(buffer: list[str], lines: list[str]) -> None:
    if not buffer:
        return
    joined = "".join(buffer)
    buffer.clear()
    if joined and not joined.isspace():  # most flushes are layout whitespace: skip clean()
        text = clean(joined)
        if text:
            lines.append(text)


def _ancestors(node: LexborNode) -> list[LexborNode]:
    found = []
    parent = node.parent
    while parent is not None:
        found.append(parent)
        parent = parent.parent
    return found


def _bom(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _declared_charset(data: bytes) -> str | None:
    found = _META_CHARSET.search(data[:_SNIFF_BYTES])
    return found.group(1).decode("ascii", errors="ignore") if found else None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
