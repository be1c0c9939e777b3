"""Residents' own words, in conversations through ``Commands.handle`` against a real database:
each kind of message of issue 22, with its effect checked afterwards (what /cuatoi, /bantin,
/yentinh say, which articles come back), on Zalo's numbered choices and Telegram's buttons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import Settings
from bot import texts
from bot.catalog import Catalog, build_catalog
from bot.channel import Incoming, Reply
from bot.choices import NumberedChoices
from bot.commands import Commands
from bot.render import html_to_text
from news.items import ArticleData
from news.tagging import Tags
from storage.articles import store_article
from storage.models import Source

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog("Điện Biên")


@pytest.fixture
def commands(sessions: Sessions, catalog: Catalog) -> Commands:
    return Commands(sessions, catalog, Settings(), text_limit=2000)


class Chat:
    """One resident's conversation: Zalo numbers the buttons (answered by number or name),
    Telegram keeps them (pressed by their data)."""

    def __init__(self, commands: Commands, channel: str = "zalo", chat: str = "z1") -> None:
        self.commands, self.channel, self.chat = commands, channel, chat
        self.choices = NumberedChoices() if channel == "zalo" else None
        self.replies: list[Reply] = []

    async def say(self, text: str) -> str:
        incoming = Incoming(channel=self.channel, chat_id=self.chat, user_id=self.chat, text=text)
        return await self._answer(self.choices.answer(incoming) if self.choices else incoming)

    async def press(self, data: str) -> str:
        incoming = Incoming(
            channel=self.channel, chat_id=self.chat, user_id=self.chat, callback_data=data
        )
        return await self._answer(incoming)

    def buttons(self) -> list[str]:
        return [b.data for r in self.replies for row in r.buttons for b in row]

    async def _answer(self, incoming: Incoming) -> str:
        self.replies = await self.commands.handle(incoming)
        assert self.replies
        shown = self.replies
        if self.choices is not None:
            shown = [self.choices.present(self.chat, reply) for reply in self.replies]
        return "\n".join(html_to_text(reply.html) for reply in shown)


async def _store(sessions: Sessions, *articles: tuple[str, str, list[str]]) -> None:
    """Articles (title, path, communes), the first the oldest, one a day from 1 August."""
    async with sessions.begin() as session:
        source = Source(name="portal", url="https://portal.test/")
        session.add(source)
        await session.flush()
        for day, (title, path, communes) in enumerate(articles, start=1):
            data = ArticleData(
                url=f"https://portal.test/{path}",
                title=title,
                summary="Tóm tắt.",
                published_at=datetime(2025, 8, day, 3, 0, tzinfo=UTC),
            )
            await store_article(
                session, source_id=source.id, data=data, is_backfill=False, tags=Tags(communes)
            )


NEWS = (
    ("Mường Phăng trồng cà phê", "mp1", ["Mường Phăng"]),
    ("Sam Mứn làm đường", "sm1", ["Sam Mứn"]),
    ("Mường Phăng đón khách", "mp2", ["Mường Phăng"]),
    ("Thanh An gặt lúa", "ta1", ["Thanh An"]),
    ("Sam Mứn họp dân", "sm2", ["Sam Mứn"]),
)


def paths(text: str) -> list[str]:
    """The fixture articles a reply lists, in its order."""
    found = [(text.find(title), path) for title, path, _ in NEWS if title in text]
    return [path for _, path in sorted(found)]


@pytest.mark.parametrize("channel", ["zalo", "telegram"])
async def test_news_asked_in_words(commands: Commands, sessions: Sessions, channel: str) -> None:
    await _store(sessions, *NEWS)
    chat = Chat(commands, channel)
    for asked in ("có tin gì mới không", "cho tôi xem tin mới", "tin tức hôm nay"):
        assert paths(await chat.say(asked)) == ["sm2", "ta1", "mp2", "sm1", "mp1"]
    for asked in ("tin xã Mường Phăng", "xã mường phăng có tin gì", "Mường Phăng"):
        answer = await chat.say(asked)
        assert paths(answer) == ["mp2", "mp1"]  # only the commune's news, newest first
        assert "Đăng ký nhận tin xã Mường Phăng" in answer or chat.buttons() == [
            "sub:c:Mường Phăng"
        ]
    # The button under them subscribes: by its number on Zalo, pressed on Telegram.
    done = await (chat.say("1") if channel == "zalo" else chat.press("sub:c:Mường Phăng"))
    assert "Đã đăng ký nhận tin về xã Mường Phăng" in done
    assert "📍 xã Mường Phăng" in await chat.say("/cuatoi")
    # /tinmoi now follows the choice; "tatca" shows everything.
    mine = await chat.say("/tinmoi")
    assert paths(mine) == ["mp2", "mp1"] and "/tinmoi tatca" in mine
    assert paths(await chat.say("/tinmoi tatca")) == ["sm2", "ta1", "mp2", "sm1", "mp1"]
    assert paths(await chat.say("xem tất cả tin mới")) == ["sm2", "ta1", "mp2", "sm1", "mp1"]


async def test_latest_falls_back_to_everything_when_nothing_matches(
    commands: Commands, sessions: Sessions
) -> None:
    await _store(sessions, *NEWS)
    chat = Chat(commands)
    await chat.say("đăng ký xã Thanh Yên")
    answer = await chat.say("tin mới")
    assert "Chưa có tin về những gì bà con đã chọn" in answer
    assert paths(answer) == ["sm2", "ta1", "mp2", "sm1", "mp1"]


async def test_subscribing_and_unsubscribing_in_words(commands: Commands) -> None:
    chat = Chat(commands)
    assert "Đã đăng ký nhận tin về xã Thanh Yên" in await chat.say("tôi muốn nhận tin xã Thanh Yên")
    assert "Xã Pom Lót nay thuộc xã Sam Mứn" in await chat.say("dnag ky pom lot")
    mine = await chat.say("tôi đang nhận tin gì")
    assert "xã Thanh Yên" in mine and "xã Sam Mứn" in mine
    assert "Đã bỏ xã Thanh Yên" in await chat.say("ko nhận tin xã Thanh Yên nữa")
    mine = await chat.say("/cuatoi")
    assert "xã Thanh Yên" not in mine and "xã Sam Mứn" in mine
    assert "Đã bỏ mọi lựa chọn" in await chat.say("hủy đăng ký tất cả")
    assert "mọi tin mới" in await chat.say("/cuatoi")


async def test_a_typo_is_asked_back_and_the_button_does_it(commands: Commands) -> None:
    chat = Chat(commands, "telegram")
    question = await chat.say("dnag kyy pom lot")
    assert question == "Có phải bà con muốn đăng ký nhận tin “pom lot” không ạ?"
    assert chat.buttons() == ["cmd:/dangky pom lot"]
    assert "Đã đăng ký nhận tin về xã Sam Mứn" in await chat.press("cmd:/dangky pom lot")
    assert "📍 xã Sam Mứn" in await chat.say("/cuatoi")


async def test_bulletin_and_quiet_hours_as_people_say_them(commands: Commands) -> None:
    chat = Chat(commands)
    assert "mỗi ngày lúc 18:00" in await chat.say("gửi bản tin lúc 6 giờ chiều")
    assert "lúc 18:00" in await chat.say("/bantin")
    assert "mỗi ngày lúc 07:00" in await chat.say("/bantin 7 giờ sáng")  # the command too
    assert "mỗi ngày lúc 07:30" in await chat.say("ban tin 7h30")
    assert "22:00–06:00" in await chat.say("từ 10 giờ tối đến 6 giờ sáng đừng gửi tin")
    assert "Giờ yên tĩnh của bà con: 22:00–06:00" in await chat.say("/yentinh")
    mine = await chat.say("/cuatoi")
    assert "Bản tin mỗi ngày: 07:30" in mine and "Giờ yên tĩnh: 22:00–06:00" in mine
    assert await chat.say("tắt bản tin") == texts.BULLETIN_OFF
    assert "Bà con đang nhận từng tin ngay khi có" in await chat.say("/bantin")
    assert await chat.say("bỏ giờ yên tĩnh") == texts.QUIET_OFF
    assert "chưa đặt giờ yên tĩnh" in await chat.say("/yentinh")


async def test_search_in_words(commands: Commands, sessions: Sessions) -> None:
    await _store(sessions, *NEWS)
    chat = Chat(commands)
    for asked in ("tìm tin về cà phê", "có tin gì về cà phê không", "tim kiem ca phe"):
        answer = await chat.say(asked)
        assert answer.startswith("Kết quả tìm “cà phê”") or "“ca phe”" in answer
        assert paths(answer) == ["mp1"]


@pytest.mark.parametrize("said", ["cảm ơn", "vâng", "dạ", "ok", "👍", "cam on loa nhieu nha"])
async def test_politeness_gets_politeness(commands: Commands, said: str) -> None:
    chat = Chat(commands)
    answer = await chat.say(said)
    assert answer == html_to_text(texts.THANKS) and "chưa hiểu" not in answer
    assert chat.buttons() == []


async def test_a_name_near_several_is_asked_back(commands: Commands) -> None:
    """“Na Tang” is a letter off Na Sang and a topic's name: never dropped for all news."""
    chat = Chat(commands, "telegram")
    said = await chat.say("tin xã Na Tang")
    assert "Có phải bà con muốn chọn một trong các tên dưới đây?" in said
    assert "recent:c:Na Sang" in chat.buttons() or "sub:c:Na Sang" in chat.buttons()


