"""End to end, Thêm nguồn: a real ``loa run`` (SQLite, and PostgreSQL when
``LOA_TEST_DATABASE_URL`` is set) with no source in its configuration file; a province
administrator logs in by ``loa admin link``, previews a portal's homepage on the admin page and
adds it. The running poller picks the new source up from the database on its next look and
stores the articles of the feed the homepage advertises; ``loa sources`` lists it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx
import pytest

from tests.e2e_support import ZALO_TOKEN, Loa, Options, Stage, until
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.instances_support import PG_URL, Cluster, ClusterOptions
from tests.portal_server import FIXTURES, Portal
from tests.test_e2e_admin_photo import free_port, web_up

Z_ADMIN = "zadminsource1"
NAME = "Cổng TTĐT xã Sam Mứn"


class Rows(Protocol):
    def query(self, sql: str) -> list[tuple[Any, ...]]: ...


@dataclass
class Field:
    loa: Loa
    db: Rows
    portal: str  # the fixture portal's address
    base: str  # loa run's web server


@pytest.fixture(params=["sqlite", "postgresql"])
def field(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Field]:
    """The emulators and the portal served; ``loa run`` configured with no source and the
    admin page on, not started."""
    served = Portal.from_fixtures()
    served.add_file("/auto/home-feed", FIXTURES / "auto" / "home-feed.html")
    telegram, zalo = TelegramEmulator(), ZaloEmulator(ZALO_TOKEN)
    port = free_port()
    web = f'\n[web]\nenabled = true\nport = {port}\npublic_url = "http://127.0.0.1:{port}"\n'
    with ExitStack() as stack:
        portal = stack.enter_context(served.serving())
        if request.param == "sqlite":
            stage = stack.enter_context(Stage(tmp_path, telegram, zalo).serving())
            loa = stage.make_loa(Options(zalo_admins=[Z_ADMIN], extra_config=web))
            yield Field(loa, loa, portal, f"http://127.0.0.1:{port}")
            return
        if PG_URL is None:
            pytest.skip("LOA_TEST_DATABASE_URL is not set (the PostgreSQL run of this test)")
        cluster = stack.enter_context(Cluster(tmp_path, telegram, zalo).serving())
        config = cluster.configure(ClusterOptions(zalo_admins=[Z_ADMIN]))
        config.write_text(config.read_text("utf-8") + web, "utf-8")
        yield Field(cluster.node(), cluster.db, portal, f"http://127.0.0.1:{port}")


async def _log_in(loa: Loa, client: httpx.AsyncClient) -> None:
    status, out, err = await loa.cli_async("admin", "link", f"zalo:{Z_ADMIN}")
    assert status == 0, err
    answer = await client.post("/admin/login", data={"t": out.strip().split("t=", 1)[1]})
    assert answer.status_code == 303


async def test_a_source_added_on_the_admin_page_is_polled_by_the_running_instance(
    field: Field,
) -> None:
    loa = field.loa
    loa.start()
    await web_up(loa, field.base)
    await until(lambda: "poller" in str(field.db.query("SELECT roles FROM instances")), 30, loa)
    address = f"{field.portal}/auto/home-feed"
    async with httpx.AsyncClient(base_url=field.base, timeout=30) as client:
        await _log_in(loa, client)
        query = urlencode({"url": address, "name": NAME, "commune": "Sam Mứn"})
        page = await client.get(f"/admin/sources/new?{query}")
        assert page.status_code == 200, page.text
        assert "Một nguồn tin RSS có 3 bài viết." in page.text
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert found is not None
        form = {"csrf": found.group(1), "url": address, "name": NAME, "commune": "Sam Mứn"}
        added = await client.post("/admin/sources/new", data=form)
        assert added.status_code == 303, added.text

    stored = (
        "SELECT a.title, a.author, a.is_backfill FROM articles a"
        f" JOIN sources s ON s.id = a.source_id WHERE s.name = '{NAME}' ORDER BY a.id"
    )
    await until(lambda: len(field.db.query(stored)) == 3, 30, loa, "the feed's 3 articles")
    rows = field.db.query(stored)
    assert "Cảnh báo lũ quét, sạt lở đất trên địa bàn xã Sam Mứn" in {r[0] for r in rows}
    assert all(author for _, author, _ in rows) and all(backfill for *_, backfill in rows)
    assert f"{NAME}: added on the admin page; polled from now on" in loa.log()

    status, out, err = await loa.cli_async("sources", "--json")
    assert status == 0, err
    [listed] = [json.loads(line) for line in out.splitlines()]
    assert (listed["name"], listed["url"]) == (NAME, f"{field.portal}/rss/tin-tuc.rss")
    assert listed["added_by"] == f"web:zalo:{Z_ADMIN}" and listed["last_success"]
    assert "Traceback" not in loa.log()
