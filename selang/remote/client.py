"""The CXone HTTP client: one session, the token, timeouts on every call, the retry policy.

Reads are retried here. A PATCH is sent exactly once per call; what to do after an unknown
outcome is the apply engine's decision (it reads the campaign before anything else).
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

import attrs
import requests
import requests.adapters

from selang.core import jsonio
from selang.remote.auth import TokenProvider, secret_forms, server_message
from selang.remote.deadline import RunBudget, within
from selang.remote.errors import AuthError, GaveUp, RemoteError, describe_failure
from selang.remote.ratelimit import RateLimiter
from selang.remote.retry import Clock, RetryPolicy, SystemClock
from selang.remote.settings import CxoneSettings
from selang.remote.stats import Stats

RETRYABLE = frozenset({429, 500, 502, 503, 504})


@attrs.frozen
class PatchReply:
    """What one PATCH came back with; `unknown` means it may or may not have been applied."""

    kind: Literal["applied", "conflict", "throttled", "unknown"]
    document: dict[str, Any] | None = None
    retry_after: str | None = None
    reason: str = ""


class CxoneClient:
    def __init__(
        self,
        settings: CxoneSettings,
        *,
        policy: RetryPolicy | None = None,
        clock: Clock | None = None,
        limiter: RateLimiter | None = None,
        workers: int = 1,
    ) -> None:
        """`workers`: how many threads will send at once; each keeps a connection alive."""
        self.settings = settings
        self.policy = policy or RetryPolicy()
        self.clock = clock or SystemClock()
        self.limiter = limiter or RateLimiter(self.clock, settings.rate_limit)
        self.stats = Stats()
        self.session = requests.Session()
        # urllib3 must never re-send on its own: a PATCH is resent only after a re-read.
        # One host; a pool smaller than the workers would close and reopen connections.
        adapter = requests.adapters.HTTPAdapter(
            max_retries=0, pool_connections=1, pool_maxsize=max(1, workers)
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["Accept"] = "application/json"
        self.session.headers["User-Agent"] = "selang"
        self.budget = RunBudget(settings.run_timeout, self.clock.monotonic)
        self.auth = TokenProvider(
            settings,
            self.session,
            policy=self.policy,
            clock=self.clock,
            budget=self.budget,
            stats=self.stats,
        )

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> CxoneClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # campaigns

    def get_campaign(self, campaign_id: str) -> dict[str, Any]:
        resp = self._read("GET", _campaign_path(campaign_id))
        self._raise_for(resp, f"campaign `{campaign_id}`")
        doc = _json(resp)
        if not isinstance(doc, dict) or not isinstance(doc.get("version"), int):
            raise RemoteError(f"campaign `{campaign_id}` came back without an integer `version`")
        return doc

    def patch_campaign(self, campaign_id: str, document: dict[str, Any]) -> PatchReply:
        """One PATCH under `If-Match: version=N` where N is the document's version."""
        headers = {"If-Match": f"version={document['version']}"}
        try:
            resp = self._once("PATCH", _campaign_path(campaign_id), document, headers)
        except AuthError:
            raise
        except requests.RequestException as exc:
            return PatchReply("unknown", reason=describe_failure(exc))
        if resp.status_code == 200:
            doc = _json(resp)
            return PatchReply("applied", doc if isinstance(doc, dict) else None)
        if resp.status_code == 409:
            return PatchReply("conflict")
        if resp.status_code == 429:
            return PatchReply("throttled", retry_after=resp.headers.get("Retry-After"))
        if resp.status_code >= 500:
            return PatchReply(
                "unknown",
                retry_after=resp.headers.get("Retry-After"),
                reason=f"the server answered {resp.status_code}",
            )
        self._raise_for(resp, f"campaign `{campaign_id}`")
        raise RemoteError(
            f"unexpected answer {resp.status_code} to the change", status=resp.status_code
        )

    # webhooks

    def list_webhooks(self) -> list[dict[str, Any]]:
        resp = self._read("GET", "/api/v2/webhooks")
        self._raise_for(resp, "webhooks")
        body = _json(resp)
        if isinstance(body, dict):  # tolerate {"webhooks": [...]} as well as a bare list
            body = body.get("webhooks", body.get("items", []))
        return [w for w in body if isinstance(w, dict)] if isinstance(body, list) else []

    def create_webhook(self, url: str, events: list[str]) -> dict[str, Any]:
        # creating is not idempotent: one attempt plus the 401 replay, no blind retry
        try:
            resp = self._once("POST", "/api/v2/webhooks", {"url": url, "events": events})
        except requests.RequestException as exc:
            raise RemoteError(f"could not register the webhook: {describe_failure(exc)}") from None
        self._raise_for(resp, "webhook")
        body = _json(resp)
        return body if isinstance(body, dict) else {}

    def delete_webhook(self, webhook_id: str) -> None:
        resp = self._read("DELETE", f"/api/v2/webhooks/{quote(webhook_id, safe='')}")
        self._raise_for(resp, f"webhook `{webhook_id}`")

    # plumbing

    def _once(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        """One exchange, replayed once with a fresh token after a 401."""
        resp = self._send(method, path, body, headers)
        if resp.status_code != 401:
            return resp
        sent = resp.request.headers.get("Authorization", "")
        if isinstance(sent, bytes):
            sent = sent.decode("latin-1")
        self.auth.invalidate(sent.removeprefix("Bearer "))
        self.stats.add(retries=1)
        resp = self._send(method, path, body, headers)
        if resp.status_code == 401:
            raise AuthError("the server refused a fresh access token (401)", status=401)
        return resp

    def _send(
        self, method: str, path: str, body: Any, headers: dict[str, str] | None
    ) -> requests.Response:
        self.limiter.wait()
        all_headers = dict(headers or {})
        data = None
        if body is not None:
            data = jsonio.dumps(body).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        self.auth.token()  # fetched here, not inside the bounded exchange below
        limit = self.budget.cap(self.settings.exchange_timeout, f"before {method} {path}")
        self.stats.add(requests=1)
        sent_at = self.clock.monotonic()
        resp = within(
            limit,
            lambda: self.session.request(
                method,
                self.settings.instance_url + path,
                data=data,
                headers=all_headers,
                auth=self.auth,
                timeout=self.settings.timeouts,
            ),
        )
        if resp.status_code == 429:
            # everyone waits and the pace is learned here; the caller still counts its attempt
            wait = self.policy.delay(0, resp.headers.get("Retry-After"), self.clock.now())
            self.limiter.throttled(wait, sent_at)
        else:
            self.limiter.accepted()
        return resp

    def _read(self, method: str, path: str) -> requests.Response:
        """An idempotent request, retried on 429, 5xx and connection trouble within budget."""
        budget = self.policy.start(self.clock)
        while True:
            retry_after = None
            throttled = False
            try:
                resp = self._once(method, path)
            except requests.RequestException as exc:
                problem = describe_failure(exc)
            else:
                if resp.status_code not in RETRYABLE:
                    return resp
                problem = f"the server answered {resp.status_code}"
                retry_after = resp.headers.get("Retry-After")
                throttled = resp.status_code == 429
            wait = budget.next_wait(retry_after)
            if wait is None:
                raise GaveUp(f"gave up after {budget.attempts} attempts: {problem}")
            self.stats.add(retries=1)
            wait = self.budget.cap(wait, f"retrying {method} {path}")
            if throttled:
                self.limiter.pause(wait)  # everyone waits, this worker included (in _send)
            else:
                self.clock.sleep(wait)

    def pause_all(self, retry_after: str | None, attempt: int) -> float:
        """After a 429 on a PATCH: hold every worker for the server's wait (or a backoff)."""
        wait = self.policy.delay(attempt, retry_after, self.clock.now())
        self.limiter.pause(wait)
        self.stats.add(retries=1)
        return wait

    def _raise_for(self, resp: requests.Response, what: str) -> None:
        status = resp.status_code
        if 200 <= status < 300:
            return
        detail = server_message(resp, secret_forms(self.settings))
        if status == 404:
            raise RemoteError(f"{what} not found (404){detail}", status=status)
        if status == 403:
            raise RemoteError(f"not allowed to access {what} (403){detail}", status=status)
        if status == 400:
            raise RemoteError(
                f"the server rejected the request for {what} (400){detail}", status=status
            )
        raise RemoteError(f"the server answered {status} for {what}{detail}", status=status)


def _campaign_path(campaign_id: str) -> str:
    """The campaign's URL path; every character of the id but the unreserved ones is escaped,
    and so are the dots of an id `.` or `..`, which a URL would otherwise resolve away."""
    segment = quote(campaign_id, safe="")
    if segment in (".", ".."):
        segment = segment.replace(".", "%2E")
    return f"/api/v2/outbound/campaigns/{segment}"


def _json(resp: requests.Response) -> Any:
    try:
        return jsonio.loads(resp.content)
    except jsonio.JsonError as exc:
        raise RemoteError(
            f"the server answered {resp.status_code} with a body that cannot be read: {exc}"
        ) from None