@pytest.mark.parametrize("said", ["giúp tôi với", "làm sao để đăng ký", "huong dan", "hdsd"])
async def test_help_in_words(commands: Commands, said: str) -> None:
    assert "Loa – hướng dẫn" in await Chat(commands).say(said)


async def test_not_understood_offers_the_likeliest_actions(
    commands: Commands, sessions: Sessions
) -> None:
    await _store(sessions, *NEWS)
    zalo = Chat(commands)
    offered = await zalo.say("con bò nhà tôi bị ốm")
    assert "Loa chưa hiểu “con bò nhà tôi bị ốm” ạ" in offered
    assert "1. 🔎 Tìm tin có “con bò nhà tôi bị ốm”" in offered
    assert "2. 📰 Xem tin mới nhất\n3. ❓ Xem hướng dẫn\nTrả lời 1, 2 hoặc 3" in offered
    assert paths(await zalo.say("2")) == ["sm2", "ta1", "mp2", "sm1", "mp1"]
    telegram = Chat(commands, "telegram")
    assert paths(await telegram.say("muong phagn")) == ["mp2", "mp1"]  # a letter off: taken
    await telegram.say("muong phhagnn")  # further off: its news is the first offer
    assert telegram.buttons()[0] == "recent:c:Mường Phăng"
    assert paths(await telegram.press("recent:c:Mường Phăng")) == ["mp2", "mp1"]


