import pytest

from app import route
from jsonhttp import fetch_json, serving


@pytest.fixture(scope="module")
def base_url():
    with serving(route) as url:
        yield url


def call(base_url, method, path, body=None):
    return fetch_json(base_url + path, method, body)


def test_health(base_url):
    assert call(base_url, "GET", "/health") == (200, {"status": "ok", "service": "bmad"})


def test_agents_lists_every_role(base_url):
    status, agents = call(base_url, "GET", "/agents")
    assert status == 200
    assert {agent["id"] for agent in agents} == {"analyst", "pm", "architect", "sm", "dev", "qa"}


def test_plan_over_http(base_url):
    status, plan = call(base_url, "POST", "/plan", {"goal": "Voice notes", "track": "quick"})
    assert status == 200
    assert plan["track"] == "quick"
    assert plan["phases"][-1]["agent"] == "dev"


def test_validation_errors_have_fastapi_shape(base_url):
    status, body = call(base_url, "POST", "/plan", {"goal": ""})
    assert status == 422
    assert body["detail"][0]["loc"] == ["body", "goal"]


def test_non_object_body_is_422(base_url):
    assert call(base_url, "POST", "/plan", ["goal"])[0] == 422


def test_malformed_json_is_400(base_url):
    assert call(base_url, "POST", "/plan", b"{nope") == (400, {"detail": "Malformed JSON body"})


def test_unknown_path_is_404(base_url):
    assert call(base_url, "GET", "/nope") == (404, {"detail": "Not Found"})
