"""Numbered choices for channels without buttons (Zalo, the console).

A reply's buttons become numbered lines ending with "Trả lời 1, 2 hoặc 3"; the chat's next
message, when it is one of those numbers, a button's label ("Gửi") or a unique part of one
("Mường Phăng" among "xã Mường Phăng", "xã Mường Nhé"), becomes the button press. Any other
message ends the question: numbers always refer to the latest choices.

Usage in an adapter::

    incoming = choices.answer(incoming)            # "2" -> callback_data of choice 2
    for reply in await commands.handle(incoming):
        await channel.send(chat_id, choices.present(chat_id, reply))
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import replace
from html import escape

from bot import texts
from bot.channel import Incoming, Reply
from bot.wording import parse
from news.text import fold

_NOT_WORD = re.compile(r"[^0-9a-z]+")
# Yes to a "Có phải … không?" question (folded): its one button, as if pressed.
YES = frozenset(
    {"co", "dung", "dung roi", "dung vay", "dung a", "vang", "vang a", "da vang", "da dung",
     "phai", "phai roi", "co a", "u", "uh", "um", "yes", "ok", "ok a", "da"}
)  # fmt: skip


def _key(text: str) -> str:
    return _NOT_WORD.sub(" ", fold(text)).strip()


def numbered(reply: Reply) -> tuple[Reply, dict[str, str]]:
    """``reply`` with its buttons as numbered lines, and what each answer means (number or
    label → callback data); a reply without buttons is returned as it is."""
    buttons = [button for row in reply.buttons for button in row]
    if not buttons:
        return reply, {}
    answers: dict[str, str] = {}
    lines = []
    for number, button in enumerate(buttons, start=1):
        answers[str(number)] = button.data
        answers.setdefault(_key(button.label), button.data)
        lines.append(f"{number}. {escape(button.label)}")
    prompt = f"<i>{texts.answer_by_number(len(buttons))}</i>"
    head = [reply.html, ""] if reply.html else []
    return Reply("\n".join([*head, *lines, prompt])), answers


def pick(answers: dict[str, str] | None, text: str) -> str | None:
    """The callback data ``text`` chooses among ``answers``, if any: a number, a label, or,
    in a list of several, a unique part of a label in whole words ("Mường Phăng" for "xã Mường
    Phăng"); not a message that is a command of its own ("tin mới" is no "Xem 3 tin mới")."""
    if not answers:
        return None
    typed = _key(text)
    if typed in answers:
        return answers[typed]
    labels = {label: data for label, data in answers.items() if not label.isdigit()}
    if typed in YES and len(labels) == 1 and next(iter(labels.values())).startswith("cmd:"):
        return next(iter(labels.values()))  # "Có phải …?" answered "đúng", "vâng", "có"
    if len(labels) < 2 or len(typed) < 3 or typed.isdigit() or parse(text)[0] is not None:
        return None  # a single button ("Đăng ký nhận tin xã X") is no list to pick from
    found = {data for label, data in labels.items() if f" {typed} " in f" {label} "}
    return found.pop() if len(found) == 1 else None


def as_press(incoming: Incoming, data: str | None) -> Incoming:
    """``incoming`` as the press of the button ``data`` (unchanged when None)."""
    if data is None:
        return incoming
    return replace(incoming, text="", callback_data=data)


class NumberedChoices:
    """Remembers, per chat, which number means which button; bounded, oldest chats forgotten."""

    def __init__(self, max_chats: int = 10_000) -> None:
        self._max_chats = max_chats
        self._pending: OrderedDict[str, dict[str, str]] = OrderedDict()

    def present(self, chat_id: str, reply: Reply) -> Reply:
        """``reply`` without buttons: its choices appended as numbered lines, and remembered."""
        shown, answers = numbered(reply)
        if answers:
            self._remember(chat_id, answers)
        return shown

    def take(self, chat_id: str, text: str) -> str | None:
        """The callback data ``text`` chooses, if any; the chat's question ends either way."""
        return pick(self._pending.pop(chat_id, None), text)

    def answer(self, incoming: Incoming) -> Incoming:
        """``incoming`` as a button press when its text answers the chat's latest choices."""
        if incoming.callback_data is not None:
            return incoming
        return as_press(incoming, self.take(incoming.chat_id, incoming.text))

    def _remember(self, chat_id: str, answers: dict[str, str]) -> None:
        self._pending[chat_id] = answers
        self._pending.move_to_end(chat_id)
        while len(self._pending) > self._max_chats:
            self._pending.popitem(last=False)
