"""The broadcast form's photo (Ảnh), in process (httpx over ASGI, SQLite and PostgreSQL):
accepted and stored like a chat photo, shown in the preview with each channel's note; refused
when too big, not an image, or posted without the CSRF token (nothing stored then). And what
the sender renders of it per channel: Telegram the upload, Zalo the URL or the text only."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import Settings, load_settings
from bot import texts
from jobs.messages import MessageCache
from storage.models import Broadcast, Media
from storage.outbox import Queued
from tests.media_support import png
from tests.test_admin_pages import BASE, PROVINCE_ADMIN, Web, catalog, seed
from web.admin import photo
from web.admin.mount import web_routes
from web.app import create_app

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(40)


def settings_for(tmp_path: Path, *, public: bool = True, max_megabytes: float = 10) -> Settings:
    path = tmp_path / "loa.toml"
    web = f'public_url = "{BASE}"\n' if public else ""
    path.write_text(
        f'[zalo]\nadmins = ["{PROVINCE_ADMIN}"]\n[web]\n{web}'
        f"[media]\nmax_megabytes = {max_megabytes}\n",
        encoding="utf-8",
    )
    return load_settings(path)


async def _web(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> AsyncIterator[Web]:
    await seed(sessions)
    app = create_app(sessions, extra_routes=web_routes(settings, sessions, catalog))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        yield Web(client, sessions)


@pytest.fixture
async def web(sessions: async_sessionmaker[AsyncSession], tmp_path: Path) -> AsyncIterator[Web]:
    async for item in _web(sessions, settings_for(tmp_path)):
        yield item


@pytest.fixture
async def private_web(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> AsyncIterator[Web]:
    """No [web] public_url: Zalo cannot fetch the photo."""
    async for item in _web(sessions, settings_for(tmp_path, public=False)):
        yield item


@pytest.fixture
async def small_web(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> AsyncIterator[Web]:
    """[media] max_megabytes = 0.01 (10 KiB)."""
    async for item in _web(sessions, settings_for(tmp_path, max_megabytes=0.01)):
        yield item


async def draft(
    web: Web, csrf: str | None, text: str, data: bytes, name: str = "thong-bao.png"
) -> httpx.Response:
    fields = {"text": text} | ({"csrf": csrf} if csrf is not None else {})
    files = {"photo": (name, data, "image/png")}
    return await web.client.post("/admin/broadcasts/new", data=fields, files=files)


async def stored(web: Web) -> tuple[int, int]:
    """(broadcasts, media) rows."""
    async with web.sessions() as session:
        broadcasts = await session.scalar(select(func.count(Broadcast.id)))
        media = await session.scalar(select(func.count(Media.id)))
    return int(broadcasts or 0), int(media or 0)


async def the_broadcast(web: Web) -> Broadcast:
    async with web.sessions() as session:
        return (await session.scalars(select(Broadcast))).one()


def figure(page: str, channel: str) -> str:
    """The preview's bubble of ``channel`` (Zalo or Telegram)."""
    pattern = rf'<figure class="bubble">\s*<figcaption>{channel} .*?</figure>'
    found = re.search(pattern, page, re.S)
    assert found is not None, page
    return found.group(0)


async def test_the_form_has_a_photo_field_and_posts_multipart(web: Web) -> None:
    await web.log_in(f"zalo:{PROVINCE_ADMIN}")
    form = (await web.client.get("/admin/broadcasts/new")).text
    assert 'enctype="multipart/form-data"' in form
    assert '<label for="photo">Ảnh</label>' in form
    assert 'type="file" accept="image/*"' in form and "tối đa 10 MB" in form


async def test_a_photo_is_stored_and_the_preview_shows_it_for_both_channels(web: Web) -> None:
    csrf = await web.log_in(f"zalo:{PROVINCE_ADMIN}")
    image = png(40, 30)
    drafted = await draft(web, csrf, "Đường lên bản Na Ư sạt lở", image)
    assert drafted.status_code == 303, drafted.text
    row = await the_broadcast(web)
    assert row.media_kind == "photo" and row.copy_chat_id is None
    assert row.media_url is not None and row.media_url.startswith(f"{BASE}/media/")
    name = row.media_url.rsplit("/", 1)[1]
    assert name.endswith(".png") and len(name) >= 22  # 128 random bits, then the extension
    served = await web.client.get(f"/media/{name}")
    assert served.status_code == 200 and served.content == image
    assert served.headers["content-type"] == "image/png"

    page = (await web.client.get(drafted.headers["location"])).text
    zalo, telegram = figure(page, "Zalo"), figure(page, "Telegram")
    assert "Zalo · 4 người nhận" in zalo and texts.media_zalo_gets("photo", True) in zalo
    assert "Telegram · 0 người nhận" in telegram and texts.MEDIA_TELEGRAM_BY_URL in telegram
    assert f'src="/media/{name}"' in zalo and f'src="/media/{name}"' in telegram
    assert "Đường lên bản Na Ư sạt lở" in zalo


