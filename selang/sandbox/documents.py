"""Campaign documents: realistic seeds, timestamps, and which fields the server owns."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypeGuard

SERVER_OWNED = ("id", "version", "updatedAt")
# Any non-empty string is a campaign id, as `selang check` accepts; ids of this shape are also
# their own file names in the state folder (others are stored under a digest, see the store).
PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")


def is_campaign_id(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value != ""


_SEEDS: dict[str, dict[str, Any]] = {
    "campaign_xyz789": {
        "name": "Spring win-back",
        "status": "active",
        "dialingMode": "predictive",
        "skillId": 4012345,
        "contactSelection": {
            "targetListIds": ["list_123abc", "list_456def"],
            "exclusionListIds": ["list_dnc_001"],
            "filterRules": [
                {"field": "status", "operator": "eq", "value": "active"},
                {"field": "age", "operator": "between", "value": [18, 65]},
            ],
            "priorityOrder": ["high_value", "default"],
        },
    },
    "campaign_collections": {
        "name": "Collections - 30 days past due",
        "status": "active",
        "dialingMode": "progressive",
        "skillId": 4012377,
        "contactSelection": {
            "targetListIds": ["list_past_due_30"],
            "exclusionListIds": ["list_dnc_001", "list_disputes"],
            "filterRules": [
                {"field": "balance", "operator": "gt", "value": 50},
                {"field": "state", "operator": "in", "value": ["CA", "NY", "TX"]},
            ],
            "priorityOrder": ["balance_high", "default"],
        },
    },
    "campaign_reminders": {
        "name": "Appointment reminders",
        "status": "paused",
        "dialingMode": "preview",
        "skillId": 4012399,
        "contactSelection": {
            "targetListIds": ["list_appointments"],
            "exclusionListIds": [],
            "filterRules": [
                {"field": "phone", "operator": "is_null", "value": False},
            ],
            "priorityOrder": [],
        },
    },
}


def now_text() -> str:
    """UTC with milliseconds, the way CXone writes `updatedAt`."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def seed_document(campaign_id: str) -> dict[str, Any]:
    """A realistic version-1 campaign; ids without a canned seed get a generic one."""
    import copy

    base = _SEEDS.get(campaign_id)
    if base is None:
        base = {
            "name": campaign_id.removeprefix("campaign_").replace("_", " ").capitalize(),
            "status": "active",
            "dialingMode": "predictive",
            "skillId": 4010000 + sum(map(ord, campaign_id)) % 10000,
            "contactSelection": {
                "targetListIds": [f"list_{campaign_id.removeprefix('campaign_')}"],
                "exclusionListIds": ["list_dnc_001"],
                "filterRules": [{"field": "status", "operator": "eq", "value": "active"}],
                "priorityOrder": ["default"],
            },
        }
    return finish(campaign_id, copy.deepcopy(base), version=1)


def finish(campaign_id: str, fields: dict[str, Any], version: int) -> dict[str, Any]:
    """The stored shape: `id` first, then the client-owned fields, then the server's."""
    body = {k: v for k, v in fields.items() if k not in SERVER_OWNED}
    return {"id": campaign_id, **body, "updatedAt": now_text(), "version": version}


def etag(version: int) -> str:
    return f'"version={version}"'
