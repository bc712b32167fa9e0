"""Finds where people speak in a WAV recording by frame energy: the first step of meeting transcription."""

import io
import math
import sys
import wave
from array import array

FRAME_SECONDS = 0.03
# Gaps shorter than a breath join two segments; blips shorter than a syllable are noise.
MERGE_GAP_SECONDS = 0.25
MIN_SEGMENT_SECONDS = 0.1
SILENCE_RMS = 500


class AudioError(ValueError):
    pass


def read_pcm16(wav_bytes):
    """Returns (sample_rate, mono samples) from 16-bit PCM WAV bytes; stereo is averaged."""
    try:
        with wave.open(io.BytesIO(wav_bytes)) as reader:
            if reader.getsampwidth() != 2:
                raise AudioError("only 16-bit PCM WAV is supported")
            channels, rate = reader.getnchannels(), reader.getframerate()
            samples = array("h", reader.readframes(reader.getnframes()))
    except (wave.Error, EOFError) as error:
        raise AudioError(f"not a WAV file: {error}") from error
    if sys.byteorder == "big":
        samples.byteswap()
    if channels > 1:
        samples = array("h", (sum(samples[i:i + channels]) // channels for i in range(0, len(samples), channels)))
    return rate, samples


def frame_loudness(samples, frame_length):
    for start in range(0, len(samples), frame_length):
        frame = samples[start:start + frame_length]
        yield math.sqrt(sum(value * value for value in frame) / len(frame))


def speech_segments(rate, samples):
    frame_length = max(1, int(rate * FRAME_SECONDS))
    seconds_per_frame = frame_length / rate
    segments = []
    for index, rms in enumerate(frame_loudness(samples, frame_length)):
        if rms < SILENCE_RMS:
            continue
        start = index * seconds_per_frame
        end = min(len(samples) / rate, start + seconds_per_frame)
        if segments and start - segments[-1][1] <= MERGE_GAP_SECONDS:
            segments[-1][1] = end
        else:
            segments.append([start, end])
    return [
        {"start": round(start, 3), "end": round(end, 3)}
        for start, end in segments
        if end - start >= MIN_SEGMENT_SECONDS
    ]


def analyse(wav_bytes):
    rate, samples = read_pcm16(wav_bytes)
    segments = speech_segments(rate, samples)
    return {
        "sample_rate": rate,
        "duration_seconds": round(len(samples) / rate, 3) if rate else 0,
        "speech_seconds": round(sum(s["end"] - s["start"] for s in segments), 3),
        "segments": segments,
    }
