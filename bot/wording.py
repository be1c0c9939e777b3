"""What residents type, read as a command: names, Vietnamese aliases and plain phrases.

Typed text is folded (no diacritics, lower case), so "/Đăng ký", "/dangky" and "dang ky" are one
command. Commands that delete data or reach every resident answer only to an explicit "/".
"""

from __future__ import annotations

from news.text import fold, nfc

# Command names and aliases (folded) -> canonical name.
ALIASES: dict[str, str] = {
    "start": "start",
    "batdau": "start",
    "help": "help",
    "huongdan": "help",
    "trogiup": "help",
    "subscribe": "subscribe",
    "dangky": "subscribe",
    "unsubscribe": "unsubscribe",
    "huydangky": "unsubscribe",
    "huy": "unsubscribe",
    "subscriptions": "subscriptions",
    "cuatoi": "subscriptions",
    "communes": "communes",
    "dsxa": "communes",
    "topics": "topics",
    "chude": "topics",
    "latest": "latest",
    "tinmoi": "latest",
    "search": "search",
    "timkiem": "search",
    "stop": "stop",
    "broadcast": "broadcast",
    "thongbao": "broadcast",
    "emergency": "emergency",
    "canhbao": "emergency",
    "id": "id",
    "toi": "id",
}
# Never triggered by plain words: they delete data or reach every resident.
EXPLICIT_ONLY = frozenset({"stop", "broadcast", "emergency"})
# Aliases that are everyday words: as a plain first word ("tôi muốn…") they mean no command.
SLASH_ONLY_ALIASES = frozenset({"toi"})

# Plain words that work without "/" (folded phrases, longest first).
PHRASES: list[tuple[tuple[str, ...], str]] = sorted(
    [
        (("huy", "dang", "ky"), "unsubscribe"),
        (("bo", "dang", "ky"), "unsubscribe"),
        (("dang", "ky"), "subscribe"),
        (("tin", "moi"), "latest"),
        (("tin", "moi", "nhat"), "latest"),
        (("tim", "kiem"), "search"),
        (("tim",), "search"),
        (("huong", "dan"), "help"),
        (("tro", "giup"), "help"),
        (("danh", "sach", "xa"), "communes"),
        (("ds", "xa"), "communes"),
        (("chu", "de"), "topics"),
        (("cua", "toi"), "subscriptions"),
        (("bat", "dau"), "start"),
        *(
            ((alias,), name)
            for alias, name in ALIASES.items()
            if name not in EXPLICIT_ONLY and alias not in SLASH_ONLY_ALIASES
        ),
    ],
    key=lambda entry: -len(entry[0]),
)


def parse(text: str) -> tuple[str | None, str]:
    """(canonical command, arguments) of a message; the command is None when none matches."""
    text = nfc(text).strip()
    if text.startswith("/"):
        word, _, rest = text[1:].partition(" ")
        name = fold(word.split("@", 1)[0])  # "/start@LoaBot" in groups
        return ALIASES.get(name), rest.strip()
    words = text.split()
    folded = [fold(word) for word in words]
    for phrase, name in PHRASES:
        if tuple(folded[: len(phrase)]) == phrase:
            return name, " ".join(words[len(phrase) :])
    return None, text
