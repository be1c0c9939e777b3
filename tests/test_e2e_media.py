"""End to end, media: ``loa run`` as a subprocess with the Telegram and Zalo emulators (which
fetch the photo URLs they are given, as the platforms do) and the fixture portal.

An article with a lead photo reaches residents on both channels as that photo with the summary
as caption; an article whose photo cannot be fetched still reaches them, as text. An
administrator's photo and voice note (a photo captioned "/thongbao …", "/thongbao" in reply to
a voice note) reach Telegram residents as copies and Zalo residents through the stored copy Loa
serves at its public URL (AAC for the voice); without a public URL Zalo gets the text and the
preview says so; a kill -9 mid photo broadcast loses nothing and repeats at most the in-flight."""

from __future__ import annotations

import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot import texts
from tests.e2e_support import LIST_1, SHORT_LEASE, ZALO_TOKEN, Loa, Options, Stage, until
from tests.emulators.telegram import SentMessage, TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.media_support import opus_voice, png
from tests.portal_server import FIXTURES, Portal
from tests.support.ports import free_port
from tests.support.server import serve

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


# -- photo and voice broadcasts ------------------------------------------------------------

TG_ADMIN = 9101
TG_RESIDENTS = (9201, 9202)
Z_RESIDENTS = ("zmedia01", "zmedia02")


def serve_media(loa: Loa) -> str:
    """Turn on Loa's web server with a public URL (where Zalo fetches broadcast media)."""
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    web = f'\n[web]\nenabled = true\nport = {port}\npublic_url = "{public}"\n'
    loa.config.write_text(loa.config.read_text("utf-8") + web, "utf-8")
    return public


@pytest.fixture
def world(tmp_path: Path) -> Iterator[Stage]:
    telegram = TelegramEmulator(global_rate=None, per_chat_rate=None)
    with Stage(tmp_path, telegram, ZaloEmulator(ZALO_TOKEN)).serving() as world:
        yield world


def seeded(world: Stage, options: Options) -> Loa:
    assert world.zalo is not None
    loa = world.make_loa(options)
    loa.seed_residents("telegram", TG_RESIDENTS)
    loa.seed_residents("zalo", Z_RESIDENTS)
    world.zalo.add_chats(list(Z_RESIDENTS))
    for chat in TG_RESIDENTS:
        world.telegram.add_chat(chat)
    return loa


async def preview_of(world: Stage, loa: Loa, before: int) -> SentMessage:
    """The preview's question (with Gửi / Hủy) the admin got after ``before`` messages."""

    def question() -> SentMessage | None:
        asked = [m for m in world.telegram.messages_to(TG_ADMIN)[before:] if m.reply_markup]
        return asked[-1] if asked else None

    await until(lambda: question() is not None, 15, loa, "the preview")
    found = question()
    assert found is not None
    return found


def send_button(question: SentMessage) -> str:
    rows = (question.reply_markup or {}).get("inline_keyboard", [])
    return next(b["callback_data"] for row in rows for b in row if b["text"] == texts.SEND_BUTTON)


async def test_photo_and_voice_broadcasts_reach_both_channels(world: Stage) -> None:
    assert world.zalo is not None
    telegram, zalo = world.telegram, world.zalo
    loa = seeded(world, Options(telegram_admins=[TG_ADMIN], per_chat_interval=0.1))
    public = serve_media(loa)
    loa.start()

    # A photo whose caption is the command.
    before = len(telegram.messages_to(TG_ADMIN))
    marker = "Đường lên bản Na Ư sạt lở, bà con tránh đi"
    telegram.send_photo(TG_ADMIN, png(), f"/thongbao {marker}")
    question = await preview_of(world, loa, before)
    [copy] = telegram.media_to(TG_ADMIN, "photo")  # the preview: the copy residents will get
    assert marker in copy.text and not copy.text.startswith("/thongbao")
    assert texts.MEDIA_ON_TELEGRAM in question.text
    assert texts.media_zalo_gets("photo", True) in question.text
    telegram.press(TG_ADMIN, question.message_id, send_button(question))
    await until(
        lambda: (
            all(telegram.media_to(c, "photo") for c in TG_RESIDENTS)
            and all(zalo.media(c) for c in Z_RESIDENTS)
        ),
        20,
        loa,
        "the photo on both channels",
    )
    for chat in TG_RESIDENTS:
        [got] = telegram.media_to(chat, "photo")
        assert marker in got.text and got.media == copy.media  # copied: the same file
    photo_urls = {s.photo for c in Z_RESIDENTS for s in zalo.media(c)}
    assert len(photo_urls) == 1 and next(iter(photo_urls) or "").startswith(public + "/media/")
    assert all(marker in s.text for c in Z_RESIDENTS for s in zalo.media(c))

    # A voice note, then "/thongbao" in reply to it.
    before = len(telegram.messages_to(TG_ADMIN))
    voice = telegram.send_voice(TG_ADMIN, opus_voice(1.5))
    telegram.reply_text(TG_ADMIN, "/thongbao", reply_to=voice)
    question = await preview_of(world, loa, before)
    assert texts.media_zalo_gets("voice", False) in question.text
    telegram.press(TG_ADMIN, question.message_id, send_button(question))
    await until(
        lambda: (
            all(telegram.media_to(c, "voice") for c in TG_RESIDENTS)
            and all(any(s.voice for s in zalo.media(c)) for c in Z_RESIDENTS)
        ),
        20,
        loa,
        "the voice note on both channels",
    )
    [voice_url] = {s.voice for c in Z_RESIDENTS for s in zalo.media(c) if s.voice}
    assert voice_url is not None and voice_url.endswith(".aac")
    assert voice_url in zalo.fetched  # the emulator fetched it from Loa and found ADTS AAC
    done = "SELECT count(*) FROM broadcasts WHERE state = 'done'"
    await until(lambda: loa.query(done) == [(2,)], 20, loa, "both broadcasts done")
    assert loa.query("SELECT count(*) FROM deliveries WHERE state = 'failed'") == [(0,)]
    assert "Traceback" not in loa.log()


