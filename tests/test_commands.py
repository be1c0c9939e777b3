"""Resident commands driven through ``Commands.handle`` against a real database (both backends)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import Settings
from bot import texts
from bot.catalog import Catalog, build_catalog
from bot.channel import Incoming, Reply
from bot.commands import Commands, parse_count
from bot.render import html_to_text, utf16_len
from bot.subscribing import CALLBACK_MAX_BYTES
from bot.wording import parse
from news.items import ArticleData
from news.tagging import Tags
from storage import residents, sources
from storage.articles import store_article
from storage.models import Resident, Source, Subscription

Sessions = async_sessionmaker[AsyncSession]
LIMIT = 2000


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog("Điện Biên")


@pytest.fixture
def commands(sessions: Sessions, catalog: Catalog) -> Commands:
    settings = Settings.model_validate({"telegram": {"admins": [7]}, "zalo": {"admins": ["z9"]}})
    return Commands(sessions, catalog, settings, text_limit=LIMIT)


@pytest.fixture
def offline(catalog: Catalog) -> Commands:
    """Commands for answers that never touch the database (no per-backend setup needed)."""
    settings = Settings.model_validate({"telegram": {"admins": [7]}, "zalo": {"admins": ["z9"]}})
    return Commands(async_sessionmaker(), catalog, settings, text_limit=LIMIT)


def message(text: str, chat: str = "100", channel: str = "telegram") -> Incoming:
    return Incoming(channel=channel, chat_id=chat, user_id=chat, text=text)


def press(data: str, chat: str = "100", channel: str = "telegram") -> Incoming:
    return Incoming(channel=channel, chat_id=chat, user_id=chat, callback_data=data)


async def ask(commands: Commands, incoming: Incoming) -> list[Reply]:
    """Every reply is non-empty, fits the limit and carries valid button data."""
    replies = await commands.handle(incoming)
    assert replies
    for reply in replies:
        assert 0 < utf16_len(html_to_text(reply.html)) <= LIMIT
        for row in reply.buttons:
            assert all(0 < len(b.data.encode()) <= CALLBACK_MAX_BYTES for b in row)
    return replies


async def say(commands: Commands, text: str, chat: str = "100") -> str:
    return "\n".join(r.html for r in await ask(commands, message(text, chat)))


async def chosen(sessions: Sessions, chat: str = "100") -> list[tuple[str, str, str | None]]:
    async with sessions() as session:
        rows = await session.execute(
            select(Subscription.kind, Subscription.value, Subscription.typed_as)
            .join(Resident, Resident.id == Subscription.resident_id)
            .where(Resident.chat_id == chat)
            .order_by(Subscription.kind, Subscription.value)
        )
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("/dangky pom lot", "subscribe", "pom lot"),
        ("/DangKy@LoaBot  Sam Mứn ", "subscribe", "Sam Mứn"),
        ("/subscribe canh-bao", "subscribe", "canh-bao"),
        ("dang ky pom lot", "subscribe", "pom lot"),
        ("Đăng ký xã Pom Lót", "subscribe", "xã Pom Lót"),
        ("Hủy đăng ký tất cả", "unsubscribe", "tất cả"),
        ("/huydangky tatca", "unsubscribe", "tatca"),
        ("tin moi 3", "latest", "3"),
        ("Tin mới nhất", "latest", ""),
        ("/tinmoi", "latest", ""),
        ("tìm kiếm lũ quét", "search", "lũ quét"),
        ("/timkiem mua lu", "search", "mua lu"),
        ("/huongdan", "help", ""),
        ("/cuatoi", "subscriptions", ""),
        ("/dsxa", "communes", ""),
        ("chủ đề", "topics", ""),
        ("/start payload", "start", "payload"),
        ("/stop", "stop", ""),
        ("stop", None, "stop"),  # deleting data takes the explicit command
        ("xin chào", "greet", ""),
        ("/foo bar", None, "bar"),
        ("/id", "id", ""),
        ("/toi", "id", ""),
        ("/Tôi", "id", ""),
        ("id", "id", ""),
        ("tôi muốn đăng ký", None, "tôi muốn đăng ký"),  # "tôi" is an everyday word
    ],
)
def test_parse(text: str, name: str | None, args: str) -> None:
    assert parse(text) == (name, args)


@pytest.mark.parametrize(
    ("args", "count"), [("", 5), ("3", 3), ("0", 1), ("-4", 1), ("99", 10), ("abc", 5)]
)
def test_parse_count(args: str, count: int) -> None:
    assert parse_count(args) == count


async def test_start_subscribes_to_everything(commands: Commands, sessions: Sessions) -> None:
    assert await say(commands, "/start") == texts.WELCOME
    async with sessions() as session:
        resident = await residents.find(session, "telegram", "100")
        assert resident is not None and resident.active
    assert await chosen(sessions) == []
    await say(commands, "/dangky sam mun")
    assert "Chào mừng bà con trở lại" in await say(commands, "/start")
    assert "xã Sam Mứn" in await say(commands, "/start")


@pytest.mark.parametrize(
    ("typed", "stored", "expected"),
    [
        ("pom lot", ("commune", "Sam Mứn"), "Xã Pom Lót nay thuộc <b>xã Sam Mứn</b>."),
        ("XÃ POM LÓT", ("commune", "Sam Mứn"), "Xã Pom Lót nay thuộc <b>xã Sam Mứn</b>."),
        ("sam mun", ("commune", "Sam Mứn"), "Đã đăng ký nhận tin về <b>xã Sam Mứn</b>."),
        ("PHUONG MUONG THANH", ("commune", "Mường Thanh"), "<b>phường Mường Thanh</b>"),
        ("canh bao", ("topic", "canh-bao"), "<b>Cảnh báo – Thiên tai</b>"),
        ("thong-bao", ("topic", "thong-bao"), "<b>Thông báo</b>"),
    ],
)
async def test_subscribe_typed_names(
    commands: Commands, sessions: Sessions, typed: str, stored: tuple[str, str], expected: str
) -> None:
    answer = await say(commands, f"/dangky {typed}")
    assert expected in answer
    assert "chỉ nhận tin về những gì đã chọn" in answer
    assert await chosen(sessions) == [(*stored, typed)]
    assert "đã đăng ký" in (await say(commands, f"dang ky {typed}")).lower()
    assert len(await chosen(sessions)) == 1


async def test_subscribe_without_name_offers_buttons(
    commands: Commands, sessions: Sessions
) -> None:
    [menu] = await ask(commands, message("/dangky"))
    data = [b.data for row in menu.buttons for b in row]
    assert data[0] == "pick:c" and "sub:t:canh-bao" in data
    [communes] = await ask(commands, press("pick:c"))
    commune_data = [b.data for row in communes.buttons for b in row]
    assert len(commune_data) == 45 and "sub:c:Sam Mứn" in commune_data
    [done] = await ask(commands, press("sub:c:Sam Mứn"))
    assert "xã Sam Mứn" in done.html
    assert await chosen(sessions) == [("commune", "Sam Mứn", None)]


async def test_ambiguous_name_asks_which(commands: Commands, sessions: Sessions) -> None:
    [question] = await ask(commands, message("/dangky na tong"))
    assert "có thể là nhiều nơi" in question.html
    buttons = {b.label: b.data for row in question.buttons for b in row}
    assert buttons == {
        "xã Nà Tòng (cũ) → nay thuộc xã Tủa Chùa": "sub:c:Tủa Chùa",
        "xã Na Tông (cũ) → nay thuộc xã Núa Ngam": "sub:c:Núa Ngam",
    }
    assert await chosen(sessions) == []
    await ask(commands, press("sub:c:Núa Ngam"))
    assert await chosen(sessions) == [("commune", "Núa Ngam", None)]


async def test_misspelling_suggests_and_unknown_explains(commands: Commands) -> None:
    [suggested] = await ask(commands, message("/dangky sam mung"))
    assert "Có phải bà con muốn" in suggested.html
    assert [[b.data for b in row] for row in suggested.buttons] == [["sub:c:Sam Mứn"]]
    [unknown] = await ask(commands, message("/dangky qwertyuiop"))
    assert "Không tìm thấy" in unknown.html and "/dsxa" in unknown.html
    assert unknown.buttons == []


@pytest.mark.parametrize("data", ["sub:c:Atlantis", "sub:t:no-such-topic", "sub:x:Sam Mứn", "zz"])
async def test_forged_or_stale_buttons_change_nothing(
    commands: Commands, sessions: Sessions, data: str
) -> None:
    assert await say(commands, "/start") == texts.WELCOME
    [reply] = await ask(commands, press(data))
    assert reply.html == texts.STALE_BUTTON
    assert await chosen(sessions) == []


async def test_unsubscribe_one_all_and_by_button(commands: Commands, sessions: Sessions) -> None:
    assert await say(commands, "/huydangky sam mun") == texts.NOT_A_RESIDENT
    for name in ("pom lot", "canh bao", "thanh an"):
        await say(commands, f"/dangky {name}")
    assert "Đã bỏ <b>xã Sam Mứn</b>." == await say(commands, "huy dang ky xa sam mun")
    assert "Bà con chưa đăng ký <b>xã Sam Mứn</b>" in await say(commands, "/huydangky pom lot")
    [menu] = await ask(commands, message("/huydangky"))
    data = [b.data for row in menu.buttons for b in row]
    assert data == ["uns:c:Thanh An", "uns:t:canh-bao", "uns:all"]
    await ask(commands, press("uns:t:canh-bao"))
    assert await chosen(sessions) == [("commune", "Thanh An", "thanh an")]
    last = await say(commands, "/unsubscribe thanh an")
    assert "mọi tin mới" in last
    await say(commands, "/dangky thanh an")
    assert await say(commands, "/huydangky tatca") == texts.CLEARED
    assert await say(commands, "/huydangky all") == texts.NOTHING_TO_CLEAR
    assert await chosen(sessions) == []


async def test_subscriptions_lists_labels(commands: Commands) -> None:
    assert await say(commands, "/cuatoi") == texts.NOT_A_RESIDENT
    await say(commands, "/start")
    # Then both rhythm settings (/bantin, /yentinh), not chosen yet.
    assert await say(commands, "/cuatoi") == f"{texts.RECEIVING_ALL}\n" + texts.rhythm_lines(
        None, None
    )
    await say(commands, "/dangky pom lot")
    await say(commands, "/dangky an ninh")
    listing = await say(commands, "/subscriptions")
    assert "📍 xã Sam Mứn" in listing and "🏷 Quốc phòng – An ninh" in listing


async def test_communes_and_topics_lists(offline: Commands) -> None:
    commands = offline
    communes = await say(commands, "/dsxa")
    assert "xã Sam Mứn <i>(gồm xã Pom Lót, xã Na Ư)</i>" in communes
    assert communes.count("• ") == 45
    topics = await say(commands, "/chude")
    assert "Cảnh báo – Thiên tai – /dangky canh-bao" in topics


async def _store(sessions: Sessions, count: int) -> None:
    async with sessions.begin() as session:
        source = Source(name="portal", url="https://portal.test/")
        session.add(source)
        await session.flush()
        for n in range(1, count + 1):
            data = ArticleData(
                url=f"https://portal.test/{n}",
                title=f"Tin số {n} <mới> & nóng",
                summary="Tóm tắt.",
                published_at=datetime(2025, 8, n, 3, 0, tzinfo=UTC),
            )
            tags = Tags(communes=["Sam Mứn"], topics=[])
            await store_article(
                session, source_id=source.id, data=data, is_backfill=False, tags=tags
            )


@pytest.mark.parametrize(("typed", "shown"), [("/tinmoi 2", [7, 6]), ("tin moi", [7, 6, 5, 4, 3])])
async def test_latest(commands: Commands, sessions: Sessions, typed: str, shown: list[int]) -> None:
    assert await say(commands, "/latest") == texts.NO_ARTICLES
    await _store(sessions, 7)
    answer = await say(commands, typed)
    assert answer.startswith(texts.LATEST_HEADING)
    assert answer.count("Tin số") == len(shown)
    first = answer.index(f"portal.test/{shown[0]}")
    assert all(first <= answer.index(f"portal.test/{n}") for n in shown)
    assert "Tin số 7 &lt;mới&gt; &amp; nóng" in answer
    assert "07/08/2025 10:00 · 📍 Sam Mứn" in answer


async def test_stop_deletes_everything(commands: Commands, sessions: Sessions) -> None:
    await say(commands, "/dangky pom lot")
    await say(commands, "/start", chat="other")
    assert await say(commands, "/stop") == texts.STOP_CONFIRM  # asks before deleting
    assert await chosen(sessions) != []
    [done] = await ask(commands, press("stop:yes"))
    assert done.html == texts.STOPPED
    assert await chosen(sessions) == []
    async with sessions() as session:
        assert await residents.find(session, "telegram", "100") is None
        assert await residents.find(session, "telegram", "other") is not None
    assert await say(commands, "/stop") == texts.STOP_NOTHING


async def test_same_chat_id_on_two_channels_are_two_residents(
    commands: Commands, sessions: Sessions
) -> None:
    await ask(commands, message("/dangky pom lot", channel="telegram"))
    await ask(commands, message("/dangky canh bao", channel="zalo"))
    await ask(commands, message("/stop", channel="telegram"))
    await ask(commands, press("stop:yes", channel="telegram"))
    assert await chosen(sessions) == [("topic", "canh-bao", "canh bao")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/foo", "Loa chưa hiểu “/foo” ạ. Có phải bà con muốn:"),
        ("bán đất <b>", "Loa chưa hiểu “bán đất &lt;b&gt;” ạ. Có phải bà con muốn:"),
        ("2", "Loa chưa hiểu “2” ạ. Có phải bà con muốn:"),
        ("", texts.ONLY_TEXT),
        ("/huongdan", texts.HELP),
        ("help", texts.HELP),
        ("/timkiem", texts.SEARCH_HOW),
    ],
)
async def test_hints_never_silence(offline: Commands, text: str, expected: str) -> None:
    assert await say(offline, text) == expected


async def test_failure_is_logged_in_english_and_answered_in_vietnamese(
    sessions: Sessions, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> Catalog:
        raise RuntimeError("gazetteer unavailable")

    commands = Commands(sessions, broken, Settings())
    with caplog.at_level(logging.ERROR, logger="bot.commands"):
        assert await say(commands, "/dangky pom lot") == texts.ERROR
    assert "command failed on telegram chat 100" in caplog.text
    assert "gazetteer unavailable" in caplog.text


@pytest.mark.parametrize(
    ("channel", "user", "admin"),
    [
        ("telegram", "7", True),
        ("telegram", "8", False),
        ("zalo", "z9", True),
        ("zalo", "7", False),
        ("console", "anyone", True),
    ],
)
def test_is_admin(offline: Commands, channel: str, user: str, admin: bool) -> None:
    incoming = Incoming(channel=channel, chat_id="c", user_id=user)
    assert offline.is_admin(incoming) is admin


async def test_search_finds_without_diacritics(commands: Commands, sessions: Sessions) -> None:
    await _store(sessions, 3)
    async with sessions.begin() as session:
        source_id = (await session.execute(select(Source.id))).scalar_one()
        data = ArticleData(
            url="https://portal.test/lu",
            title="Cảnh báo lũ quét tại xã Mường Pồn",
            summary="Mưa lớn.",
            published_at=datetime(2025, 8, 9, tzinfo=UTC),
        )
        await store_article(session, source_id=source_id, data=data, is_backfill=False, tags=Tags())
    found = await say(commands, "/timkiem lu quet")
    assert found.startswith(texts.search_heading("lu quet"))
    assert "portal.test/lu" in found and "portal.test/1" not in found
    assert await say(commands, 'tim kiem "bão" NEAR *') == texts.search_empty('"bão" NEAR *')


@pytest.mark.parametrize("typed", ["/id", "/toi", "/tôi"])
@pytest.mark.parametrize(
    ("channel", "user", "shown"),
    [("zalo", "6c1f0a9e2b4d7781", "Zalo"), ("telegram", "123456789", "Telegram")],
)
async def test_id_tells_channel_and_user_id(
    offline: Commands, typed: str, channel: str, user: str, shown: str
) -> None:
    incoming = Incoming(channel=channel, chat_id=f"chat-{user}", user_id=user, text=typed)
    (reply,) = await ask(offline, incoming)
    assert reply.html == texts.your_id(channel, user)
    plain = html_to_text(reply.html)
    assert f"Kênh: {shown}" in plain
    assert f"Mã người dùng của bà con: {user}" in plain
    assert "người quản trị" in plain


async def test_id_escapes_and_is_listed(offline: Commands) -> None:
    (reply,) = await ask(offline, Incoming(channel="zalo", chat_id="c", user_id="<x>", text="/id"))
    assert "&lt;x&gt;" in reply.html
    assert "/id" in texts.HELP
    assert ("id", "Xem mã người dùng của bà con (cho người quản trị)") in texts.COMMAND_MENU


async def test_new_resident_logged_with_channel_and_id(
    commands: Commands, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.subscribing"):
        await ask(commands, message("/start", chat="555", channel="zalo"))
        await ask(commands, message("/start", chat="555", channel="zalo"))
        await ask(commands, message("/start", chat="777", channel="telegram"))
    lines = [r.getMessage() for r in caplog.records if "new resident" in r.getMessage()]
    assert lines == ["new resident on zalo: user id 555", "new resident on telegram: user id 777"]


async def test_words_the_rules_miss_are_guessed_and_a_stop_is_only_asked(
    commands: Commands, sessions: Sessions
) -> None:
    """The learned fallback (``news.intent_model``): a harmless reading is answered at once; one
    that would change what the resident receives is asked back, done only on "Có"."""
    assert await say(commands, "/start") == texts.WELCOME
    assert "/dangky" in await say(commands, "cái này dùng sao vậy")  # help, answered
    [question] = await ask(commands, message("già rồi không đọc được nữa đâu"))
    assert "Có phải bà con muốn" in question.html
    [[yes]] = question.buttons
    async with sessions() as session:
        [active] = await session.scalars(select(Resident.active).where(Resident.chat_id == "100"))
    assert active  # nothing stopped on a guess
    [again] = await ask(commands, press(yes.data))  # "Có": /stop, which asks as always
    assert next(b.data for row in again.buttons for b in row) == "stop:yes"
    [done] = await ask(commands, press("stop:yes"))
    assert done.html == texts.STOPPED
    async with sessions() as session:
        assert await session.scalar(select(Resident.id).where(Resident.chat_id == "100")) is None


async def test_info_says_who_runs_loa_and_where_its_news_comes_from(
    sessions: Sessions, catalog: Catalog
) -> None:
    """/gioithieu and the same question in words: the operator, every source (the file's and
    those added on the admin page, once each) with its web address, how to check and the
    scam warning."""
    settings = Settings.model_validate(
        {
            "places": {"operator": "Văn phòng UBND xã Sam Mứn"},
            "sources": [
                {
                    "name": "dienbien",
                    "title": "Cổng TTĐT huyện Điện Biên",
                    "url": "https://dienbien.dienbien.gov.vn/tin-tuc",
                }
            ],
        }
    )
    commands = Commands(sessions, catalog, settings, text_limit=LIMIT)
    async with sessions() as session, session.begin():
        await sources.add_source(
            session,
            name="thanhan",
            url="https://thanhan.dienbien.gov.vn/",
            commune=None,
            added_by="telegram:7",
            now=datetime(2026, 12, 1, tzinfo=UTC),
        )
    answer = await say(commands, "/gioithieu")
    assert "Văn phòng UBND xã Sam Mứn" in answer
    assert "Cổng TTĐT huyện Điện Biên (dienbien.dienbien.gov.vn)" in answer
    assert "thanhan (thanhan.dienbien.gov.vn)" in answer
    assert "mã OTP" in answer and texts.READ_MORE in answer
    for asked in ("bot này của ai vậy", "tin lấy nguồn từ đâu", "loa có phải lừa đảo không"):
        assert await say(commands, asked) == answer, asked


async def test_info_names_the_province_when_no_operator_is_set(commands: Commands) -> None:
    """Without ``[places] operator`` the province's authority is named; without sources, no
    source line."""
    answer = await say(commands, "/gioithieu")
    assert "Đơn vị vận hành: UBND tỉnh Điện Biên." in answer and "Tin lấy từ" not in answer
