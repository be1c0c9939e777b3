"""A chat that never puzzles, through ``Commands.handle`` against a real database: the phrases
residents use, suggestions that find the commune (paged), /stop's question, /tinmoi's clamping
said, continued lists marked, the preview's wording per channel, and the offer of the latest
articles after a new subscription."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import Settings
from bot import texts
from bot.catalog import Catalog, ChoiceKind, build_catalog
from bot.channel import Button, Incoming, Reply
from bot.choices import numbered
from bot.commands import Commands
from bot.render import html_to_text, utf16_len
from bot.subscribing import CALLBACK_MAX_BYTES
from news.items import ArticleData
from news.tagging import Tags
from storage import residents
from storage.articles import store_article
from storage.models import Resident, Source, Subscription

Sessions = async_sessionmaker[AsyncSession]
LIMIT = 2000


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog("Điện Biên")


def _settings() -> Settings:
    return Settings.model_validate({"telegram": {"admins": [7]}, "zalo": {"admins": ["z9"]}})


@pytest.fixture
def commands(sessions: Sessions, catalog: Catalog) -> Commands:
    return Commands(sessions, catalog, _settings(), text_limit=LIMIT)


@pytest.fixture
def offline(catalog: Catalog) -> Commands:
    """Commands for answers that never touch the database."""
    return Commands(async_sessionmaker(), catalog, _settings(), text_limit=LIMIT)


def message(text: str, chat: str = "100", channel: str = "telegram") -> Incoming:
    return Incoming(channel=channel, chat_id=chat, user_id=chat, text=text)


def press(data: str, chat: str = "100", channel: str = "telegram") -> Incoming:
    return Incoming(channel=channel, chat_id=chat, user_id=chat, callback_data=data)


async def ask(commands: Commands, incoming: Incoming, limit: int = LIMIT) -> list[Reply]:
    """Every reply is non-empty, fits the limit and carries valid button data."""
    replies = await commands.handle(incoming)
    assert replies
    for reply in replies:
        assert 0 < utf16_len(html_to_text(reply.html)) <= limit
        for row in reply.buttons:
            assert all(0 < len(b.data.encode()) <= CALLBACK_MAX_BYTES for b in row)
    return replies


def buttons(reply: Reply) -> list[tuple[str, str]]:
    return [(b.label, b.data) for row in reply.buttons for b in row]


async def chosen(sessions: Sessions, chat: str = "100") -> list[tuple[str, str]]:
    async with sessions() as session:
        rows = await session.execute(
            select(Subscription.kind, Subscription.value)
            .join(Resident, Resident.id == Subscription.resident_id)
            .where(Resident.chat_id == chat)
            .order_by(Subscription.kind, Subscription.value)
        )
        return [(kind, value) for kind, value in rows.all()]


async def _store(sessions: Sessions, count: int, commune: str = "Sam Mứn") -> None:
    async with sessions.begin() as session:
        source = Source(name="portal", url="https://portal.test/")
        session.add(source)
        await session.flush()
        for n in range(1, count + 1):
            data = ArticleData(
                url=f"https://portal.test/{n}",
                title=f"Tin số {n}",
                summary="Tóm tắt.",
                published_at=datetime(2025, 8, n, 3, 0, tzinfo=UTC),
            )
            tags = Tags(communes=[commune] if n % 2 else ["Thanh An"], topics=["kinh-te"])
            await store_article(
                session, source_id=source.id, data=data, is_backfill=False, tags=tags
            )


# -- spellings and greetings ----------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["Đăng kí Pom Lót", "/dang ky pom lot", "dangky Pom Lót", "dang ki pom lot"]
)
async def test_every_spelling_subscribes(
    commands: Commands, sessions: Sessions, typed: str
) -> None:
    [reply] = await ask(commands, message(typed))
    assert "Xã Pom Lót nay thuộc <b>xã Sam Mứn</b>." in reply.html
    assert await chosen(sessions) == [("commune", "Sam Mứn")]


@pytest.mark.parametrize("typed", ["xin chào", "Chào", "chào Loa", "hi", "Hello", "Xin chao"])
async def test_greetings_get_a_friendly_answer(commands: Commands, typed: str) -> None:
    [before] = await ask(commands, message(typed))
    assert before.html == texts.GREETING_NOT_RECEIVING  # not started: nothing is sent yet
    await ask(commands, message("/start"))
    [reply] = await ask(commands, message(typed))
    assert reply.html == texts.GREETING
    assert all(command in reply.html for command in ("/dangky", "/tinmoi", "/huongdan"))
    await ask(commands, message("/stop"))
    await ask(commands, press("stop:yes"))
    [after] = await ask(commands, message(typed))  # stopped: no longer "Loa gửi bà con tin"
    assert after.html == texts.GREETING_NOT_RECEIVING and "/start" in after.html


# -- /stop asks first ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["/dung", "/stop", "dừng", "huỷ tất cả", "hủy tất cả"])
async def test_stop_names_ask_before_deleting(
    commands: Commands, sessions: Sessions, typed: str
) -> None:
    await ask(commands, message("/dangky pom lot"))
    [question] = await ask(commands, message(typed))
    assert question.html == texts.STOP_CONFIRM
    assert buttons(question) == [
        (texts.STOP_YES_BUTTON, "stop:yes"),
        (texts.STOP_NO_BUTTON, "stop:no"),
    ]
    assert await chosen(sessions) == [("commune", "Sam Mứn")]  # nothing deleted yet
    [kept] = await ask(commands, press("stop:no"))
    assert kept.html == texts.STOP_KEPT
    assert await chosen(sessions) == [("commune", "Sam Mứn")]
    await ask(commands, message(typed))
    [done] = await ask(commands, press("stop:yes"))
    assert done.html == texts.STOPPED
    async with sessions() as session:
        assert await residents.find(session, "telegram", "100") is None


async def test_stop_from_a_stranger_deletes_nothing_and_asks_nothing(commands: Commands) -> None:
    [reply] = await ask(commands, message("dừng", chat="nobody"))
    assert reply.html == texts.STOP_NOTHING and reply.buttons == []


async def test_stop_question_is_numbered_on_zalo(commands: Commands) -> None:
    await ask(commands, message("/start", channel="zalo"))
    [question] = await ask(commands, message("dừng", channel="zalo"))
    shown, answers = numbered(question)
    assert "1. Dừng và xóa dữ liệu\n2. Không, tiếp tục nhận tin" in shown.html
    assert answers["1"] == "stop:yes"


# -- /tinmoi clamps and says so ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "shown", "note"),
    [
        ("0", 1, "Số tin phải từ 1 đến 10, Loa hiện 1 tin."),
        ("-3", 1, "Số tin phải từ 1 đến 10, Loa hiện 1 tin."),
        ("20", 10, "Loa chỉ hiện tối đa 10 tin mỗi lần."),
        ("nhieu", 5, "“nhieu” không phải là số, Loa hiện 5 tin."),
        ("--3", 5, "“--3” không phải là số, Loa hiện 5 tin."),
        ("+20", 10, "Loa chỉ hiện tối đa 10 tin mỗi lần."),
        ("3", 3, None),
        ("", 5, None),
    ],
)
async def test_latest_clamps_and_says_why(
    commands: Commands, sessions: Sessions, args: str, shown: int, note: str | None
) -> None:
    await _store(sessions, 12)
    replies = await ask(commands, message(f"/tinmoi {args}"))
    text = "\n".join(r.html for r in replies)
    assert text.count("Tin số") == shown
    assert replies[0].html.startswith(texts.LATEST_HEADING)
    if note is None:
        assert "<i>" not in replies[0].html.split("\n")[1]
    else:
        assert replies[0].html.split("\n")[1] == f"<i>{note}</i>"


# -- multi-part answers say "(tiếp)" -----------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "heading"), [("/dsxa", "Xã, phường (45)"), ("/chude", "Chủ đề")]
)
async def test_every_continued_message_is_marked(
    sessions: Sessions, catalog: Catalog, command: str, heading: str
) -> None:
    small = Commands(async_sessionmaker(), catalog, _settings(), text_limit=300)
    replies = await ask(small, message(command), limit=300)
    if command == "/chude":  # short: one message, nothing to continue
        assert len(replies) == 1
        return
    assert len(replies) > 2
    assert html_to_text(replies[0].html).startswith(heading)
    for reply in replies[1:]:
        assert html_to_text(reply.html).startswith(f"{heading} (tiếp)")
    listed = "\n".join(r.html for r in replies)
    assert listed.count("• ") == 45


# -- suggestions that find the commune ----------------------------------------------------------


async def _all_pages(commands: Commands, typed: str) -> tuple[list[Reply], list[str]]:
    """Every page of suggestions for ``/dangky typed``, following "Thêm…"; the labels."""
    pages = await ask(commands, message(f"/dangky {typed}"))
    labels: list[str] = []
    while True:
        page = pages[-1]
        more = [data for label, data in buttons(page) if label == texts.MORE_BUTTON]
        labels += [label for label, _ in buttons(page) if label != texts.MORE_BUTTON]
        if not more:
            return pages, labels
        pages += await ask(commands, press(more[0]))


MUONG_TODAY = [
    "xã Mường Ảng",
    "xã Mường Chà",
    "xã Mường Lạn",
    "phường Mường Lay",
    "xã Mường Luân",
    "xã Mường Mùn",
    "xã Mường Nhà",
    "xã Mường Nhé",
    "xã Mường Phăng",
    "xã Mường Pồn",
    "phường Mường Thanh",
    "xã Mường Toong",
    "xã Mường Tùng",
]


async def test_muong_lists_every_muong_unit(offline: Commands, catalog: Catalog) -> None:
    pages, labels = await _all_pages(offline, "Muong")
    assert labels[: len(MUONG_TODAY)] == MUONG_TODAY  # today's units first, then the old ones
    old = [
        f"{u.full_name} (cũ) → nay thuộc {catalog.label(ChoiceKind.COMMUNE, u.successors[0])}"
        for u in catalog.gazetteer.legacy
        if u.name.startswith("Mường") and u.full_name not in MUONG_TODAY
    ]
    assert old and set(old) <= set(labels)
    assert "xã Hẹ Muông (cũ) → nay thuộc xã Núa Ngam" in labels  # a word, not only a prefix
    assert len(labels) == len(set(labels))
    assert len(pages) > 1 and "(trang 1/" in pages[0].html
    assert pages[0].html.startswith(f"Có {len(labels)} nơi hoặc chủ đề có tên “Muong”")


async def test_thanh_lists_thanh_units_best_first(offline: Commands) -> None:
    _, labels = await _all_pages(offline, "thanh")
    assert labels[:4] == ["xã Thanh An", "xã Thanh Nưa", "xã Thanh Yên", "phường Mường Thanh"]
    for old in (
        "xã Thanh Xương (cũ) → nay thuộc phường Mường Thanh",
        "xã Hua Thanh (cũ) → nay thuộc xã Thanh Nưa",
        "phường Mường Thanh (cũ) → nay thuộc phường Điện Biên Phủ",
        "phường Tân Thanh (cũ) → nay thuộc phường Điện Biên Phủ",
    ):
        assert old in labels


async def test_na_lists_the_na_units(offline: Commands) -> None:
    _, labels = await _all_pages(offline, "na")
    today = ["xã Nà Bủng", "xã Nà Hỳ", "xã Na Sang", "xã Na Son", "xã Nà Tấu"]
    assert labels[:5] == today  # whole words first, diacritics optional
    for old in ("xã Na Ư (cũ) → nay thuộc xã Sam Mứn", "xã Nà Tòng (cũ) → nay thuộc xã Tủa Chùa"):
        assert old in labels
    assert labels.index("xã Na Tông (cũ) → nay thuộc xã Núa Ngam") < labels.index("xã Nậm Kè")


async def test_a_suggestion_pressed_subscribes(commands: Commands, sessions: Sessions) -> None:
    [first] = await ask(commands, message("/dangky thanh"))
    data = dict(buttons(first))["xã Thanh Yên"]
    await ask(commands, press(data))
    assert await chosen(sessions) == [("commune", "Thanh Yên")]


def test_suggestions_are_numbered_on_zalo_with_more_last() -> None:
    page = Reply("Có 24 nơi", [[Button(f"xã {n}", f"sub:c:{n}")] for n in "ABCDEFGH"])
    page.buttons.append([Button(texts.MORE_BUTTON, "more:sub:2:Muong")])
    shown, answers = numbered(page)
    assert "9. Thêm…\nTrả lời một số từ 1 đến 9" in html_to_text(shown.html)
    assert answers["9"] == "more:sub:2:Muong"


# -- broadcast preview wording per channel ----------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "user", "wording", "not_wording"),
    [
        ("telegram", "7", "Bấm Gửi để gửi, Hủy để bỏ.", "Trả lời 1"),
        ("zalo", "z9", "Trả lời 1 để gửi, 2 để hủy.", "Bấm"),
        ("console", "console", "Trả lời 1 để gửi, 2 để hủy.", "Bấm"),
    ],
)
async def test_preview_wording_matches_the_channel_controls(
    commands: Commands, channel: str, user: str, wording: str, not_wording: str
) -> None:
    incoming = Incoming(channel=channel, chat_id=user, user_id=user, text="/thongbao Họp dân 14h")
    question = (await ask(commands, incoming))[-1]
    assert wording in html_to_text(question.html)
    assert not_wording not in html_to_text(question.html)


# -- the offer after a new subscription ------------------------------------------------------


async def test_a_new_subscription_offers_the_latest_articles(
    commands: Commands, sessions: Sessions
) -> None:
    await _store(sessions, 9)  # odd ones about Sam Mứn: 9, 7, 5, 3, 1
    [answer] = await ask(commands, message("/dangky pom lot"))
    assert buttons(answer) == [("📰 Xem 3 tin mới nhất về xã Sam Mứn", "recent:c:Sam Mứn")]
    replies = await ask(commands, press("recent:c:Sam Mứn"))
    text = "\n".join(r.html for r in replies)
    assert text.startswith("<b>Tin mới nhất về xã Sam Mứn</b>")
    assert [n for n in range(1, 10) if f'portal.test/{n}"' in text] == [5, 7, 9]
    [again] = await ask(commands, message("/dangky sam mun"))
    # Already subscribed: nothing new to offer, only the other Sam Mứn (the old xã, now in
    # xã Thanh An), explained.
    assert buttons(again) == [("xã Sam Mứn (cũ) → nay thuộc xã Thanh An", "sub:c:Thanh An")]
    assert "Xã Sam Mứn cũ (huyện Điện Biên) nay thuộc <b>xã Thanh An</b>" in again.html


async def test_nothing_is_offered_when_nothing_is_stored(commands: Commands) -> None:
    [answer] = await ask(commands, message("/dangky canh bao"))
    assert answer.buttons == []
    [empty] = await ask(commands, press("recent:t:canh-bao"))
    assert empty.html == texts.no_recent("Cảnh báo – Thiên tai")


async def test_unsubscribing_a_partial_name_lists_only_own_choices(
    commands: Commands, sessions: Sessions
) -> None:
    for name in ("thanh nua", "muong thanh", "sam mun"):
        await ask(commands, message(f"/dangky {name}"))
    [question] = await ask(commands, message("/huydangky thanh"))
    assert buttons(question) == [
        ("xã Thanh Nưa", "uns:c:Thanh Nưa"),
        ("phường Mường Thanh", "uns:c:Mường Thanh"),
    ]
    await ask(commands, press("uns:c:Thanh Nưa"))
    assert await chosen(sessions) == [("commune", "Mường Thanh"), ("commune", "Sam Mứn")]
    [none_own] = await ask(commands, message("/huydangky tua"))  # none chosen: every match
    [listed] = await ask(commands, message("/dangky tua", chat="other"))
    labels = [label for label, _ in buttons(none_own)]
    assert labels == [label for label, _ in buttons(listed)] and "xã Tủa Chùa" in labels
