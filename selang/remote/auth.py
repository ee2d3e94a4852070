"""Client-credentials token provider: one token per run, shared by all worker threads.

Plugs into `requests` as an `AuthBase`; the client calls `invalidate` after a 401 so the next
request fetches a fresh token (once, however many threads saw the 401).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import requests
import requests.auth

from selang.core import jsonio
from selang.remote.errors import AuthError, GaveUp, describe_failure
from selang.remote.retry import Clock, RetryPolicy, SystemClock

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
    ) -> None:
        self._settings = settings
        self._session = session
        self._policy = policy or RetryPolicy()
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
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
            if self._token is None or self._clock.monotonic() >= self._refresh_at:
                self._token, lifetime = self._fetch()
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
            auth = requests.auth.HTTPBasicAuth(s.client_id, s.client_secret)
        else:
            form |= {"client_id": s.client_id, "client_secret": s.client_secret}
        budget = self._policy.start(self._clock)
        while True:
            self.requests_made += 1
            retry_after = None
            try:
                # `data=` form-encodes every character of the secret; it never goes in the URL
                resp = self._session.post(self.token_url, data=form, auth=auth, timeout=s.timeouts)
            except requests.RequestException as exc:
                problem = f"could not reach the token endpoint: {describe_failure(exc)}"
            else:
                if resp.status_code == 200:
                    return _parse(resp)
                if resp.status_code not in (429, 500, 502, 503, 504):
                    raise AuthError(
                        f"the token endpoint refused the client credentials "
                        f"({resp.status_code}){server_message(resp, (s.client_secret,))}",
                        status=resp.status_code,
                    )
                problem = f"the token endpoint answered {resp.status_code}"
                retry_after = resp.headers.get("Retry-After")
            wait = budget.next_wait(retry_after)
            if wait is None:
                raise GaveUp(f"gave up getting a token: {problem}")
            self._clock.sleep(wait)


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
    """`: message` from an error body, if any; a secret the server echoed back is masked."""
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
