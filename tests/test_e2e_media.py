"""End to end, media: ``loa run`` as a subprocess with the Telegram and Zalo emulators (which
fetch the photo URLs they are given, as the platforms do) and the fixture portal.

An article with a lead photo reaches residents on both channels as that photo with the summary
as caption; an article whose photo cannot be fetched still reaches them, as text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e_support import LIST_1, ZALO_TOKEN, Options, Stage, until
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.media_support import png
from tests.portal_server import FIXTURES, Portal

TELEGRAM_CHAT, ZALO_CHAT = 7001, "z7002media"
MEDIA = FIXTURES / "media"
PHOTO_PATH = "/Uploads/2025/08/sam-mun-mua-lu.jpg"
WITH_PHOTO = ("/Tintuc/View/Sam-Mun-khac-phuc-mua-lu", "og-image.html", "Xã Sam Mứn khắc phục")
BROKEN = ("/Tintuc/View/Thanh-Nua-lam-duong", "content-image.html", "Xã Thanh Nưa ra quân")


def publish(portal: Portal, path: str, fixture: str, title: str) -> None:
    """The portal posts the fixture page at ``path``, linked at the top of list page 1."""
    portal.add_file(path, MEDIA / fixture)
    listing = portal.page(LIST_1).body.decode("utf-8")
    link = f'<div class="news-item"><a class="title" href="{path}">{title}</a></div>'
    portal.add(LIST_1, listing.replace('<div class="news-list">', '<div class="news-list">' + link))


@pytest.fixture
def stage(tmp_path: Path) -> Iterator[Stage]:
    portal, telegram, zalo = Portal.from_fixtures(), TelegramEmulator(), ZaloEmulator(ZALO_TOKEN)
    portal.add(PHOTO_PATH, png(), "image/png")
    with Stage(tmp_path, telegram, zalo, portal).serving() as stage:
        stage.make_loa(Options(), upgrade=False).start()
        yield stage


async def test_article_photo_reaches_both_channels_and_a_broken_one_still_delivers_text(
    stage: Stage,
) -> None:
    assert stage.portal is not None and stage.zalo is not None and stage.loa is not None
    portal, telegram, zalo, loa = stage.portal, stage.telegram, stage.zalo, stage.loa
    await until(lambda: loa.query("SELECT backfilled FROM sources") == [(1,)], 30, loa)
    telegram.send_text(TELEGRAM_CHAT, "/start")
    zalo.inject_message(ZALO_CHAT, "/start")
    await until(lambda: len(loa.query("SELECT id FROM residents")) == 2, 20, loa, "residents")

    path, fixture, title = WITH_PHOTO
    publish(portal, path, fixture, title)
    await until(
        lambda: bool(telegram.media_to(TELEGRAM_CHAT, "photo")) and bool(zalo.media(ZALO_CHAT)),
        30,
        loa,
        "the article's photo on both channels",
    )
    photo_url = stage.portal_url + PHOTO_PATH
    [photo] = telegram.media_to(TELEGRAM_CHAT, "photo")
    assert photo.media == photo_url and title in photo.text and len(photo.text) <= 1024
    assert "🔗" in photo.text  # the caption is the article message, link included
    [zalo_photo] = zalo.media(ZALO_CHAT)
    assert zalo_photo.photo == photo_url and title in zalo_photo.text
    assert portal.count(PHOTO_PATH) >= 1  # the platforms fetched it from the portal

    path, fixture, title = BROKEN  # its content photo is not served: 404
    publish(portal, path, fixture, title)
    await until(
        lambda: (
            any(title in m.text and m.kind == "text" for m in telegram.messages_to(TELEGRAM_CHAT))
            and any(title in s.text and not s.photo for s in zalo.sent(ZALO_CHAT))
        ),
        30,
        loa,
        "the article without its photo, as text, on both channels",
    )
    pending = "SELECT count(*) FROM deliveries WHERE state != 'sent'"
    await until(lambda: loa.query(pending) == [(0,)], 10, loa, "every delivery sent")
    assert [m.kind for m in telegram.messages_to(TELEGRAM_CHAT) if title in m.text] == ["text"]
    assert [s.photo for s in zalo.sent(ZALO_CHAT) if title in s.text] == [None]
    assert loa.log().count("media refused") == 2  # once per channel, logged
    stored = loa.query("SELECT image_url FROM articles WHERE image_url LIKE '%thanh-nua%'")
    assert stored == [(stage.portal_url + "/Uploads/2025/08/thanh-nua-lam-duong.jpg",)]
