"""JSON over HTTP on the standard library, shared by the Python services (FastAPI cannot be installed here).

A service is one `route(method, path, body) -> Response` function; `serve` binds it to HOST:PORT and
prints the bound address so that a supervisor which asked for port 0 learns the real one.
"""

import contextlib
import json
import os
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

MAX_BODY_BYTES = 10 * 1024 * 1024


@dataclass
class Response:
    status: int
    body: object
    headers: dict = field(default_factory=dict)


class RawBody(bytes):
    """A request body that is not JSON (for example audio), handed to the route unparsed."""


def parse_body(content_type, raw):
    if not raw:
        return None
    if content_type.split(";")[0].strip() == "application/json":
        return json.loads(raw)
    return RawBody(raw)


def make_handler(route):
    class Handler(BaseHTTPRequestHandler):
        def _dispatch(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                return self._send(Response(413, {"detail": "Request body too large"}))
            raw = self.rfile.read(length) if length else b""
            try:
                body = parse_body(self.headers.get("Content-Type", ""), raw)
            except ValueError:
                return self._send(Response(400, {"detail": "Malformed JSON body"}))
            self._send(route(self.command, urlsplit(self.path).path, body))

        do_GET = do_POST = _dispatch

        def _send(self, response):
            payload = json.dumps(response.body).encode()
            self.send_response(response.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format, *args):
            sys.stderr.write("%s %s\n" % (self.address_string(), format % args))

    return Handler


def fetch_json(url, method="GET", body=None, content_type="application/json", timeout=5):
    """Calls a JSON endpoint and returns (status, parsed body), for HTTP errors too."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def start_in_thread(route, port=0):
    """Serves `route` from a daemon thread (tests, embedding); returns the server and its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(route))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@contextlib.contextmanager
def serving(route):
    """Serves `route` for the length of a `with` block and yields its base URL."""
    server, url = start_in_thread(route)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


def serve(route, default_port):
    host, port = os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", default_port))
    server = ThreadingHTTPServer((host, port), make_handler(route))
    print(f"listening on http://{host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
