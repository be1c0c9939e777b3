"""What a photo or voice broadcast becomes at preview: its text, its media per channel, or the
reason it is refused (not one's own message, too large, caption too long)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.channel import Attachment, ChannelError, Incoming, Reply
from bot.media_broadcast import MediaDraft, MediaDrafts
from storage.models import Media
from tests.media_support import is_adts_aac, opus_voice, png

ADMIN = "9101"


def incoming(args: str = "/thongbao", **extra: Attachment) -> Incoming:
    return Incoming(channel="telegram", chat_id=ADMIN, user_id=ADMIN, text=args, **extra)


def photo(
    data: bytes, *, user: str = ADMIN, caption: str = "", size: int | None = None
) -> Attachment:
    async def fetch() -> bytes:
        return data

    return Attachment("photo", ADMIN, "77", user, caption, file_id="f", size=size, fetch=fetch)


async def test_a_photo_reply_takes_its_caption_and_stores_a_public_copy(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    drafts = MediaDrafts(sessions, "https://loa.example.vn/", 10)
    prepared = await drafts.prepare(
        incoming(reply_to=photo(png(), caption="Họp dân 8h")), "xã Sam Mứn"
    )
    assert not isinstance(prepared, Reply)
    args, media = prepared
    assert args == "xã Sam Mứn: Họp dân 8h"
    assert isinstance(media, MediaDraft) and media.kind == "photo"
    assert (media.copy_chat_id, media.copy_message_id) == (ADMIN, "77")
    assert media.media_url is not None
    assert media.media_url.startswith("https://loa.example.vn/media/")
    assert texts.media_zalo_gets("photo", True) in media.notes
    async with sessions() as session:
        [stored] = (await session.scalars(select(Media))).all()
    assert stored.content_type == "image/png" and media.media_url.endswith(stored.name)


async def test_a_voice_note_is_stored_as_aac(sessions: async_sessionmaker[AsyncSession]) -> None:
    async def fetch() -> bytes:
        return opus_voice(1.0)

    voice = Attachment("voice", ADMIN, "78", ADMIN, fetch=fetch, size=5000)
    prepared = await MediaDrafts(sessions, "http://loa", 10).prepare(incoming(reply_to=voice), "")
    assert not isinstance(prepared, Reply)
    assert prepared[1] is not None and (prepared[1].media_url or "").endswith(".aac")
    async with sessions() as session:
        [stored] = (await session.scalars(select(Media))).all()
    assert stored.content_type == "audio/aac" and is_adts_aac(stored.data)
    assert texts.MEDIA_ZALO_NOTHING not in prepared[1].notes  # Zalo gets the voice itself


async def test_without_public_url_nothing_is_downloaded_and_zalo_gets_text(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async def refuse() -> bytes:
        raise AssertionError("nothing should be downloaded")

    source = Attachment("photo", ADMIN, "5", ADMIN, fetch=refuse)
    prepared = await MediaDrafts(sessions, None, 10).prepare(incoming(media=source), "Tin: chữ")
    assert not isinstance(prepared, Reply) and prepared[1] is not None
    assert prepared[1].media_url is None and texts.MEDIA_ZALO_TEXT_ONLY in prepared[1].notes


async def test_a_failed_download_leaves_zalo_the_text(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async def fail() -> bytes:
        raise ChannelError("file is too big")

    source = Attachment("photo", ADMIN, "5", ADMIN, fetch=fail)
    prepared = await MediaDrafts(sessions, "http://loa", 10).prepare(incoming(media=source), "a")
    assert not isinstance(prepared, Reply) and prepared[1] is not None
    assert prepared[1].media_url is None and texts.MEDIA_ZALO_FAILED in prepared[1].notes


async def test_refusals_say_why(sessions: async_sessionmaker[AsyncSession]) -> None:
    drafts = MediaDrafts(sessions, "http://loa", 1)
    not_own = await drafts.prepare(incoming(reply_to=photo(png(), user="42")), "")
    assert not_own == Reply(texts.MEDIA_NOT_OWN)
    # With a text of its own, a reply to someone else's message is a plain text broadcast.
    text = await drafts.prepare(incoming(reply_to=photo(png(), user="42")), "Họp dân")
    assert text == ("Họp dân", None)
    large = await drafts.prepare(incoming(reply_to=photo(png(), size=3 * 1024 * 1024)), "")
    assert large == Reply(texts.media_too_large(3.0, 1))
    caption = await drafts.prepare(incoming(reply_to=photo(png())), "x" * 1200)
    assert caption == Reply(texts.media_caption_too_long(1200, 1000))


async def test_a_reply_to_a_text_broadcasts_that_text(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    said = Attachment("text", ADMIN, "9", ADMIN, "Ngày mai cắt điện")
    prepared = await MediaDrafts(sessions, None, 10).prepare(incoming(reply_to=said), "")
    assert prepared == ("Ngày mai cắt điện", None)