async def test_a_numbered_list_answers_to_names(commands: Commands) -> None:
    chat = Chat(commands)
    listed = await chat.say("/dangky Muong")
    assert "8. xã Mường Nhé" in listed
    assert "Đã đăng ký nhận tin về xã Mường Nhé" in await chat.say("Mường Nhé")
    await chat.say("dang ky muong")
    assert "Đã đăng ký nhận tin về xã Mường Luân" in await chat.say("luân")  # a unique part
    mine = await chat.say("/cuatoi")
    assert "xã Mường Nhé" in mine and "xã Mường Luân" in mine
    await chat.say("/dangky Muong")
    answer = await chat.say("Mường")  # not unique: not a choice, read as words instead
    assert "Đã đăng ký" not in answer


async def test_colliding_names_are_explained(commands: Commands) -> None:
    chat = Chat(commands)
    answer = await chat.say("dang ky Sam Mun")
    assert "Đã đăng ký nhận tin về xã Sam Mứn." in answer
    assert "Xã Sam Mứn cũ (huyện Điện Biên) nay thuộc xã Thanh An" in answer
    assert "1. xã Sam Mứn (cũ) → nay thuộc xã Thanh An" in answer
    assert "Đã đăng ký nhận tin về xã Thanh An" in await chat.say("1")
    mine = await chat.say("/cuatoi")
    assert "xã Sam Mứn" in mine and "xã Thanh An" in mine
    # Pom Lót and Na Ư are today's Sam Mứn: nothing to explain.
    assert "cũ (huyện" not in await Chat(commands, chat="z2").say("dang ky pom lot")


