"""What residents type, read as a command: names, Vietnamese aliases and plain phrases.

Typed text is folded (no diacritics, lower case), "y" read as "i" (kí/ký) and words joined, so
"/Đăng ký", "/dangky", "/dang ky", "dang ki" and "Đăng kí" are one command. Commands that reach
every resident answer only to an explicit "/"; /stop also answers to a few whole messages
("dừng", "hủy tất cả"), since it asks before deleting anything. Greetings ("xin chào", "hi")
are a command of their own.
"""

from __future__ import annotations

import re
from datetime import time

from news.intent_model import fallback
from news.intent_model import load as intent_model
from news.intents import ALL, UNKNOWN, Intent, IntentParser
from news.resolve import Resolver
from news.spoken_time import bulletin_argument, quiet_argument
from news.text import fold, nfc

# Command names and aliases (folded) -> canonical name.
ALIASES: dict[str, str] = {
    "start": "start",
    "batdau": "start",
    "help": "help",
    "huongdan": "help",
    "trogiup": "help",
    "gioithieu": "info",
    "info": "info",
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
    "bantin": "bulletin",  # "bản tin", as the commune loudspeaker's daily bulletin
    "digest": "bulletin",
    "yentinh": "quiet",
    "quiet": "quiet",
    "id": "id",
    "toi": "id",
    "admin": "admin",
    "quantri": "admin",
    "dung": "stop",
    "dunglai": "stop",
}
# "/huydangky tatca" and its other spellings drop every choice (``bot.subscribing``).
CLEAR_WORDS = frozenset({"all", "tatca", "tat ca", "het", "tat ca moi thu"})
# Commands whose handler resolves its argument to one commune or topic (``bot.subscribing``).
RESOLVING = frozenset({"subscribe", "unsubscribe"})
# Commands whose argument is a time or a window (``bot.rhythm``).
TIMED = frozenset({"bulletin", "quiet"})
# Commands that take no argument: words after them are no part of the request.
NO_ARGUMENT = frozenset({"start", "greet", "help", "info", "communes", "topics", "subscriptions"})
# Never triggered by plain words: they delete data or reach every resident.
EXPLICIT_ONLY = frozenset({"admin", "stop", "broadcast", "emergency"})
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
        (("xin", "chao"), "greet"),
        (("chao",), "greet"),
        (("hi",), "greet"),
        (("hello",), "greet"),
        (("alo",), "greet"),
        *(
            ((alias,), name)
            for alias, name in ALIASES.items()
            if name not in EXPLICIT_ONLY and alias not in SLASH_ONLY_ALIASES
        ),
    ],
    key=lambda entry: -len(entry[0]),
)


# Whole messages that name /stop (it asks before deleting): as spelled, or typed without
# diacritics ("đúng", "right", folds like "dừng" and must not ask).
STOP_MESSAGES = frozenset({"dừng", "dừng lại", "dừng nhận tin", "hủy tất cả", "huỷ tất cả"})
# A greeting counts when the message is short ("chào Loa"); a long one is a question.
GREETING_MAX_WORDS = 4
_WORD = re.compile(r"\S+")
_LONGEST = 4  # words in the longest alias or phrase ("tin moi nhat", "huy dang ky")


def _joined(words: list[str]) -> str:
    """How words are compared: folded, joined, "y" read as "i" ("Đăng kí" = "dangky")."""
    return fold("".join(words)).replace("y", "i")


def parse(text: str) -> tuple[str | None, str]:
    """(canonical command, arguments) of a message; the command is None when none matches.

    The arguments keep their line breaks (a broadcast's text is written on several lines).
    """
    text = nfc(text).strip()
    if text.startswith("/"):
        text = text[1:]
        first = _WORD.match(text)
        if first:  # "/start@LoaBot" in groups
            text = first.group().split("@", 1)[0] + text[first.end() :]
        commands = {_joined([alias]): name for alias, name in ALIASES.items()}
        commands |= {_joined(list(words)): name for words, name in PHRASES}
        return _match(text, commands) or (None, _after(text, 1))
    lower = " ".join(text.lower().split())
    if lower in STOP_MESSAGES or (lower.isascii() and lower in {fold(m) for m in STOP_MESSAGES}):
        return "stop", ""
    found = _match(text, {_joined(list(words)): name for words, name in PHRASES})
    if found and found[0] == "greet" and len(text.split()) > GREETING_MAX_WORDS:
        return None, text
    return found or (None, text)


def _match(text: str, names: dict[str, str]) -> tuple[str, str] | None:
    """The longest run of leading words of ``text`` that names a command, and the rest."""
    words = [found.group() for found in _WORD.finditer(text, 0)][:_LONGEST]
    for count in range(len(words), 0, -1):
        name = names.get(_joined(words[:count]))
        if name:
            return name, _after(text, count)
    return None


def _after(text: str, count: int) -> str:
    """``text`` after its first ``count`` words, stripped (inner line breaks kept)."""
    words = list(_WORD.finditer(text))
    return text[words[count - 1].end() :].strip() if len(words) >= count else ""


def routed(text: str) -> tuple[str | None, str] | None:
    """The command a message goes to before the intent parser reads it: every "/" command
    (None when unknown) and the whole messages that name /stop; None for everything else."""
    name, args = parse(text)
    return (name, args) if nfc(text).lstrip().startswith("/") or name == "stop" else None


def command_intent(name: str, args: str, resolver: Resolver) -> Intent:
    """A command as its handler reads its argument: /dangky and /huydangky resolve it
    (``ChoiceFlow.subscribe``/``unsubscribe``: the choice when it names exactly one; for
    /huydangky "tatca" and its spellings drop every choice); the others take it as typed."""
    if name in NO_ARGUMENT:  # "bắt đầu đi loa, gửi tin cho tôi", "xin chào các bạn"
        return Intent(name)
    if name in TIMED and args:  # "/digest 21h" is 21:00, as /bantin reads it
        read = (bulletin_argument if name == "bulletin" else quiet_argument)(args)
        shown = f"{read:%H:%M}" if isinstance(read, time) else str(read) if read else args
        return Intent(name, shown)
    if name not in RESOLVING or not args:
        return Intent(name, args)
    if name == "unsubscribe" and fold(args) in CLEAR_WORDS:
        return Intent(name, ALL)
    return Intent(name, args, resolver.resolve(args).choice)


def meaning(text: str, parser: IntentParser, *, learned: bool = True) -> Intent:
    """What ``bot.commands.Commands`` makes of a message, as an intent: a routed command (its
    argument read as its handler reads it, ``command_intent``), else the parser's reading,
    else a command word the parser does not know ("id", "dsxa"), else (``learned``) what the
    learned fallback proposes for words the rules did not understand (``news.intent_model``:
    asked back when it would change what the resident receives); an unknown "/" command is
    ``UNKNOWN``."""
    command = routed(text)
    if command is not None:
        name, args = command
        return command_intent(name, args, parser.resolver) if name else Intent(UNKNOWN, args)
    intent = parser.parse(text)
    name, args = parse(text)
    if intent.name == UNKNOWN and intent.guess is None and name is not None:
        return command_intent(name, args, parser.resolver)  # its handler resolves the argument
    if not learned:
        return intent
    return fallback(intent, text, intent_model(), parser.normalised(text))
