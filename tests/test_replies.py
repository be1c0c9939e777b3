"""Command answers survive a throttle: retried after the wait, in order, then given up."""

from __future__ import annotations

import pytest

from bot.channel import Channel, MessageRejected, Reply, ResidentGone, RetryLater
from bot.replies import ReplySender


class ScriptedChannel(Channel):
    """Raises the scripted errors in turn, then accepts; records what was accepted."""

    name = "fake"
    max_text_length = 4096

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.sent: list[str] = []

    async def send(self, chat_id: str, reply: Reply) -> str:
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append(reply.html)
        return str(len(self.sent))


REPLIES = [Reply("một"), Reply("hai"), Reply("ba")]


async def test_a_throttled_answer_is_sent_after_the_wait_in_order() -> None:
    channel = ScriptedChannel(RetryLater("429", 0.01))
    sender = ReplySender(channel)
    await sender.send("c", REPLIES)
    assert channel.sent == []  # nothing yet: the rest goes out after the wait
    await sender.wait()
    assert channel.sent == ["một", "hai", "ba"]


async def test_answers_are_dropped_after_the_last_attempt(caplog: pytest.LogCaptureFixture) -> None:
    channel = ScriptedChannel(*[RetryLater("down", None) for _ in range(3)])
    sender = ReplySender(channel, attempts=3, backoff_seconds=0.01)
    await sender.send("c", REPLIES)
    await sender.wait()
    assert channel.sent == []
    assert "3 answers to c dropped after 3 attempts" in caplog.text


async def test_a_rejected_answer_does_not_stop_the_next_and_a_gone_chat_stops_all() -> None:
    channel = ScriptedChannel(MessageRejected("too long"))
    await ReplySender(channel).send("c", REPLIES)
    assert channel.sent == ["hai", "ba"]
    gone = ScriptedChannel(ResidentGone("blocked"))
    await ReplySender(gone).send("c", REPLIES)
    assert gone.sent == []


async def test_closing_drops_what_waits() -> None:
    channel = ScriptedChannel(RetryLater("429", 60))
    sender = ReplySender(channel)
    await sender.send("c", REPLIES)
    await sender.aclose()
    await sender.wait()
    assert channel.sent == []
