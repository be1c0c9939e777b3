"""Load a province's gazetteer from the ``vietnamadminunits`` package data (read-only).

The package ships the 2025 units and the pre-2025 units in ``data/dataset.db`` and the old -> new
mapping in ``data/converter_2025.json``; this module only reads them at construction time.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

from news.places import Gazetteer, LegacyUnit, Unit
from news.text import fold

_PACKAGE = "vietnamadminunits"


class UnknownProvince(ValueError):
    """The configured province is not in the package's 2025 list."""


def load_gazetteer(province: str) -> Gazetteer:
    """The gazetteer of ``province`` ("Điện Biên", with or without "Tỉnh"/diacritics)."""
    data = resources.files(_PACKAGE) / "data"
    with resources.as_file(data / "dataset.db") as db_path:
        connection = sqlite3.connect(f"{Path(db_path).as_uri()}?mode=ro", uri=True)
        try:
            province_key, province_name = _province(connection, province)
            units, unit_keys = _current_units(connection, province_key)
            converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
            successors = _successors(converter, province_key, unit_keys)
            legacy = _legacy_units(connection, successors)
        finally:
            connection.close()
    return Gazetteer(province_name, units, legacy)


def _province(connection: sqlite3.Connection, province: str) -> tuple[str, str]:
    wanted = fold(province).removeprefix("tinh ").removeprefix("thanh pho ")
    rows = connection.execute("SELECT DISTINCT provinceKey, provinceShort FROM admin_units")
    for key, short in rows:
        if fold(short) == wanted:
            return str(key), str(short)
    raise UnknownProvince(f"unknown province {province!r}")


def _current_units(
    connection: sqlite3.Connection, province_key: str
) -> tuple[list[Unit], dict[str, str]]:
    rows = connection.execute(
        "SELECT wardKey, wardShort, wardType FROM admin_units WHERE provinceKey = ?",
        (province_key,),
    )
    units: list[Unit] = []
    keys: dict[str, str] = {}  # wardKey -> name
    for key, short, kind in rows:
        units.append(Unit(name=str(short), kind=str(kind).lower()))
        keys[str(key)] = str(short)
    return units, keys


def _successors(
    converter: dict[str, Any], province_key: str, unit_keys: dict[str, str]
) -> dict[str, list[str]]:
    """Old "province_district_ward" key -> current unit names (the package's default first)."""
    found: dict[str, list[str]] = defaultdict(list)
    merged = converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(province_key, {})
    for new_key, old_keys in merged.items():
        for old_key in old_keys:
            found[old_key].append(unit_keys[new_key])
    divided = converter["DICT_PROVINCE_WARD_DIVIDED"].get(province_key, {})
    for old_key, targets in divided.items():
        ordered = sorted(targets, key=lambda t: not t.get("isDefaultNewWard"))
        found[old_key].extend(unit_keys[t["newWardKey"]] for t in ordered)
    return found


def _legacy_units(
    connection: sqlite3.Connection, successors: dict[str, list[str]]
) -> list[LegacyUnit]:
    rows = connection.execute(
        "SELECT provinceKey, districtKey, wardKey, wardShort, wardType,"
        " districtShort, districtType FROM admin_units_legacy"
    )
    legacy: list[LegacyUnit] = []
    for province, district, ward, short, kind, district_short, district_kind in rows:
        targets = successors.get(f"{province}_{district}_{ward}")
        if not targets:
            continue
        legacy.append(
            LegacyUnit(
                name=str(short),
                kind=str(kind).lower(),
                district=str(district_short),
                district_kind=str(district_kind).lower(),
                successors=tuple(dict.fromkeys(targets)),
            )
        )
    return legacy
