"""Resolving what residents type."""

from __future__ import annotations

import pytest

from news.gazetteer_data import load_gazetteer
from news.resolve import Choice, ChoiceKind, Resolver
from news.topics import build_taxonomy

C = ChoiceKind.COMMUNE
T = ChoiceKind.TOPIC


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(load_gazetteer("Điện Biên"), build_taxonomy())


@pytest.mark.parametrize(
    ("typed", "choice"),
    [
        ("pom lot", Choice(C, "Sam Mứn", "xã Sam Mứn", old_name="xã Pom Lót")),
        ("Xã Pom Lót", Choice(C, "Sam Mứn", "xã Sam Mứn", old_name="xã Pom Lót")),
        ("x. na u", Choice(C, "Sam Mứn", "xã Sam Mứn", old_name="xã Na Ư")),
        ("PHUONG MUONG THANH", Choice(C, "Mường Thanh", "phường Mường Thanh")),
        ("mường thanh", Choice(C, "Mường Thanh", "phường Mường Thanh")),
        ("dien bien phu", Choice(C, "Điện Biên Phủ", "phường Điện Biên Phủ")),
        (
            "p.him lam",
            Choice(C, "Điện Biên Phủ", "phường Điện Biên Phủ", old_name="phường Him Lam"),
        ),
        ("Thanh Xuong", Choice(C, "Mường Thanh", "phường Mường Thanh", old_name="xã Thanh Xương")),
        ("Sam Mun", Choice(C, "Sam Mứn", "xã Sam Mứn")),  # today's unit wins over the old one
        ("  sam   MỨN ", Choice(C, "Sam Mứn", "xã Sam Mứn")),
        ("Nà Tòng", Choice(C, "Tủa Chùa", "xã Tủa Chùa", old_name="xã Nà Tòng")),
        # Old names that fold alike, typed with some marks: the one spelt nearest.
        ("nà tong", Choice(C, "Tủa Chùa", "xã Tủa Chùa", old_name="xã Nà Tòng")),
        ("xã na tông", Choice(C, "Núa Ngam", "xã Núa Ngam", old_name="xã Na Tông")),
        ("canh bao", Choice(T, "canh-bao", "Cảnh báo – Thiên tai")),
        ("thiên tai", Choice(T, "canh-bao", "Cảnh báo – Thiên tai")),
        ("an-ninh", Choice(T, "an-ninh", "Quốc phòng – An ninh")),
        ("Văn hóa – Xã hội", Choice(T, "xa-hoi", "Văn hóa – Xã hội")),
        # An old name with "cũ": the old unit, as what it went to, even where today's unit
        # has the same name (Sam Mứn).
        ("Sam Mứn cũ", Choice(C, "Thanh An", "xã Thanh An", old_name="xã Sam Mứn")),
        ("xa noong het cu", Choice(C, "Thanh An", "xã Thanh An", old_name="xã Noong Hẹt")),
        ("Xa Dung", Choice(C, "Xa Dung", "xã Xa Dung")),  # begins like "xã"
        ("xã Xa Dung", Choice(C, "Xa Dung", "xã Xa Dung")),
        ("an ninh quoc phong", Choice(T, "an-ninh", "Quốc phòng – An ninh")),  # either way round
        ("xã hội", Choice(T, "xa-hoi", "Văn hóa – Xã hội")),
        ("Y tế", Choice(T, "xa-hoi", "Văn hóa – Xã hội")),  # the portal's category names
        ("giao duc", Choice(T, "xa-hoi", "Văn hóa – Xã hội")),
    ],
)
def test_one_choice(resolver: Resolver, typed: str, choice: Choice) -> None:
    resolution = resolver.resolve(typed)
    assert resolution.choice == choice
    assert resolution.candidates == resolution.suggestions == []


@pytest.mark.parametrize("typed", ["na tong", "xã Na Tong", "NA TONG"])
def test_ambiguous_old_name_gives_candidates(resolver: Resolver, typed: str) -> None:
    resolution = resolver.resolve(typed)
    assert resolution.choice is None
    assert {(c.value, c.old_name) for c in resolution.candidates} == {
        ("Núa Ngam", "xã Na Tông"),
        ("Tủa Chùa", "xã Nà Tòng"),
    }


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Sam Mung", "Sam Mứn"),
        ("pom lott", "Sam Mứn"),
        ("muong tanh", "Mường Thanh"),
        ("canh bo", "canh-bao"),
    ],
)
def test_misspellings_get_suggestions(resolver: Resolver, typed: str, suggested: str) -> None:
    resolution = resolver.resolve(typed)
    assert resolution.choice is None and resolution.candidates == []
    assert suggested in [s.value for s in resolution.suggestions]


@pytest.mark.parametrize(
    ("typed", "near"),
    [
        ("Sa Dung", ["Xa Dung"]),  # s/x
        ("xã Tủa Trùa", ["Tủa Chùa"]),  # tr/ch; a district's name that a commune carries too
        ("Mường Phăn", ["Mường Phăng"]),  # final ng/n
        ("Muong Tra", ["Mường Chà"]),
        ("Na Xang", ["Na Sang"]),
    ],
)
def test_names_a_sound_off_are_near(resolver: Resolver, typed: str, near: list[str]) -> None:
    assert [c.value for c in resolver.near(typed)] == near
    assert [c.value for c in resolver.resolve(typed).suggestions][:1] == near


@pytest.mark.parametrize("typed", ["Mường Phăng", "tin", "sa", "toan tinh x", "an com"])
def test_exact_or_short_names_are_not_near(resolver: Resolver, typed: str) -> None:
    assert resolver.near(typed) == []


@pytest.mark.parametrize("typed", ["", "   ", '"', "xyz qwerty", "huyện", "*" * 300])
def test_unknown_input(resolver: Resolver, typed: str) -> None:
    resolution = resolver.resolve(typed)
    assert resolution.choice is None
    assert resolution.candidates == []
    assert resolution.suggestions == []
