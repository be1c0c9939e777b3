"""Long echoes: a reply quotes at most ~100 characters of what the resident typed, so every
answer fits the platform's limit (Telegram 4096, Zalo 2000 after ``html_to_text``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import Settings
from bot import texts
from bot.catalog import Catalog, build_catalog
from bot.channel import Incoming, Reply
from bot.commands import Commands
from bot.render import html_to_text, utf16_len
from news.items import ArticleData
from news.tagging import Tags
from storage.articles import store_article
from storage.models import Source

TELEGRAM_MAX, ZALO_MAX = 4096, 2000


@pytest.mark.parametrize(
    ("typed", "limit", "shown"),
    [
        ("lũ quét", 100, "lũ quét"),
        ("", 100, ""),
        ("  lũ \n\t quét  ", 100, "lũ quét"),  # one line: a quote never breaks the reply
        ("a" * 100, 100, "a" * 100),  # exactly the limit: kept whole
        ("một hai ba bốn", 10, "một hai…"),  # cut on a word, never inside one
        ("một hai ba", 8, "một hai…"),  # the cut falls just after a word: that word stays
        ("một, hai ba", 8, "một…"),  # no dangling punctuation before the ellipsis
        ("a" * 300, 100, "a" * 99 + "…"),  # one endless word: cut inside it
        ("ab " + "c" * 300, 100, "ab " + "c" * 96 + "…"),  # a cut at "ab" would lose too much
        ("<b>đậm</b> & thế", 100, "&lt;b&gt;đậm&lt;/b&gt; &amp; thế"),  # escaped for Telegram
        ("x < y " * 30, 20, "x &lt; y x &lt; y x &lt; y x…"),  # the limit is on the seen text
    ],
)
def test_quoted(typed: str, limit: int, shown: str) -> None:
    assert texts.quoted(typed, limit) == shown


@pytest.mark.parametrize("length", [101, 150, 5000])
def test_quoted_is_at_most_the_limit(length: int) -> None:
    typed = ("Điện Biên " * 600)[:length]
    shown = texts.quoted(typed)
    assert shown.endswith("…") and len(shown) <= texts.QUOTE_LIMIT
    assert typed.startswith(shown.removesuffix("…"))
    assert shown.removesuffix("…").endswith("Biên") or shown.removesuffix("…").endswith("Điện")


@pytest.mark.parametrize(
    "echo",
    [
        texts.unknown,
        lambda typed: texts.not_found(typed, True),
        lambda typed: texts.not_found(typed, False),
        texts.ambiguous,
        texts.search_heading,
        texts.search_empty,
    ],
)
def test_every_echo_is_short(echo: Callable[[str], str]) -> None:
    answer = echo("lũ quét <b>& " * 500)
    assert len(html_to_text(answer)) < 250 and "<b>&" not in answer


# -- through Commands.handle, on each backend --------------------------------------------

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog("Điện Biên")


@pytest.fixture
def commands(sessions: Sessions, catalog: Catalog) -> Commands:
    # The channels' own limit (Zalo's 2000) as the bots use it: the echo must make room in it.
    return Commands(sessions, catalog, Settings(), text_limit=ZALO_MAX)


async def answers(commands: Commands, text: str) -> list[Reply]:
    """Every reply fits Telegram (its HTML) and Zalo (the plain text it is sent as)."""
    incoming = Incoming(channel="telegram", chat_id="100", user_id="100", text=text)
    replies = await commands.handle(incoming)
    assert replies
    for reply in replies:
        assert len(reply.html) <= TELEGRAM_MAX
        assert 0 < utf16_len(html_to_text(reply.html)) <= ZALO_MAX
    return replies


def long_argument(words: str, length: int = 5000) -> str:
    return (f"{words} " * length)[:length]


async def test_search_with_a_5000_character_query_fits(
    commands: Commands, sessions: Sessions
) -> None:
    async with sessions.begin() as session:
        source = Source(name="portal", url="https://portal.test/")
        session.add(source)
        await session.flush()
        data = ArticleData(
            url="https://portal.test/lu",
            title="Cảnh báo lũ quét ở xã Mường Pồn",
            summary="Mưa lớn.",
            published_at=datetime(2025, 8, 9, tzinfo=UTC),
        )
        await store_article(session, source_id=source.id, data=data, is_backfill=False, tags=Tags())

    # Words of the title, repeated (a one-letter word: however the search cuts a long query,
    # it cuts no word in two), so the long query still finds the article.
    query = "lũ quét " + long_argument("ở", 4992)
    found = await answers(commands, f"/timkiem {query}")
    assert found[0].html.startswith(f"<b>Kết quả tìm “{texts.quoted(query)}”</b>")
    assert "portal.test/lu" in "\n".join(r.html for r in found)
    assert texts.quoted(query).startswith("lũ quét ở ở") and texts.quoted(query).endswith("ở…")

    nothing = long_argument("khôngcótừnày")
    empty = await answers(commands, f"/timkiem {nothing}")
    assert empty == [Reply(texts.search_empty(nothing))]
    assert f"“{texts.quoted(nothing)}”" in empty[0].html


@pytest.mark.parametrize("command", ["/dangky", "/huydangky"])
async def test_subscribe_with_a_5000_character_name_fits(commands: Commands, command: str) -> None:
    typed = long_argument("xã Không Có Thật")
    replies = await answers(commands, f"{command} {typed}")
    assert len(replies) == 1
    html = replies[0].html
    assert html.startswith(f"Không tìm thấy xã, phường hay chủ đề “{texts.quoted(typed)}”")
    assert texts.quoted(typed).endswith("…") and len(texts.quoted(typed)) <= texts.QUOTE_LIMIT


async def test_an_unknown_5000_character_message_fits(commands: Commands) -> None:
    typed = long_argument("Loa ơi cho hỏi")
    replies = await answers(commands, typed)
    assert [r.html for r in replies] == [texts.unknown(typed)]
    offered = [b.data for row in replies[0].buttons for b in row]
    assert offered == ["cmd:/tinmoi", "cmd:/huongdan"]  # too long to search for as it is
    assert f"“{texts.quoted(typed, 40)}”" in replies[0].html
