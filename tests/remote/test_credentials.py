"""Client credentials on the wire: Basic form-encoding, echoed secrets masked, no cross-origin
redirect with the secret. Each test runs a real server on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from selang import sandbox
from selang.remote.auth import TokenProvider
from selang.remote.errors import AuthError
from selang.remote.settings import CxoneSettings
from tests.remote.conftest import FAST, make_client

SECRET = "s&e%c+r=e t#é/?"
CLIENT = "client id&%"

Reply = tuple[int, dict[str, str], bytes]


class Recorder(ThreadingHTTPServer):
    """A one-behaviour server: `answer(handler, body)` decides each reply; requests are kept."""

    daemon_threads = True

    def __init__(self, answer: Callable[[BaseHTTPRequestHandler, bytes], Reply]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answer = answer
        self.seen: list[tuple[str, str, bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: Recorder

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append((self.path, self.headers.get("Authorization", ""), body))
        status, headers, reply = self.server.answer(self, body)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[BaseHTTPRequestHandler, bytes], Reply]], Recorder]]:
    servers: list[Recorder] = []

    def start(answer: Callable[[BaseHTTPRequestHandler, bytes], Reply]) -> Recorder:
        server = Recorder(answer)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def token_reply(handler: BaseHTTPRequestHandler, body: bytes) -> Reply:
    token = {"access_token": "tok", "token_type": "Bearer", "expires_in": 3600}
    return 200, {"Content-Type": "application/json"}, json.dumps(token).encode()


def provider(url: str, *, basic_auth: bool = False) -> TokenProvider:
    import requests

    settings = CxoneSettings(url, CLIENT, SECRET, basic_auth=basic_auth)
    return TokenProvider(settings, requests.Session(), policy=FAST)


def test_basic_auth_form_encodes_both_halves(tmp_path: Path) -> None:
    """With `--basic-auth`, a secret holding `&%+= #` is accepted (RFC 6749 §2.3.1)."""
    with (
        sandbox.running(
            state_dir=tmp_path, client_id=CLIENT, client_secret=SECRET, campaigns=("c1",)
        ) as sb,
        make_client(sb, basic_auth=True) as client,
    ):
        assert client.get_campaign("c1")["id"] == "c1"


@pytest.mark.parametrize("basic_auth", [False, True])
def test_echoed_secret_is_masked_in_every_form(serve, basic_auth: bool) -> None:
    """A token endpoint that echoes the request back shows the secret in no encoding."""

    def echo(handler: BaseHTTPRequestHandler, body: bytes) -> Reply:
        said = f"bad request {body.decode()} {handler.headers.get('Authorization', '')}"
        return 400, {"Content-Type": "application/json"}, json.dumps({"message": said}).encode()

    server = serve(echo)
    with pytest.raises(AuthError) as caught:
        provider(server.url, basic_auth=basic_auth).token()
    message = str(caught.value)
    assert "bad request" in message
    b64 = base64.b64encode(f"{quote_plus(CLIENT)}:{quote_plus(SECRET)}".encode()).decode()
    for form in (SECRET, quote_plus(SECRET), quote(SECRET, safe=""), b64):
        assert form not in message


@pytest.mark.parametrize("status", [307, 308])
def test_redirect_to_another_origin_is_refused(serve, status: int) -> None:
    """A 307/308 naming another host or port never receives the client secret."""
    elsewhere = serve(token_reply)

    def redirect(handler: BaseHTTPRequestHandler, body: bytes) -> Reply:
        return status, {"Location": f"{elsewhere.url}/api/v2/oauth/token"}, b""

    server = serve(redirect)
    with pytest.raises(AuthError, match="another origin"):
        provider(server.url).token()
    assert elsewhere.seen == []
    assert len(server.seen) == 1


def test_redirect_within_the_origin_is_followed(serve) -> None:
    """A redirect to another path of the same origin is followed, with the form body kept."""

    def answer(handler: BaseHTTPRequestHandler, body: bytes) -> Reply:
        if handler.path == "/api/v2/oauth/token":
            return 307, {"Location": "/moved/token"}, b""
        return token_reply(handler, body)

    server = serve(answer)
    assert provider(server.url).token() == "tok"
    assert [path for path, _, _ in server.seen] == ["/api/v2/oauth/token", "/moved/token"]
    assert quote_plus(SECRET).encode() in server.seen[1][2]
