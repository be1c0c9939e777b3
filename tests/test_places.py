"""The gazetteer: loaded from vietnamadminunits, and built by hand from plain data."""

from __future__ import annotations

import pytest

from news.gazetteer_data import UnknownProvince, load_gazetteer
from news.places import Gazetteer, LegacyUnit, Unit, strip_prefix


@pytest.fixture(scope="module")
def dien_bien() -> Gazetteer:
    return load_gazetteer("Điện Biên")


def test_counts_match_the_2025_reorganisation(dien_bien: Gazetteer) -> None:
    assert len(dien_bien.units) == 45
    assert len(dien_bien.legacy) == 129
    assert {u.kind for u in dien_bien.units} == {"xã", "phường"}
    assert all(old.successors for old in dien_bien.legacy)


@pytest.mark.parametrize(
    ("current", "absorbed"),
    [
        ("Sam Mứn", {"Pom Lót", "Na Ư"}),
        ("Thanh An", {"Thanh An", "Noong Hẹt", "Sam Mứn"}),
        ("Thanh Nưa", {"Thanh Nưa", "Hua Thanh", "Thanh Luông", "Thanh Hưng", "Thanh Chăn"}),
        ("Thanh Yên", {"Thanh Yên", "Noong Luống", "Pa Thơm"}),
        ("Núa Ngam", {"Núa Ngam", "Hẹ Muông", "Na Tông"}),
        ("Mường Nhà", {"Mường Nhà", "Mường Lói", "Phu Luông"}),
        ("Mường Pồn", {"Mường Pồn", "Mường Mươn"}),
        ("Mường Thanh", {"Thanh Xương", "Noong Bua", "Nam Thanh"}),
    ],
)
def test_mergers(dien_bien: Gazetteer, current: str, absorbed: set[str]) -> None:
    assert {old.name for old in dien_bien.absorbed(current)} == absorbed


def test_old_ward_muong_thanh_went_to_dien_bien_phu(dien_bien: Gazetteer) -> None:
    (old,) = dien_bien.old("muong thanh")
    assert (old.kind, old.district, old.successors) == (
        "phường",
        "Điện Biên Phủ",
        ("Điện Biên Phủ",),
    )
    assert dien_bien.unit("phường Điện Biên Phủ") == Unit("Điện Biên Phủ", "phường")


def test_names_both_new_and_old_elsewhere(dien_bien: Gazetteer) -> None:
    """The audit of issue 22: every today's unit whose name an old unit also bore, the old one
    having gone elsewhere (subscribing explains which was chosen and offers the other)."""
    found = {
        unit.full_name: [(old.full_name, old.successors) for old in dien_bien.collisions(unit.name)]
        for unit in dien_bien.units
        if dien_bien.collisions(unit.name)
    }
    assert found == {
        "xã Sam Mứn": [("xã Sam Mứn", ("Thanh An",))],
        "xã Mường Chà": [("thị trấn Mường Chà", ("Na Sang",))],
        "phường Mường Thanh": [("phường Mường Thanh", ("Điện Biên Phủ",))],
    }
    assert {old.name for old in dien_bien.absorbed("Sam Mứn")} == {"Pom Lót", "Na Ư"}


def test_folded_names_can_collide(dien_bien: Gazetteer) -> None:
    assert {(o.name, o.district) for o in dien_bien.old("na tong")} == {
        ("Na Tông", "Điện Biên"),
        ("Nà Tòng", "Tuần Giáo"),
    }


@pytest.mark.parametrize("province", ["Điện Biên", "dien bien", "Tỉnh Điện Biên", "ĐIỆN BIÊN"])
def test_province_spellings(province: str) -> None:
    assert load_gazetteer(province).province == "Điện Biên"


def test_another_province_and_an_unknown_one() -> None:
    assert load_gazetteer("Lai Châu").units
    with pytest.raises(UnknownProvince):
        load_gazetteer("Atlantis")


def test_built_by_hand() -> None:
    gazetteer = Gazetteer(
        "Thử",
        [Unit("Mới", "xã"), Unit("Đông", "phường")],
        [LegacyUnit("Cũ", "xã", "Tây", "huyện", ("Mới",))],
    )
    assert gazetteer.unit("xa moi") == Unit("Mới", "xã")
    assert gazetteer.unit("phường Mới") is None  # wrong kind
    assert [o.name for o in gazetteer.absorbed("Mới")] == ["Cũ"]
    assert gazetteer.names() == {"moi", "dong", "cu", "tay"}
    assert gazetteer.districts() == {"tay"}


@pytest.mark.parametrize(
    ("folded", "split"),
    [
        ("xa pom lot", ("xa", "pom lot")),
        ("thi tran tua chua", ("thi tran", "tua chua")),
        ("pom lot", (None, "pom lot")),
    ],
)
def test_strip_prefix(folded: str, split: tuple[str | None, str]) -> None:
    assert strip_prefix(folded) == split