async def test_without_public_url_the_photo_is_kept_for_telegram_and_zalo_gets_text(
    private_web: Web,
) -> None:
    web = private_web
    csrf = await web.log_in(f"zalo:{PROVINCE_ADMIN}")
    drafted = await draft(web, csrf, "Cắt điện bản Co Mỵ", JPEG, "anh.jpg")
    assert drafted.status_code == 303, drafted.text
    row = await the_broadcast(web)
    assert row.media_url is not None and row.media_url.startswith("/media/")
    assert row.media_url.endswith(".jpg")
    page = (await web.client.get(drafted.headers["location"])).text
    zalo, telegram = figure(page, "Zalo"), figure(page, "Telegram")
    assert texts.MEDIA_ZALO_TEXT_ONLY in zalo and "<img" not in zalo
    assert texts.MEDIA_TELEGRAM_BY_URL in telegram and f'src="{row.media_url}"' in telegram


async def test_a_photo_over_the_cap_is_refused_and_nothing_stored(small_web: Web) -> None:
    web = small_web
    csrf = await web.log_in(f"zalo:{PROVINCE_ADMIN}")
    refused = await draft(web, csrf, "Họp dân", png(200, 200))  # ~120 KB > 10 KiB
    assert refused.status_code == 400
    assert "quá giới hạn 0.01 MB" in refused.text and 'role="alert"' in refused.text
    assert "Họp dân" in refused.text  # the text typed is kept in the form
    assert await stored(web) == (0, 0)
    accepted = await draft(web, csrf, "Họp dân", png(8, 8))  # under the cap: fine
    assert accepted.status_code == 303
    assert await stored(web) == (1, 1)


async def test_a_file_that_is_not_an_image_is_refused(web: Web) -> None:
    csrf = await web.log_in(f"zalo:{PROVINCE_ADMIN}")
    for data in (b"%PDF-1.7 a notice", b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"MZ\x90"):
        refused = await draft(web, csrf, "Họp dân", data, "anh.png")  # the name lies
        assert refused.status_code == 400
        assert texts.ADMIN_PHOTO_NOT_IMAGE in refused.text
    assert await stored(web) == (0, 0)


async def test_a_photo_post_without_csrf_changes_nothing(web: Web) -> None:
    csrf = await web.log_in(f"zalo:{PROVINCE_ADMIN}")
    for token in (None, csrf[:-2] + "xx"):
        refused = await draft(web, token, "Họp dân", png(8, 8))
        assert refused.status_code == 403 and texts.ADMIN_BAD_CSRF in refused.text
    assert await stored(web) == (0, 0)


async def test_a_caption_over_telegrams_limit_is_refused_with_a_photo_only(web: Web) -> None:
    csrf = await web.log_in(f"zalo:{PROVINCE_ADMIN}")
    long = "Thông báo " * 120  # 1200 characters: fine as text, too long as a caption
    refused = await draft(web, csrf, long, png(8, 8))
    assert refused.status_code == 400 and "tối đa 1000" in refused.text
    assert await stored(web) == (0, 0)
    text_only = await web.client.post("/admin/broadcasts/new", data={"csrf": csrf, "text": long})
    assert text_only.status_code == 303


async def test_no_file_chosen_is_a_text_broadcast(web: Web) -> None:
    csrf = await web.log_in(f"zalo:{PROVINCE_ADMIN}")
    drafted = await draft(web, csrf, "Họp dân", b"", "")  # what a browser sends, nothing chosen
    assert drafted.status_code == 303
    row = await the_broadcast(web)
    assert row.media_kind is None and await stored(web) == (1, 0)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (png(2, 2), "image/png"),
        (JPEG, "image/jpeg"),
        (WEBP, "image/webp"),
        (b"GIF89a" + bytes(20), "image/gif"),
        (b"GIF87a" + bytes(20), "image/gif"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),  # RIFF, but audio
        (b"\x89PNG", None),  # cut short
        (b"", None),
        (b"BM" + bytes(30), None),  # BMP: not one Telegram and Zalo both take
    ],
)
def test_image_type_by_magic_bytes(data: bytes, kind: str | None) -> None:
    assert photo.image_type(data) == kind
    checked = photo.check(data, 10)
    assert (checked.content_type if isinstance(checked, photo.Photo) else None) == kind


async def test_the_sender_renders_an_upload_for_telegram_and_text_for_zalo(
    private_web: Web,
) -> None:
    web = private_web
    csrf = await web.log_in(f"zalo:{PROVINCE_ADMIN}")
    image = png(16, 16)
    assert (await draft(web, csrf, "Họp dân 8h", image)).status_code == 303
    row = await the_broadcast(web)
    queued = Queued(1, None, "x", None, row.id, 0, 0)
    telegram = await MessageCache(web.sessions, 4096, channel="telegram").reply_for(queued)
    assert telegram.photo_upload is not None and telegram.photo_upload.data == image
    assert telegram.photo_upload.name == (row.media_url or "").removeprefix("/media/")
    assert telegram.has_media and telegram.photo_url is None and "Họp dân 8h" in telegram.html
    zalo = await MessageCache(web.sessions, 2000, channel="zalo").reply_for(queued)
    assert not zalo.has_media and "Họp dân 8h" in zalo.html
