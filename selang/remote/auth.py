"""Client-credentials token provider: one token per run, shared by all worker threads.

Plugs into `requests` as an `AuthBase`; the client calls `invalidate` after a 401 so the next
request fetches a fresh token (once, however many threads saw the 401).
"""

from __future__ import annotations

import base64
import functools
import threading
from typing import TYPE_CHECKING
from urllib.parse import quote, quote_plus, urljoin, urlsplit

import requests
import requests.auth

from selang.core import jsonio
from selang.remote.deadline import RunBudget, within
from selang.remote.errors import AuthError, RemoteError, TokenUnavailable, describe_failure
from selang.remote.retry import Clock, RetryPolicy, SystemClock
from selang.remote.stats import Stats

if TYPE_CHECKING:
    from selang.remote.settings import CxoneSettings


class TokenProvider(requests.auth.AuthBase):
    def __init__(
        self,
        settings: CxoneSettings,
        session: requests.Session,
        *,
        policy: RetryPolicy | None = None,
        clock: Clock | None = None,
        budget: RunBudget | None = None,
        stats: Stats | None = None,
    ) -> None:
        self._settings = settings
        self._stats = stats or Stats()
        self._session = session
        self._policy = policy or RetryPolicy()
        self._clock = clock or SystemClock()
        self._budget = budget or RunBudget(None, self._clock.monotonic)
        self._lock = threading.Lock()
        # A fetch that failed is not tried again by every worker in turn: they all get it.
        self._failure: RemoteError | None = None
        self._token: str | None = None
        self._refresh_at = 0.0
        self.requests_made = 0

    @property
    def token_url(self) -> str:
        return f"{self._settings.instance_url}/api/v2/oauth/token"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token()}"
        return request

    def token(self) -> str:
        with self._lock:
            if self._failure is not None:
                raise self._failure
            if self._token is None or self._clock.monotonic() >= self._refresh_at:
                try:
                    self._token, lifetime = self._fetch()
                except RemoteError as exc:
                    self._failure = exc
                    raise
                # refresh a little early so a request never leaves with a token about to expire
                margin = min(30.0, lifetime / 10)
                self._refresh_at = self._clock.monotonic() + lifetime - margin
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget `token` if it is still the current one (a 401 came back for it)."""
        with self._lock:
            if self._token == token:
                self._token = None

    def _fetch(self) -> tuple[str, float]:
        s = self._settings
        form = {"grant_type": "client_credentials", "scope": s.scope}
        auth = None
        if s.basic_auth:
            # RFC 6749 §2.3.1: both halves are form-encoded before they are joined and Base64ed
            auth = requests.auth.HTTPBasicAuth(quote_plus(s.client_id), quote_plus(s.client_secret))
        else:
            form |= {"client_id": s.client_id, "client_secret": s.client_secret}
        budget = self._policy.start(self._clock)
        while True:
            self.requests_made += 1
            retry_after = None
            try:
                # `data=` form-encodes every character of the secret; it never goes in the URL
                resp = self._post_same_origin(form, auth)
            except requests.RequestException as exc:
                problem = f"could not reach the token endpoint: {describe_failure(exc)}"
            else:
                if resp.status_code == 200:
                    return _parse(resp)
                if resp.status_code not in (429, 500, 502, 503, 504):
                    raise AuthError(
                        f"the token endpoint refused the client credentials "
                        f"({resp.status_code}){server_message(resp, secret_forms(s))}",
                        status=resp.status_code,
                    )
                problem = f"the token endpoint answered {resp.status_code}"
                retry_after = resp.headers.get("Retry-After")
            wait = budget.next_wait(retry_after)
            if wait is None:
                raise TokenUnavailable(f"gave up getting a token: {problem}")
            self._stats.add(retries=1)
            self._clock.sleep(self._budget.cap(wait, "waiting for a token"))

    def _post_same_origin(
        self, form: dict[str, str], auth: requests.auth.AuthBase | None
    ) -> requests.Response:
        """POST the credentials, following a redirect only within the instance's own origin:
        `requests` would re-send the form body, and so the secret, to any host a 307 names."""
        url = self.token_url
        for _ in range(MAX_REDIRECTS + 1):
            limit = self._budget.cap(self._settings.exchange_timeout, "getting a token")
            resp = within(limit, functools.partial(self._post, url, form, auth))
            location = resp.headers.get("Location")
            if not resp.is_redirect or location is None:
                return resp
            url = urljoin(url, location)
            if _origin(url) != _origin(self.token_url):
                raise AuthError(
                    f"the token endpoint redirected to another origin (`{_origin(url)}`); "
                    "client credentials are never sent there",
                    status=resp.status_code,
                )
        raise AuthError(f"the token endpoint redirected more than {MAX_REDIRECTS} times")

    def _post(
        self, url: str, form: dict[str, str], auth: requests.auth.AuthBase | None
    ) -> requests.Response:
        timeouts = self._settings.timeouts
        return self._session.post(
            url, data=form, auth=auth, timeout=timeouts, allow_redirects=False
        )


MAX_REDIRECTS = 3


def _origin(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return f"{parts.scheme}://{parts.hostname}:{port}"


def secret_forms(settings: CxoneSettings) -> tuple[str, ...]:
    """Every spelling in which the client secret leaves this process: as typed, form-encoded
    (the body), percent-encoded, and inside the Base64 of a Basic header; a server that echoes
    the request back may show any of them."""
    secret, client_id = settings.client_secret, settings.client_id
    if not secret:
        return ()
    forms = {secret, quote_plus(secret), quote(secret, safe="")}
    for pair in (f"{client_id}:{secret}", f"{quote_plus(client_id)}:{quote_plus(secret)}"):
        forms.add(base64.b64encode(pair.encode("utf-8")).decode("ascii"))
    # Longest first, so a form that contains another is masked whole.
    return tuple(sorted(forms, key=len, reverse=True))


def _parse(resp: requests.Response) -> tuple[str, float]:
    try:
        body = jsonio.loads(resp.content)
        token = body["access_token"]
        lifetime = float(body.get("expires_in", 3600))
    except (ValueError, KeyError, TypeError):
        raise AuthError("the token endpoint answered 200 without an `access_token`") from None
    if not isinstance(token, str) or not token:
        raise AuthError("the token endpoint answered 200 without an `access_token`")
    return token, max(lifetime, 1.0)


def server_message(resp: requests.Response, secrets: tuple[str, ...] = ()) -> str:
    """`: message` from an error body, if any; a secret the server echoed back is masked in
    every form given (see `secret_forms`)."""
    try:
        body = jsonio.loads(resp.content)
    except ValueError:
        return ""
    if isinstance(body, dict):
        for key in ("message", "error_description", "error"):
            text = body.get(key)
            if isinstance(text, str) and text:
                for secret in secrets:
                    if secret:
                        text = text.replace(secret, "***")
                return f": {text[:500]}"
    return ""
