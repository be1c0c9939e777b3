"""Media the tests make themselves (no binary fixture from elsewhere): a PNG photo, a sine
tone as an OGG/Opus voice note (what Telegram records), and checks of what came back."""

from __future__ import annotations

import io
import math
import struct
import zlib
from array import array


def png(width: int = 320, height: int = 200) -> bytes:
    """A valid RGB PNG of ``width`` × ``height`` (a gradient, so it is not all one colour)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    # Each row: filter byte 0, then ``width`` RGB triples.
    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, 128)) for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def opus_voice(seconds: float = 2.0, frequency: float = 440.0) -> bytes:
    """A mono 48 kHz sine tone encoded as OGG/Opus, like a Telegram voice note."""
    import av

    rate, step = 48_000, 960
    out = io.BytesIO()
    with av.open(out, "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=rate, layout="mono")
        samples = int(seconds * rate)
        for start in range(0, samples, step):
            count = min(step, samples - start)
            wave = array("h", (_sample(start + i, rate, frequency) for i in range(count)))
            frame = av.AudioFrame(format="s16", layout="mono", samples=count)
            frame.planes[0].update(wave.tobytes())
            frame.sample_rate = rate
            frame.pts = start
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def _sample(index: int, rate: int, frequency: float) -> int:
    return int(0.3 * 32767 * math.sin(2 * math.pi * frequency * index / rate))


def is_adts_aac(data: bytes) -> bool:
    """An ADTS AAC stream: it starts with the 12-bit sync word 0xFFF and layer 0."""
    return len(data) > 7 and data[0] == 0xFF and (data[1] & 0xF6) == 0xF0
