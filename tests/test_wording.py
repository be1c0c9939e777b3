"""What residents type, read as commands: the spellings they use, greetings, /stop's names."""

from __future__ import annotations

import pytest

from bot.wording import parse


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        # kí/ký, i/y, split or joined, with or without the slash.
        ("Đăng kí Pom Lót", "subscribe", "Pom Lót"),
        ("Đăng ký Pom Lót", "subscribe", "Pom Lót"),
        ("dang ki pom lot", "subscribe", "pom lot"),
        ("dangky Pom Lót", "subscribe", "Pom Lót"),
        ("dangki pom lot", "subscribe", "pom lot"),
        ("/dang ky Pom Lót", "subscribe", "Pom Lót"),
        ("/Đăng kí Pom Lót", "subscribe", "Pom Lót"),
        ("/dangki sam mun", "subscribe", "sam mun"),
        ("/dangky@LoaBot Sam Mứn", "subscribe", "Sam Mứn"),
        ("huỷ đăng kí Sam Mứn", "unsubscribe", "Sam Mứn"),
        ("/huy dang ky Sam Mứn", "unsubscribe", "Sam Mứn"),
        ("/tin moi 3", "latest", "3"),
        ("tinmoi", "latest", ""),
        ("/tim kiem lu quet", "search", "lu quet"),
        ("/ds xa", "communes", ""),
        ("/chu de", "topics", ""),
        ("/huong dan", "help", ""),
        # Greetings.
        ("xin chào", "greet", ""),
        ("Xin chao", "greet", ""),
        ("chào", "greet", ""),
        ("Chào Loa", "greet", "Loa"),
        ("hi", "greet", ""),
        ("Hello", "greet", ""),
        # A long message that starts with a greeting is a question, not a greeting.
        ("xin chào cho tôi hỏi lịch cắt điện tuần này", None, None),
        # /stop's Vietnamese names (it asks before deleting anything).
        ("/dung", "stop", ""),
        ("/dừng", "stop", ""),
        ("/stop", "stop", ""),
        ("dừng", "stop", ""),
        ("Dừng lại", "stop", ""),
        ("dung", "stop", ""),
        ("huỷ tất cả", "stop", ""),
        ("Hủy tất cả", "stop", ""),
        ("huy tat ca", "stop", ""),
        ("đúng", None, None),  # "right" folds like "dừng": never asks to stop
        ("dừng xe", None, None),  # only the whole message names /stop
        # Still what they were.
        ("Hủy đăng ký tất cả", "unsubscribe", "tất cả"),
        ("/huydangky tatca", "unsubscribe", "tatca"),
        ("tôi muốn đăng ký", None, None),
        ("/thongbao Dòng một\nDòng hai", "broadcast", "Dòng một\nDòng hai"),
    ],
)
def test_parse(text: str, name: str | None, args: str | None) -> None:
    parsed_name, parsed_args = parse(text)
    assert parsed_name == name
    assert parsed_args == (text if args is None else args)