async def test_greetings_follow_whether_news_is_received(commands: Commands) -> None:
    chat = Chat(commands)
    assert "chưa gửi tin" in await chat.say("xin chào")
    await chat.say("/start")
    assert "Loa gửi bà con tin" in await chat.say("chào loa")
    await chat.say("dừng")
    assert "Đã dừng gửi tin" in await chat.say("1")
    assert "chưa gửi tin" in await chat.say("xin chào")


async def test_the_console_names_no_english(commands: Commands) -> None:
    answer = await Chat(commands, "console", "console").say("/id")
    assert answer == "Kênh: thử trên máy chủ (không có mã người dùng)"


async def test_a_misspelt_slash_command_is_asked_back(commands: Commands) -> None:
    chat = Chat(commands)
    question = await chat.say("/dnagky pom lot")
    assert question.startswith("Có phải bà con muốn đăng ký nhận tin “pom lot” không ạ?")
    assert "Đã đăng ký nhận tin về xã Sam Mứn" in await chat.say("1")
    assert "📍 xã Sam Mứn" in await chat.say("/cuatoi")


async def test_a_colliding_name_alone_explains_too(commands: Commands) -> None:
    chat = Chat(commands, "telegram")
    answer = await chat.say("Sam Mứn")
    assert "Xã Sam Mứn cũ (huyện Điện Biên) nay thuộc <b>xã Thanh An</b>" in chat.replies[0].html
    assert "Chưa có tin nào về xã Sam Mứn" in answer
    assert chat.buttons() == ["sub:c:Sam Mứn", "sub:c:Thanh An"]
    await chat.press("sub:c:Thanh An")
    assert "📍 xã Thanh An" in await chat.say("/cuatoi")


@pytest.mark.parametrize("yes", ["đúng", "vâng", "có", "1"])
async def test_a_question_answered_yes_on_zalo(commands: Commands, yes: str) -> None:
    chat = Chat(commands)
    question = await chat.say("dnag kyy pom lot")
    assert "Có phải bà con muốn đăng ký nhận tin “pom lot” không ạ?" in question
    assert "1. ✅ Đúng vậy" in question
    assert "Đã đăng ký nhận tin về xã Sam Mứn" in await chat.say(yes)
    assert "📍 xã Sam Mứn" in await chat.say("/cuatoi")


async def test_right_is_never_stop(commands: Commands) -> None:
    chat = Chat(commands, "telegram")
    await chat.say("/start")
    answer = await chat.say("đúng")  # no question pending: never the stop's confirmation
    assert "xóa toàn bộ dữ liệu" not in answer and "stop:yes" not in chat.buttons()


async def test_part_of_a_name_lists_the_places_to_read_about(
    commands: Commands, sessions: Sessions
) -> None:
    await _store(sessions, *NEWS)
    chat = Chat(commands)
    listed = await chat.say("mường")
    assert "Có 24 nơi hoặc chủ đề có tên “mường”" in listed and "9. Thêm…" in listed
    second = await chat.say("9")  # the next page, still about reading news
    assert "(trang 2/3)" in second and "1. xã Mường Phăng" in second
    assert paths(await chat.say("1")) == ["mp2", "mp1"]


async def test_a_name_inside_a_message_not_understood_is_offered(commands: Commands) -> None:
    chat = Chat(commands, "telegram")
    await chat.say("nhà tôi ở bản Phiêng Ban xã Mường Phăng")
    assert chat.buttons()[:2] == ["recent:c:Mường Phăng", "sub:c:Mường Phăng"]
    await chat.press("sub:c:Mường Phăng")
    assert "📍 xã Mường Phăng" in await chat.say("/cuatoi")


@pytest.mark.parametrize("said", ["hủy", "tôi muốn bỏ"])
async def test_cancelling_without_a_name_asks_which(commands: Commands, said: str) -> None:
    chat = Chat(commands)
    await chat.say("dang ky thanh nua")
    asked = await chat.say(said)
    assert "Bà con muốn bỏ lựa chọn nào?" in asked and "1. xã Thanh Nưa" in asked
    assert "Đã bỏ xã Thanh Nưa" in await chat.say("1")
    assert "mọi tin mới" in await chat.say("/cuatoi")


