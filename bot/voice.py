"""Voice notes to AAC (ADTS ``.aac``), the one audio format Zalo's sendVoice takes.

Telegram records voice notes as OGG/Opus; PyAV (FFmpeg's libraries) decodes whatever comes and
encodes mono AAC. ``av`` is imported on first use only: FFmpeg's libraries cost tens of MB of
memory, which an instance that never converts a voice note should not pay at start-up. The
conversion is CPU work: ``to_aac`` runs it in a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import io

AAC_CONTENT_TYPE = "audio/aac"
SAMPLE_RATE = 44_100  # Zalo plays what phones record; 44.1 kHz mono AAC is what every player reads
BIT_RATE = 64_000  # speech: 64 kbit/s mono is clear and keeps a minute under 0.5 MB


class VoiceError(ValueError):
    """The bytes are not audio PyAV can read (or hold no audio stream)."""


async def to_aac(data: bytes) -> bytes:
    """``data`` (OGG/Opus, MP3, M4A, …) as ADTS AAC, converted in a worker thread."""
    return await asyncio.to_thread(convert_to_aac, data)


def convert_to_aac(data: bytes) -> bytes:
    """The conversion itself (blocking): decode, resample to mono, encode AAC into ADTS."""
    import av  # lazily: see the module docstring

    out = io.BytesIO()
    try:
        with av.open(io.BytesIO(data), "r") as source:
            if not source.streams.audio:
                raise VoiceError("no audio stream")
            with av.open(out, "w", format="adts") as target:
                stream = target.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
                stream.bit_rate = BIT_RATE
                resampler = av.AudioResampler(format="fltp", layout="mono", rate=SAMPLE_RATE)
                for frame in source.decode(source.streams.audio[0]):
                    frame.pts = None  # the resampler and encoder keep their own clock
                    for converted in resampler.resample(frame):
                        target.mux(stream.encode(converted))
                for converted in resampler.resample(None):
                    target.mux(stream.encode(converted))
                target.mux(stream.encode(None))
    except av.FFmpegError as exc:
        raise VoiceError(f"not readable audio: {exc}") from exc
    return out.getvalue()
