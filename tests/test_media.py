"""Stored media: unguessable names, served at /media/<name>, deleted after the retention by the
cleanup job; voice notes converted to AAC; media carried through the outbox payload."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channel import Reply
from bot.media_broadcast import with_media
from bot.outgoing import Outgoing, decode, encode
from bot.voice import VoiceError, convert_to_aac, to_aac
from jobs.media_cleanup import MediaCleanup
from storage import media
from storage.models import Broadcast, utcnow
from tests.media_support import is_adts_aac, opus_voice, png
from web.app import create_app


async def test_names_are_unguessable_and_keep_the_extension(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        first = await media.store(session, png(), "image/png")
        second = await media.store(session, b"x" * 10, "audio/aac")
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}\.png", first.name)
    assert second.name.endswith(".aac") and second.name[:22] != first.name[:22]
    assert (first.size, second.size) == (len(png()), 10)


async def test_media_is_served_by_name_and_unknown_names_are_404(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    photo = png(40, 30)
    async with sessions.begin() as session:
        stored = await media.store(session, photo, "image/png")
    transport = httpx.ASGITransport(app=create_app(sessions))
    async with httpx.AsyncClient(transport=transport, base_url="http://loa.test") as client:
        found = await client.get(f"/media/{stored.name}")
        missing = await client.get("/media/not-a-stored-name.png")
    assert found.status_code == 200 and found.content == photo
    assert found.headers["content-type"] == "image/png"
    assert missing.status_code == 404


async def test_cleanup_deletes_only_media_past_the_retention(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    now = utcnow()
    async with sessions.begin() as session:
        old = await media.store(session, b"old", "image/jpeg", now=now - timedelta(days=31))
        young = await media.store(session, b"new", "image/jpeg", now=now - timedelta(days=29))
    cleanup = MediaCleanup(sessions, timedelta(days=30), clock=lambda: now)
    assert await cleanup.clean_once() == 1
    assert await cleanup.clean_once() == 0
    async with sessions() as session:
        assert await media.find(session, old.name) is None
        assert await media.find(session, young.name) is not None


async def test_voice_note_becomes_adts_aac_of_the_same_length() -> None:
    import av

    aac = await to_aac(opus_voice(3.0))
    assert is_adts_aac(aac)
    with av.open(__import__("io").BytesIO(aac)) as container:
        seconds = sum(
            float(frame.samples) / frame.sample_rate for frame in container.decode(audio=0)
        )
    assert 2.8 < seconds < 3.3


def test_what_is_not_audio_is_refused() -> None:
    with pytest.raises(VoiceError):
        convert_to_aac(png())


def test_media_survives_the_outbox_payload() -> None:
    for reply in (
        Reply("<b>a</b>", photo_url="http://p/x.jpg"),
        Reply("b", voice_url="http://p/y.aac"),
        Reply("c", copy_from=("9101", "42")),
    ):
        assert decode(encode(Outgoing(reply))).reply == reply


def test_each_channel_gets_the_media_it_can_send() -> None:
    broadcast = Broadcast(
        text="t",
        media_kind="voice",
        media_url="http://loa/media/v.aac",
        copy_chat_id="9101",
        copy_message_id="7",
    )
    text = Reply("t")
    assert with_media(broadcast, "telegram", text).copy_from == ("9101", "7")
    assert with_media(broadcast, "zalo", text).voice_url == "http://loa/media/v.aac"
    broadcast.media_url = None  # no public URL: Zalo gets the text
    assert with_media(broadcast, "zalo", text) == text
    assert with_media(Broadcast(text="t"), "telegram", text) == text
