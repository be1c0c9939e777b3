"""Load a province's gazetteer from the ``vietnamadminunits`` package data (read-only).

The package ships the 2025 units and the pre-2025 units in ``data/dataset.db`` and the old -> new
mapping in ``data/converter_2025.json``; this module only reads them at construction time.

The files are found from the package's location on ``sys.path`` *without importing the package*:
its ``__init__`` imports its address parser, which pulls in shapely and numpy (about 35 MB of
memory and a tenth of a second) that Loa never uses.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

from news.places import Gazetteer, LegacyUnit, Unit
from news.text import fold

_PACKAGE = "vietnamadminunits"


class UnknownProvince(ValueError):
    """The configured province is not in the package's 2025 list."""


def package_data() -> Path:
    """The package's ``data`` folder, located without running the package's ``__init__``."""
    spec = importlib.util.find_spec(_PACKAGE)  # a top-level name: finds, does not import
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise ModuleNotFoundError(f"the {_PACKAGE} package is not installed", name=_PACKAGE)
    return Path(locations[0]) / "data"


def load_gazetteer(province: str, data: Path | None = None) -> Gazetteer:
    """The gazetteer of ``province`` ("Điện Biên", with or without "Tỉnh"/diacritics).

    ``data`` is the package's data folder (default: found by :func:`package_data`).
    """
    name, units, legacy = _read(province, data or package_data())
    return Gazetteer(name, units, legacy)


@cache
def _read(province: str, data: Path) -> tuple[str, tuple[Unit, ...], tuple[LegacyUnit, ...]]:
    """The units of one province, read once per process (the config, the tagger and the chat
    catalogue each build a gazetteer; the rows are immutable)."""
    connection = sqlite3.connect(f"{(data / 'dataset.db').as_uri()}?mode=ro", uri=True)
    try:
        province_key, province_name = _province(connection, province)
        units, unit_keys = _current_units(connection, province_key)
        converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
        successors = _successors(converter, province_key, unit_keys)
        del converter  # 600 kB of JSON for all 34 provinces: drop it before reading more
        legacy = _legacy_units(connection, successors)
    finally:
        connection.close()
    return province_name, tuple(units), tuple(legacy)


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
    # Only the old provinces the successors name (a merged province absorbed others): a tenth
    # of the 10 000 rows' Python work.
    provinces = sorted({key.split("_", 1)[0] for key in successors})
    rows = connection.execute(
        "SELECT provinceKey, districtKey, wardKey, wardShort, wardType,"
        " districtShort, districtType FROM admin_units_legacy"
        f" WHERE provinceKey IN ({', '.join('?' * len(provinces))})",
        provinces,
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
