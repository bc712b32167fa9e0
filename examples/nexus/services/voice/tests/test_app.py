import pytest

from app import route
from jsonhttp import fetch_json, serving
from wav import recording


@pytest.fixture(scope="module")
def base_url():
    with serving(route) as url:
        yield url


def test_health(base_url):
    assert fetch_json(base_url + "/health") == (200, {"status": "ok", "service": "voice"})


def test_segments_from_posted_audio(base_url):
    audio = recording([(0.3, False), (0.5, True), (0.2, False)])
    status, body = fetch_json(base_url + "/segments", "POST", audio, content_type="audio/wav")
    assert status == 200
    assert len(body["segments"]) == 1


def test_segments_need_audio(base_url):
    assert fetch_json(base_url + "/segments", "POST", {"audio": "x"})[0] == 415


def test_broken_audio_is_422(base_url):
    assert fetch_json(base_url + "/segments", "POST", b"RIFF....", content_type="audio/wav")[0] == 422


def test_summaries_over_http(base_url):
    status, body = fetch_json(base_url + "/summaries", "POST", {"transcript": "Ann: TODO: book the room"})
    assert status == 200
    assert body["action_items"] == [{"owner": "Ann", "item": "book the room"}]


def test_summary_validation(base_url):
    status, body = fetch_json(base_url + "/summaries", "POST", {"transcript": ""})
    assert status == 422 and body["detail"][0]["loc"] == ["body", "transcript"]


def test_unknown_path_is_404(base_url):
    assert fetch_json(base_url + "/nope")[0] == 404
