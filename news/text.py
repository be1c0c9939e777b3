"""Vietnamese text hygiene: NFC, entities, whitespace, and diacritic folding for matching."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator

_SPACE = re.compile(r"\s+")
# Folding must map đ/Đ by hand: NFD does not decompose them.
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def nfc(text: str) -> str:
    """Precomposed (NFC) form: portals paste decomposed Vietnamese."""
    return unicodedata.normalize("NFC", text)


def clean(text: str | None) -> str:
    """Decode entities, NFC-normalise and collapse whitespace."""
    if not text:
        return ""
    text = html.unescape(text).replace("\u00a0", " ").replace("\u200b", "")
    return _SPACE.sub(" ", nfc(text)).strip()


def fold(text: str) -> str:
    """Lower-case, diacritic-free form for matching what people type ("Mường" -> "muong")."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", stripped.lower()).strip()


# A sentence ends at . ! ? or … (closing quotes/brackets may follow) before a space and a
# capital letter, digit or opening quote. Lower-case continuations ("tổ chức… qua đó") and
# abbreviations ("TP. Điện Biên Phủ") are not ends.
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s+[\"“‘«(\[]?(\w))")
_ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-ZĐ]|TP|Tp|TS|ThS|PGS|GS|BS|KS|CN|St|Mr|Ms|Q|P)$")
_ELLIPSIS = "…"


def summarize(body: str, limit: int = 300) -> str:
    """The first whole sentences of ``body`` that fit in ``limit`` characters.

    When even the first sentence is longer, it is cut at a word boundary and ends with "…"
    (the result never exceeds ``limit``).
    """
    text = clean(body)
    if len(text) <= limit:
        return text
    cut = 0
    for end in _sentence_ends(text):
        if end > limit:
            break
        cut = end
    if cut:
        return text[:cut]
    return _cut_at_word(text, limit)


def _sentence_ends(text: str) -> Iterator[int]:
    """Offsets just after each sentence end, in order (lazily: callers stop at their limit)."""
    for found in _SENTENCE_END.finditer(text):
        opens_sentence = found[1].isupper() or found[1].isdigit()
        before = text[max(found.start() - 6, 0) : found.start()]
        if opens_sentence and not _ABBREVIATION.search(before):
            yield found.end()


def _cut_at_word(text: str, limit: int) -> str:
    room = max(limit - len(_ELLIPSIS), 0)
    head = text[:room]
    if not text[room].isspace() and " " in head:  # cut mid-word: drop the partial word
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:-–—.") + _ELLIPSIS
