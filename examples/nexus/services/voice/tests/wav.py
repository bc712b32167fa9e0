"""Builds WAV recordings in memory: tone where someone speaks, silence elsewhere."""

import io
import math
import wave
from array import array


def recording(pattern, rate=8000, channels=1, amplitude=8000):
    """`pattern` is a list of (seconds, speaking) pairs."""
    samples = array("h")
    for seconds, speaking in pattern:
        for n in range(int(seconds * rate)):
            value = int(amplitude * math.sin(2 * math.pi * 220 * n / rate)) if speaking else 0
            samples.extend([value] * channels)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(samples.tobytes())
    return buffer.getvalue()