async def test_several_names_in_one_message(commands: Commands) -> None:
    chat = Chat(commands)
    answer = await chat.say("dang ky muong phang, thanh nua va sam mun")
    assert answer.count("Đã đăng ký nhận tin về") == 3
    assert "📍 xã Mường Phăng, xã Sam Mứn, xã Thanh Nưa" in await chat.say("/cuatoi")
    await chat.say("hủy đăng ký thanh nưa và sam mứn")
    mine = await chat.say("/cuatoi")
    assert "📍 xã Mường Phăng\n" in mine and "Thanh Nưa" not in mine


@pytest.mark.parametrize(
    "said", ["bố tôi ở sam mứn", "sao tôi không nhận được tin xã Sam Mứn", "đúng", "dùng"]
)
async def test_everyday_sentences_drop_nothing(commands: Commands, said: str) -> None:
    chat = Chat(commands, "telegram")
    await chat.say("dang ky sam mun")
    answer = await chat.say(said)
    assert "Đã bỏ" not in answer and "stop:yes" not in chat.buttons()
    assert "📍 xã Sam Mứn" in await chat.say("/cuatoi")


async def test_wordings_no_writer_had_used_before(commands: Commands, sessions: Sessions) -> None:
    """The wordings the last blind sets brought, in one Zalo conversation with their effects:
    a formal request, a request passed on for a grandmother, words run together, a letter,
    a part of the day said before "từ", one's settings asked with a time, a pause."""
    await _store(sessions, *NEWS)
    chat = Chat(commands)
    assert "Đã đăng ký nhận tin về xã Mường Phăng" in await chat.say(
        "Đề nghị đăng ký nhận tin xã Mường Phăng."
    )
    assert paths(await chat.say("bà cháu bảo xem tin Pom Lót")) == ["sm2", "sm1"]
    assert paths(await chat.say("tinmuongphang")) == ["mp2", "mp1"]
    letter = "Kính gửi Loa, tối từ 9h đến sáng 5h xin đừng gửi tin. Trân trọng."
    assert "21:00–05:00" in await chat.say(letter)
    assert "mỗi ngày lúc 19:00" in await chat.say("gom tin gửi 1 lần lúc 7h tối")
    mine = await chat.say("mấy giờ tôi nhận bản tin")
    assert "📍 xã Mường Phăng" in mine and "Bản tin mỗi ngày: 19:00" in mine
    assert await chat.say("xoá giờ tĩnh") == texts.QUIET_OFF
    assert "chưa đặt giờ yên tĩnh" in await chat.say("/yentinh")
    assert await chat.say("huỷ gửi tin theo giờ") == texts.BULLETIN_OFF
    assert "Đã bỏ mọi lựa chọn" in await chat.say("hủy các xã đã chọn, về mặc định nhận hết")
    assert "mọi tin mới" in await chat.say("/cuatoi")
    # A pause asks before deleting anything, as /stop does; "no" keeps everything.
    asked = await chat.say("pause hết")
    assert html_to_text(texts.STOP_CONFIRM).split("\n")[0] in asked
    await chat.say("2")
    assert "mọi tin mới" in await chat.say("/cuatoi")


async def test_wordings_of_the_last_blind_sets(commands: Commands, sessions: Sessions) -> None:
    """This session's blind sets' wordings in one Zalo conversation, with their effects: a
    subject read about is searched, "có gì hot" asks a place's news, English and 12-hour
    times set the rhythm, "theo dõi X" subscribes (never asked as a drop), and "tôi muốn dừng
    nhận tin" asks before stopping (it was once read as a start)."""
    await _store(sessions, *NEWS)
    chat = Chat(commands)
    assert paths(await chat.say("xem bài trồng cà phê")) == ["mp1"]
    assert paths(await chat.say("Sam Mứn có gì hot k")) == ["sm2", "sm1"]
    assert "mỗi ngày lúc 06:00" in await chat.say("digest 6am pls")
    assert "22:00–06:00" in await chat.say("do not disturb 22-6")
    assert "Đã đăng ký nhận tin về xã Thanh An" in await chat.say("theo dõi xã Thanh An")
    mine = await chat.say("what did i subscribe to")
    assert "📍 xã Thanh An" in mine and "Bản tin mỗi ngày: 06:00" in mine
    asked = await chat.say("tôi muốn dừng nhận tin")
    assert html_to_text(texts.STOP_CONFIRM).split("\n")[0] in asked
    await chat.say("2")  # no: everything is kept
    assert "📍 xã Thanh An" in await chat.say("/cuatoi")
