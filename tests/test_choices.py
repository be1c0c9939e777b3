"""Numbered choices: buttons as text for channels without them, and answers back to buttons."""

from __future__ import annotations

import pytest

from bot.channel import Button, Incoming, Reply
from bot.choices import NumberedChoices

REPLY = Reply(
    "Chọn <b>một</b>:",
    buttons=[
        [Button("Sam Mứn", "sub:c:Sam Mứn"), Button("Thanh An", "sub:c:Thanh An")],
        [Button("Cảnh báo – Thiên tai", "sub:t:canh-bao")],
    ],
)


def test_present_numbers_the_buttons() -> None:
    shown = NumberedChoices().present("c1", REPLY)
    assert shown.buttons == []
    assert shown.html == (
        "Chọn <b>một</b>:\n\n1. Sam Mứn\n2. Thanh An\n3. Cảnh báo – Thiên tai\n"
        "<i>Trả lời 1, 2 hoặc 3</i>"
    )


def test_reply_without_buttons_is_unchanged() -> None:
    reply = Reply("Xin chào")
    assert NumberedChoices().present("c1", reply) is reply


@pytest.mark.parametrize(
    ("answer", "data"),
    [
        ("2", "sub:c:Thanh An"),
        (" 3 ", "sub:t:canh-bao"),
        ("sam mun", "sub:c:Sam Mứn"),
        ("Cảnh báo - thiên tai", "sub:t:canh-bao"),
        ("4", None),
        ("0", None),
        ("hello", None),
    ],
)
def test_take_maps_numbers_and_labels(answer: str, data: str | None) -> None:
    choices = NumberedChoices()
    choices.present("c1", REPLY)
    assert choices.take("c1", answer) == data


def test_an_answer_is_taken_once_and_only_in_its_chat() -> None:
    choices = NumberedChoices()
    choices.present("c1", REPLY)
    assert choices.take("c2", "1") is None
    assert choices.take("c1", "hello") is None  # any other message ends the question
    assert choices.take("c1", "1") is None


def test_answer_turns_text_into_a_button_press() -> None:
    choices = NumberedChoices()
    choices.present("c1", REPLY)
    pressed = choices.answer(Incoming(channel="zalo", chat_id="c1", user_id="u", text="1"))
    assert pressed.callback_data == "sub:c:Sam Mứn" and pressed.text == ""
    typed = choices.answer(Incoming(channel="zalo", chat_id="c1", user_id="u", text="1"))
    assert typed.callback_data is None and typed.text == "1"


def test_oldest_chats_are_forgotten() -> None:
    choices = NumberedChoices(max_chats=2)
    for chat in ("a", "b", "c"):
        choices.present(chat, REPLY)
    assert choices.take("a", "1") is None
    assert choices.take("c", "1") == "sub:c:Sam Mứn"


@pytest.mark.parametrize(
    ("count", "prompt"),
    [(1, "Trả lời 1"), (2, "Trả lời 1 hoặc 2"), (7, "Trả lời một số từ 1 đến 7")],
)
def test_prompt_wording(count: int, prompt: str) -> None:
    reply = Reply("?", buttons=[[Button(f"B{n}", f"d{n}")] for n in range(count)])
    assert NumberedChoices().present("c", reply).html.endswith(f"<i>{prompt}</i>")
