"""End to end, the admin page's photo broadcast: ``loa run`` as a subprocess with the Telegram
and Zalo emulators (which fetch the photo URLs they are given, as the platforms do); an HTTP
client logs in by ``loa admin link`` and posts the form (multipart, with the photo) to the real
server, then presses Gửi.

With ``[web] public_url`` both channels' residents get ``sendPhoto`` of the stored copy Loa
serves there, the text as caption. Without it, Telegram residents still get the photo: its
bytes are uploaded once and every other resident gets Telegram's file id; Zalo residents get
the text, and the preview said so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot import texts
from tests.e2e_support import ZALO_TOKEN, Loa, Options, Stage, until
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.media_support import png
from tests.support.ports import free_port

Z_ADMIN = "zadminphoto1"
TG_RESIDENTS = (9301, 9302, 9303)
Z_RESIDENTS = ("zphoto01", "zphoto02")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[Stage]:
    telegram = TelegramEmulator(global_rate=None, per_chat_rate=None)
    with Stage(tmp_path, telegram, ZaloEmulator(ZALO_TOKEN)).serving() as world:
        yield world


def started(world: Stage, *, public: bool) -> tuple[Loa, str]:
    """Loa with its web server on (a public URL or none), three Telegram and two Zalo
    residents; return it and the web server's address."""
    assert world.zalo is not None
    loa = world.make_loa(Options(zalo_admins=[Z_ADMIN], per_chat_interval=0.1))
    loa.seed_residents("telegram", TG_RESIDENTS)
    loa.seed_residents("zalo", Z_RESIDENTS)
    world.zalo.add_chats(list(Z_RESIDENTS))
    for chat in TG_RESIDENTS:
        world.telegram.add_chat(chat)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web = f"\n[web]\nenabled = true\nport = {port}\n"
    web += f'public_url = "{base}"\n' if public else ""
    loa.config.write_text(loa.config.read_text("utf-8") + web, "utf-8")
    loa.start()
    return loa, base


async def web_up(loa: Loa, base: str) -> None:
    def answers() -> bool:
        try:
            return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    await until(answers, 20, loa, "the web server answers")


async def post_photo_broadcast(
    loa: Loa, base: str, client: httpx.AsyncClient, text: str, photo: bytes
) -> tuple[str, str]:
    """Log in, post the form with ``photo``; return (the preview page, the CSRF token)."""
    status, out, err = await loa.cli_async("admin", "link", f"zalo:{Z_ADMIN}")
    assert status == 0, err
    token = out.strip().split("t=", 1)[1]
    assert (await client.post("/admin/login", data={"t": token})).status_code == 303
    form = (await client.get("/admin/broadcasts/new")).text
    found = re.search(r'name="csrf" value="([^"]+)"', form)
    assert found is not None and 'enctype="multipart/form-data"' in form
    csrf = found.group(1)
    drafted = await client.post(
        "/admin/broadcasts/new",
        data={"csrf": csrf, "text": text},
        files={"photo": ("thong-bao.png", photo, "image/png")},
    )
    assert drafted.status_code == 303, drafted.text
    preview = await client.get(drafted.headers["location"])
    assert preview.status_code == 200
    return preview.text, csrf


async def press_send(client: httpx.AsyncClient, preview: str, csrf: str) -> None:
    found = re.search(r'action="(/admin/broadcasts/\d+/send)"', preview)
    assert found is not None
    assert (await client.post(found.group(1), data={"csrf": csrf})).status_code == 303


async def test_a_web_photo_broadcast_reaches_both_channels_by_the_public_url(
    world: Stage,
) -> None:
    assert world.zalo is not None
    telegram, zalo = world.telegram, world.zalo
    loa, base = started(world, public=True)
    await web_up(loa, base)
    marker, photo = "Lũ quét ở bản Huổi Só, bà con tránh xa bờ suối", png(64, 48)
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        preview, csrf = await post_photo_broadcast(loa, base, client, marker, photo)
        assert texts.media_zalo_gets("photo", True) in preview
        assert texts.MEDIA_TELEGRAM_BY_URL in preview
        assert "Zalo · 2 người nhận" in preview and "Telegram · 3 người nhận" in preview
        [src] = set(re.findall(r'<img class="photo" src="([^"]+)"', preview))
        assert (await client.get(src)).content == photo  # the preview shows the stored photo
        await press_send(client, preview, csrf)

    await until(
        lambda: (
            all(telegram.media_to(c, "photo") for c in TG_RESIDENTS)
            and all(zalo.media(c) for c in Z_RESIDENTS)
        ),
        30,
        loa,
        "the photo on both channels",
    )
    url = base + src
    for chat in TG_RESIDENTS:
        [got] = telegram.media_to(chat, "photo")
        assert got.media == url and marker in got.text
    for zalo_chat in Z_RESIDENTS:
        [got_zalo] = zalo.media(zalo_chat)
        assert got_zalo.photo == url and marker in got_zalo.text
    assert url in zalo.fetched and url in telegram.fetched  # both fetched it from Loa
    assert telegram.uploads == []  # a public URL: nothing uploaded
    done = "SELECT count(*) FROM broadcasts WHERE state = 'done'"
    await until(lambda: loa.query(done) == [(1,)], 20, loa, "the broadcast done")
    assert loa.query("SELECT count(*) FROM deliveries WHERE state = 'failed'") == [(0,)]
    assert "Traceback" not in loa.log()


async def test_without_public_url_telegram_gets_the_photo_uploaded_once_and_zalo_the_text(
    world: Stage,
) -> None:
    assert world.zalo is not None
    telegram, zalo = world.telegram, world.zalo
    loa, base = started(world, public=False)
    await web_up(loa, base)
    marker, photo = "Cắt điện bản Co Mỵ từ 7h đến 11h", png(48, 32)
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        preview, csrf = await post_photo_broadcast(loa, base, client, marker, photo)
        assert texts.MEDIA_ZALO_TEXT_ONLY in preview and texts.MEDIA_TELEGRAM_BY_URL in preview
        await press_send(client, preview, csrf)

    await until(
        lambda: (
            all(telegram.media_to(c, "photo") for c in TG_RESIDENTS)
            and all(any(marker in s.text for s in zalo.sent(c)) for c in Z_RESIDENTS)
        ),
        30,
        loa,
        "the photo on Telegram, the text on Zalo",
    )
    [uploaded] = telegram.uploads  # the bytes went up once, for three residents
    assert telegram.files[uploaded].data == photo
    for chat in TG_RESIDENTS:
        [got] = telegram.media_to(chat, "photo")
        assert got.media == uploaded and marker in got.text
    assert zalo.media() == [] and zalo.fetched == []  # Zalo had nothing it could fetch
    assert "uploaded once" in loa.log()
    done = "SELECT count(*) FROM broadcasts WHERE state = 'done'"
    await until(lambda: loa.query(done) == [(1,)], 20, loa, "the broadcast done")
    assert loa.query("SELECT count(*) FROM deliveries WHERE state = 'failed'") == [(0,)]
    assert "Traceback" not in loa.log()
