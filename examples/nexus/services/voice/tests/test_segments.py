import pytest

from segments import AudioError, analyse
from wav import recording


def test_finds_each_stretch_of_speech():
    result = analyse(recording([(0.5, False), (1.0, True), (1.0, False), (0.5, True)]))
    assert result["sample_rate"] == 8000
    assert result["duration_seconds"] == 3.0
    starts_and_ends = [(s["start"], s["end"]) for s in result["segments"]]
    assert len(starts_and_ends) == 2
    assert starts_and_ends[0][0] == pytest.approx(0.5, abs=0.04)
    assert starts_and_ends[0][1] == pytest.approx(1.5, abs=0.04)
    assert starts_and_ends[1][0] == pytest.approx(2.5, abs=0.04)
    assert result["speech_seconds"] == pytest.approx(1.5, abs=0.08)


def test_short_pauses_do_not_split_a_segment():
    result = analyse(recording([(0.5, True), (0.1, False), (0.5, True)]))
    assert len(result["segments"]) == 1


def test_clicks_are_not_speech():
    assert analyse(recording([(0.5, False), (0.03, True), (0.5, False)]))["segments"] == []


def test_stereo_is_mixed_down():
    result = analyse(recording([(0.4, True), (0.6, False)], channels=2))
    assert len(result["segments"]) == 1


def test_silence_has_no_segments():
    result = analyse(recording([(1.0, False)]))
    assert result["segments"] == [] and result["speech_seconds"] == 0


def test_rejects_what_is_not_wav():
    with pytest.raises(AudioError, match="not a WAV file"):
        analyse(b"ID3 this is an mp3")
