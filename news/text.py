"""Vietnamese text hygiene: NFC, entities, whitespace, and diacritic folding for matching."""

from __future__ import annotations

import html
import re
import unicodedata

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
