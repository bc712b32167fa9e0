"""The voice HTTP API: meeting audio in, speech segments and transcript summaries out."""

from jsonhttp import RawBody, Response, serve
from segments import AudioError, analyse
from summary import summarise


def route(method, path, body):
    if method == "GET" and path == "/health":
        return Response(200, {"status": "ok", "service": "voice"})
    if method == "POST" and path == "/segments":
        if not isinstance(body, RawBody):
            return Response(415, {"detail": "send the recording as audio/wav"})
        try:
            return Response(200, analyse(body))
        except AudioError as error:
            return Response(422, {"detail": [{"loc": ["body"], "msg": str(error)}]})
    if method == "POST" and path == "/summaries":
        try:
            return Response(200, summarise((body or {}).get("transcript") if isinstance(body, dict) else None))
        except ValueError as error:
            return Response(422, {"detail": [{"loc": ["body", "transcript"], "msg": str(error)}]})
    return Response(404, {"detail": "Not Found"})


if __name__ == "__main__":
    serve(route, default_port=8003)
