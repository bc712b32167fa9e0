"""The BMAD HTTP API: FastAPI's request and error shapes on the standard library."""

from planner import AGENTS, PlanError, make_plan
from jsonhttp import Response, serve


def route(method, path, body):
    if method == "GET" and path == "/health":
        return Response(200, {"status": "ok", "service": "bmad"})
    if method == "GET" and path == "/agents":
        return Response(200, [{"id": key, "role": role} for key, role in AGENTS.items()])
    if method == "POST" and path == "/plan":
        if not isinstance(body, dict):
            return Response(422, {"detail": [{"loc": ["body"], "msg": "a JSON object is required"}]})
        try:
            return Response(200, make_plan(body.get("goal"), body.get("track", "method")))
        except PlanError as error:
            return Response(422, {"detail": [{"loc": ["body", error.loc], "msg": error.msg}]})
    return Response(404, {"detail": "Not Found"})


if __name__ == "__main__":
    serve(route, default_port=8001)
