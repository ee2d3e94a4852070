"""Delivering outbox events to the CRM webhook, signed per Standard Webhooks when configured.

Delivery stops at the first failure (the CRM is likely down) and within a time budget; what is
left stays pending for the next run or `selang webhook flush`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import time
from pathlib import Path

import attrs

from selang.remote.deadline import within
from selang.remote.errors import describe_failure
from selang.remote.settings import CrmSettings
from selang.state import outbox


@attrs.frozen
class Delivery:
    delivered: int
    pending: int
    error: str | None = None


def signing_key(secret: str) -> bytes:
    """Standard Webhooks secrets are `whsec_` + base64; anything else is used as raw bytes."""
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except ValueError:
            pass
    return secret.encode("utf-8")


def sign(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{event_id}.{timestamp}.".encode() + body
    mac = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode("ascii")


def headers_for(crm: CrmSettings, event_id: str, body: bytes, now: float) -> dict[str, str]:
    headers = {"Content-Type": "application/json", "webhook-id": event_id}
    if crm.sync_token:
        headers["X-Sync-Token"] = crm.sync_token
    if crm.signing_secret:
        ts = int(now)
        headers["webhook-timestamp"] = str(ts)
        headers["webhook-signature"] = sign(crm.signing_secret, event_id, ts, body)
    return headers


def flush(state_dir: Path, crm: CrmSettings, *, budget: float = 10.0) -> Delivery:
    """Send pending events oldest first; never raises for a CRM problem."""
    import requests

    events = outbox.pending(state_dir)
    if not crm.configured:
        return Delivery(0, len(events), "no `CRM_WEBHOOK_URL` configured" if events else None)
    delivered = 0
    started = time.monotonic()
    error = None
    with requests.Session() as session:
        for event in events:
            if time.monotonic() - started > budget:
                error = "time budget for CRM delivery used up"
                break
            body = event.payload.encode("utf-8")
            headers = headers_for(crm, event.event_id, body, time.time())
            left = budget - (time.monotonic() - started)
            post = functools.partial(
                session.post,
                str(crm.webhook_url),
                data=body,
                headers=headers,
                timeout=(crm.connect_timeout, crm.read_timeout),
                allow_redirects=False,
            )
            try:
                # a CRM that trickles its answer is cut off when the budget is spent
                resp = within(left, post)
            except requests.RequestException as exc:
                error = f"CRM webhook unreachable: {describe_failure(exc)}"
            else:
                if 200 <= resp.status_code < 300:
                    outbox.mark_delivered(state_dir, event.event_id)
                    delivered += 1
                    continue
                error = f"CRM webhook answered {resp.status_code}"
            outbox.mark_failed(state_dir, event.event_id, error)
            break
    return Delivery(delivered, len(events) - delivered, error)
