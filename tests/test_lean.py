"""Loa stays lean: the gazetteer read without importing its package, commands without extras.

Only what is (or is not) loaded is checked here; the timings live in ``bench/``.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from news.gazetteer_data import load_gazetteer, package_data
from news.places import Gazetteer, LegacyUnit
from storage.db import head_revisions

HEAVY = (
    "alembic",
    "vietnamadminunits",
    "vietnamadminunits.parser",
    "shapely",
    "numpy",
    "sqlalchemy.dialects.postgresql",  # a fifth of SQLAlchemy's import time, for SQLite users
    "pydantic",  # its import and model building were a third of the everyday commands' floor
)


def _loaded_after(code: str, names: tuple[str, ...] = HEAVY) -> set[str]:
    """The ``names`` (HEAVY by default) that a fresh interpreter has imported after running
    ``code``."""
    probe = (
        f"{code}\nimport sys, json\nprint(json.dumps([m for m in {names!r} if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_importing_the_cli_loads_no_heavy_package() -> None:
    assert _loaded_after("import loa.cli") == set()


@pytest.mark.parametrize("command", ["stats", "articles", "sources"])
def test_the_frequent_commands_import_nothing_heavy(command: str) -> None:
    """What operators and cron run often: no migration tool, no PostgreSQL dialect on SQLite."""
    assert _loaded_after(f"import loa.cmd.{command}") == set()


@pytest.fixture(scope="module")
def migrated_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lean")
    config = folder / "loa.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{folder / "loa.db"}"\n', encoding="utf-8")
    code = f"from loa.cli import main\nmain(['--config', {str(config)!r}, 'db', 'upgrade'])"
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, timeout=60)
    return config


@pytest.mark.parametrize("command", ["stats", "articles", "sources"])
def test_the_frequent_commands_run_without_the_tagger_or_the_bots(
    command: str, migrated_config: Path
) -> None:
    """The whole command, as run: only the chat handlers and the poller need the tagger and its
    gazetteer; the bot package is for failures (``ChannelRefused``) and ``loa run``."""
    code = f"from loa.cli import main\nmain(['--config', {str(migrated_config)!r}, {command!r}])"
    assert _loaded_after(code, ("news.tagging", "news.places", "bot", "pydantic")) == set()


@pytest.mark.parametrize("command", ["stats", "articles", "sources"])
def test_no_collection_scans_the_commands_imports(command: str, migrated_config: Path) -> None:
    """Imports allocate long-lived objects: the collector waits until the command's modules are
    in and then leaves them out (frozen); main leaves it as it found it (tests call main)."""
    code = f"""
import gc, json, sys
from loa.cli import main
seen = []
gc.callbacks.append(lambda phase, info: phase == "start" and seen.append(gc.get_freeze_count()))
main(['--config', {str(migrated_config)!r}, {command!r}])
print(json.dumps([seen, gc.isenabled(), gc.get_freeze_count()]))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    seen, enabled, frozen_after = json.loads(out.stdout.splitlines()[-1])
    assert all(frozen > 10_000 for frozen in seen)  # none before the imports were frozen
    assert (enabled, frozen_after) == (True, 0)


def test_loading_the_settings_needs_no_validation_library(tmp_path: Path) -> None:
    """``base.config`` validates with ``base.sections`` (dataclasses): every command loads the
    settings, and pydantic's import and model building cost a third of their floor (issue 26)."""
    config = tmp_path / "loa.toml"
    config.write_text((Path(__file__).parent.parent / "config.example.toml").read_text("utf-8"))
    code = f"from base.config import load_settings\nload_settings(Path({str(config)!r}), env={{}})"
    assert _loaded_after(f"from pathlib import Path\n{code}", ("pydantic",)) == set()


def test_loading_the_gazetteer_does_not_import_its_package() -> None:
    code = "from news.gazetteer_data import load_gazetteer\nload_gazetteer('Điện Biên')"
    assert _loaded_after(code) == set()


def test_a_migrated_database_is_opened_without_alembic(tmp_path: Path) -> None:
    """The second open of a database at head reads its version with plain SQL."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'loa.db'}"
    migrate = f"import asyncio\nfrom storage.db import open_database\nURL = {url!r}\n"
    opened = "async def go():\n    async with open_database(URL):\n        pass\nasyncio.run(go())"
    assert "alembic" in _loaded_after(migrate + opened)  # fresh: migrated by Alembic
    assert _loaded_after(migrate + opened) == set()  # at head: no Alembic


def test_the_data_folder_is_the_packages() -> None:
    """Located from the import path, it is the folder the package itself reads."""
    assert package_data() == Path(str(resources.files("vietnamadminunits") / "data"))


def _every_legacy_row(data: Path, gazetteer: Gazetteer) -> list[LegacyUnit]:
    """The old units read the long way: every row of the package, kept when the converter
    names it (the reference the lean reader must equal, in the same order)."""
    converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    connection = sqlite3.connect(f"{(data / 'dataset.db').as_uri()}?mode=ro", uri=True)
    try:
        key = connection.execute(
            "SELECT provinceKey FROM admin_units WHERE provinceShort = ?", (gazetteer.province,)
        ).fetchone()[0]
        names = dict(
            connection.execute(
                "SELECT wardKey, wardShort FROM admin_units WHERE provinceKey = ?", (key,)
            ).fetchall()
        )
        successors: dict[str, list[str]] = {}
        for new, olds in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(key, {}).items():
            for old in olds:
                successors.setdefault(old, []).append(names[new])
        for old, targets in converter["DICT_PROVINCE_WARD_DIVIDED"].get(key, {}).items():
            ordered = sorted(targets, key=lambda t: not t.get("isDefaultNewWard"))
            successors.setdefault(old, []).extend(names[t["newWardKey"]] for t in ordered)
        rows = connection.execute(
            "SELECT provinceKey, districtKey, wardKey, wardShort, wardType, districtShort,"
            " districtType FROM admin_units_legacy"
        ).fetchall()
    finally:
        connection.close()
    return [
        LegacyUnit(
            name=short,
            kind=kind.lower(),
            district=district_short,
            district_kind=district_kind.lower(),
            successors=tuple(dict.fromkeys(successors[f"{p}_{d}_{w}"])),
        )
        for p, d, w, short, kind, district_short, district_kind in rows
        if successors.get(f"{p}_{d}_{w}")
    ]


@pytest.mark.parametrize("province", ["Điện Biên", "Lai Châu", "Tuyên Quang"])
def test_the_lean_gazetteer_is_the_full_one(province: str) -> None:
    data = package_data()
    gazetteer = load_gazetteer(province)
    assert gazetteer.legacy == tuple(_every_legacy_row(data, gazetteer))
    current = {unit.name for unit in gazetteer.units}
    assert all(set(old.successors) <= current for old in gazetteer.legacy)


def test_dien_bien_has_its_45_units_and_129_old_ones() -> None:
    gazetteer = load_gazetteer("Điện Biên")
    assert (len(gazetteer.units), len(gazetteer.legacy)) == (45, 129)
    absorbed = {old for unit in gazetteer.units for old in gazetteer.absorbed(unit.name)}
    assert absorbed == set(gazetteer.legacy)  # every old unit has a successor it went to


def test_the_cheap_version_check_agrees_with_alembic() -> None:
    from alembic.script import ScriptDirectory

    from storage.db import alembic_config

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert head_revisions() == frozenset(heads)
