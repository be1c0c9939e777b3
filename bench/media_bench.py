"""Media benchmark: voice conversion cost, and a photo broadcast at the platforms' limits.

    .venv/bin/python bench/media_bench.py [--minutes 1] [--residents 10000]
        [--telegram-rate 300] [--zalo-residents 2000] [--zalo-rate 100] [--skip-voice]
        [--skip-photo]

(a) voice: an OGG/Opus voice note of ``--minutes`` minutes (a sine tone, as Telegram records)
    converted to AAC by ``bot.voice`` in a fresh interpreter: seconds per minute of audio, and
    the peak resident memory (max RSS) before ``import av``, after it and after the conversion.
    Baseline: the interpreter with Loa's other imports and no ``av`` (what start-up pays).
(b) photo broadcast: one photo broadcast to ``--residents`` Telegram residents (copyMessage of
    the administrator's photo) and ``--zalo-residents`` Zalo residents (sendPhoto of Loa's
    stored copy, served by Loa's /media route, which the Zalo emulator fetches), both at their
    limit (RAISED from 30/s and 10/s to keep the run short, as in broadcast_bench.py). The
    figure is the achieved rate as a fraction of the limit, from the first delivery to the
    last (goal >= 0.95, as for text), Gửi -> last delivery against n / rate beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import broadcast_bench as bb  # noqa: E402

from base.config import Settings  # noqa: E402
from bot.channel import Attachment, Incoming  # noqa: E402
from bot.commands import Commands  # noqa: E402
from tests.media_support import png  # noqa: E402
from tests.support.server import serve  # noqa: E402
from web.app import create_app  # noqa: E402

PHOTO_MESSAGE_ID = "1"  # the photo the emulator's administrator sent, before anything else
MARKER = "Đường lên bản Na Ư sạt lở, bà con tránh đi"

# The Telegram emulator with the administrator's photo already sent (message 1), served from
# its own process so that it does not share this interpreter's lock.
TELEGRAM_SERVER = f"""
import sys, uvicorn
from tests.emulators.telegram import TelegramEmulator
from tests.media_support import png
port, rate = int(sys.argv[1]), float(sys.argv[2])
emulator = TelegramEmulator(global_rate=rate, per_chat_rate=None, any_chat=True)
emulator.send_photo({bb.ADMIN}, png(), "/thongbao {MARKER}")
uvicorn.run(emulator.app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
"""

VOICE_PROBE = """
import json, sys, time
def rss(field="VmRSS"):  # MiB now (VmRSS) or at the peak so far (VmHWM)
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
import bot.commands, jobs.send, bot.media_broadcast  # what loa run imports, av excepted
assert "av" not in sys.modules
voice = open(sys.argv[1], "rb").read()
before = rss()
import av
after_import = rss()
from bot.voice import convert_to_aac
start = time.perf_counter()
aac = convert_to_aac(voice)
seconds = time.perf_counter() - start
print(json.dumps({"before": before, "import": after_import, "after": rss("VmHWM"),
                  "seconds": seconds, "opus": len(voice), "aac": len(aac)}))
"""


def voice(minutes: float, tmp: str) -> None:
    from tests.media_support import opus_voice

    recorded = Path(tmp) / "voice.ogg"
    recorded.write_bytes(opus_voice(60.0 * minutes))  # made here: the probe must not load av
    probe = subprocess.run(
        [sys.executable, "-c", VOICE_PROBE, str(recorded)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(probe.stdout)
    per_minute = figures["seconds"] / minutes
    print(f"(a) voice note to AAC, {minutes:g} min of audio (OGG/Opus {figures['opus']} B):")
    print(
        f"  {figures['seconds']:.2f} s = {per_minute:.2f} s per minute of audio"
        f" ({60 / per_minute:.0f}x real time); AAC {figures['aac']} B"
        f" ({figures['aac'] / minutes / 1024:.0f} KiB per minute)"
    )
    print(
        f"  RSS: {figures['before']:.0f} MiB without av (baseline, what start-up pays),"
        f" {figures['import']:.0f} MiB after import av"
        f" (+{figures['import'] - figures['before']:.0f}); peak {figures['after']:.0f} MiB"
        f" by the end of the conversion (+{figures['after'] - figures['before']:.0f})"
    )


async def photo_draft(commands: Commands) -> tuple[int, object]:
    """The administrator's "/thongbao" photo: drafted (its copy stored for Zalo), Gửi pressed."""
    from storage.models import utcnow

    async def fetch() -> bytes:
        return png()

    photo = Attachment("photo", bb.ADMIN, PHOTO_MESSAGE_ID, bb.ADMIN, fetch=fetch)
    admin = Incoming(
        channel="telegram",
        chat_id=bb.ADMIN,
        user_id=bb.ADMIN,
        text=f"/thongbao {MARKER}",
        media=photo,
    )
    preview = await commands.handle(admin)
    data = preview[-1].buttons[0][0].data
    pressed = utcnow()
    answer = await commands.handle(
        Incoming(channel="telegram", chat_id=bb.ADMIN, user_id=bb.ADMIN, callback_data=data)
    )
    assert "Đang gửi" in answer[0].html, answer
    return int(data.rsplit(":", 1)[1]), pressed


async def photo_broadcast(args: argparse.Namespace, tmp: str) -> None:
    rates = (args.telegram_rate, args.zalo_rate)
    counts = {"telegram": args.residents, "zalo": args.zalo_residents}
    telegram_cmd = [sys.executable, "-c", TELEGRAM_SERVER, "{port}", str(rates[0])]
    zalo_cmd = [sys.executable, "-c", bb.ZALO_SERVER, "{port}", str(rates[1]), bb.ZALO_TOKEN]
    with (
        bb._process(telegram_cmd, "/_emulator/stats") as telegram_url,
        bb._process(zalo_cmd, "/_stats") as zalo_url,
    ):
        async with bb.loa(
            f"sqlite+aiosqlite:///{tmp}/media.db", (telegram_url, zalo_url), rates
        ) as parts:
            with serve(create_app(parts.sessions)) as public_url:
                settings = Settings.model_validate(
                    {"telegram": {"admins": [int(bb.ADMIN)]}, "web": {"public_url": public_url}}
                )
                commands = Commands(
                    parts.sessions,
                    parts.commands.catalog,
                    settings,
                    on_queued=parts.queued.notify,
                )
                await bb.seed_residents(parts.sessions, "telegram", args.residents, 1_000_000)
                await bb.seed_residents(parts.sessions, "zalo", args.zalo_residents, 1_000_000)
                broadcast_id, pressed = await photo_draft(commands)
                await bb.wait_finished(parts.sessions, broadcast_id)
                measured = await bb.timings(parts.sessions, broadcast_id, pressed)  # type: ignore[arg-type]
        telegram, zalo = bb.emulator_stats(telegram_url, zalo_url)
    print(
        f"(b) one photo broadcast, both channels at once, at {rates[0]:g}/s and {rates[1]:g}/s"
        " (the platforms' limits are 30/s and 10/s; the defaults raise them to keep it short):"
    )
    for channel, rate in zip(counts, rates, strict=True):
        sent, first, last = measured.get(channel, (0, math.nan, math.nan))
        achieved = (sent - 1) / (last - first) if last > first else math.nan
        print(
            f"  {channel:<8} {counts[channel]:>6} residents at {rate:g}/s: {achieved:.1f}/s ="
            f" {achieved / rate:.3f} of the limit (goal >= 0.95); Gửi -> last {last:.1f} s vs"
            f" n / rate {counts[channel] / rate:.1f} s; sent {sent}/{counts[channel]}"
        )
    print(
        f"  platform answers: telegram 429s {telegram['rate_limited']}, duplicates"
        f" {telegram['sent'] - telegram['chats']}; zalo throttled {zalo['throttled']}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--telegram-rate", type=float, default=300.0)
    parser.add_argument("--zalo-residents", type=int, default=2_000)
    parser.add_argument("--zalo-rate", type=float, default=100.0)
    parser.add_argument("--skip-voice", action="store_true")
    parser.add_argument("--skip-photo", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_voice:
            voice(args.minutes, tmp)
        if not args.skip_photo:
            await photo_broadcast(args, tmp)


if __name__ == "__main__":
    asyncio.run(main())