async def test_without_public_url_zalo_gets_the_text_and_the_preview_says_so(
    world: Stage,
) -> None:
    assert world.zalo is not None
    telegram, zalo = world.telegram, world.zalo
    loa = seeded(world, Options(telegram_admins=[TG_ADMIN], per_chat_interval=0.1))
    loa.start()
    before = len(telegram.messages_to(TG_ADMIN))
    marker = "Cắt điện bản Co Mỵ từ 7h đến 11h"
    telegram.send_photo(TG_ADMIN, png(), f"/thongbao {marker}")
    question = await preview_of(world, loa, before)
    assert texts.MEDIA_ZALO_TEXT_ONLY in question.text
    telegram.press(TG_ADMIN, question.message_id, send_button(question))
    await until(
        lambda: (
            all(telegram.media_to(c, "photo") for c in TG_RESIDENTS)
            and all(any(marker in s.text for s in zalo.sent(c)) for c in Z_RESIDENTS)
        ),
        20,
        loa,
        "the photo on Telegram, the text on Zalo",
    )
    assert zalo.media() == []  # no photo reached Zalo: it had nothing to fetch
    assert loa.query("SELECT count(*) FROM media") == [(0,)]  # nothing was downloaded


async def test_kill_9_during_a_photo_broadcast_loses_nothing(world: Stage) -> None:
    assert world.zalo is not None
    concurrency = 8
    world.telegram.any_chat = True
    loa = world.make_loa(
        Options(
            telegram_admins=[TG_ADMIN],
            telegram_rate=100,
            concurrency=concurrency,
            extra_config=SHORT_LEASE,
        )
    )
    chats = range(40_000, 40_300)
    loa.seed_residents("telegram", chats)
    loa.start()
    before = len(world.telegram.messages_to(TG_ADMIN))
    marker = "Tiêm phòng dại cho chó mèo tại nhà văn hóa"
    world.telegram.send_photo(TG_ADMIN, png(), f"/thongbao {marker}")
    question = await preview_of(world, loa, before)
    world.telegram.press(TG_ADMIN, question.message_id, send_button(question))

    def received() -> Counter[int]:
        return Counter(
            m.chat_id
            for m in world.telegram.sent
            if m.kind == "photo" and marker in m.text and m.chat_id != TG_ADMIN
        )

    await until(lambda: sum(received().values()) >= 60, 20, loa, "sending")
    loa.stop(signal.SIGKILL)
    assert sum(received().values()) < len(chats)  # the kill landed mid-broadcast
    loa.start()
    done = "SELECT state FROM broadcasts"
    await until(lambda: loa.query(done) == [("done",)], 30, loa, "the broadcast done")
    got = received()
    assert set(got) == set(chats)  # no resident lost
    assert sum(n - 1 for n in got.values()) <= concurrency  # duplicates ≤ in flight


async def test_a_zalo_admins_photo_reaches_both_channels_by_its_url(world: Stage) -> None:
    assert world.zalo is not None
    telegram, zalo = world.telegram, world.zalo
    admin = "zadmin77"
    loa = seeded(world, Options(zalo_admins=[admin]))
    loa.start()
    photo = png()

    async def image(request: Request) -> Response:
        return Response(photo, media_type="image/png")

    with serve(Starlette(routes=[Route("/zalo-cdn/p.png", image)])) as cdn:
        url = f"{cdn}/zalo-cdn/p.png"  # what Zalo's message.image.received carries
        marker = "Bà con bản Huổi Lếch họp lúc 8h"
        zalo.inject_photo(admin, url, f"/thongbao {marker}")
        await until(
            lambda: any(texts.MEDIA_TELEGRAM_BY_URL in s.text for s in zalo.sent(admin)),
            15,
            loa,
            "the preview on Zalo",
        )
        assert [s.photo for s in zalo.media(admin)] == [url]  # the preview shows the photo
        zalo.inject_message(admin, "Gửi")
        await until(
            lambda: (
                all(telegram.media_to(c, "photo") for c in TG_RESIDENTS)
                and all(zalo.media(c) for c in Z_RESIDENTS)
            ),
            20,
            loa,
            "the photo on both channels",
        )
    assert {m.media for c in TG_RESIDENTS for m in telegram.media_to(c)} == {url}
    assert {s.photo for c in Z_RESIDENTS for s in zalo.media(c)} == {url}
    assert all(marker in m.text for c in TG_RESIDENTS for m in telegram.media_to(c))
