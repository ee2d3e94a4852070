"""State in the state directory survives a restart, and is written atomically."""

from __future__ import annotations

import json
from pathlib import Path

import requests
from sandbox_client import get_token, patch, read

from selang.sandbox import running


def test_campaigns_and_webhooks_survive_a_restart(tmp_path: Path) -> None:
    """A PATCHed campaign and a registered webhook are there after the sandbox restarts."""
    with running(state_dir=tmp_path) as sb:
        token = get_token(sb)
        doc = read(sb, token)
        doc["name"] = "Persisted"
        assert patch(sb, token, doc).status_code == 200
        hook = requests.post(
            sb.url + "/api/v2/webhooks",
            json={"url": "http://127.0.0.1:9/hook", "events": ["campaign.updated"]},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        ).json()
    with running(state_dir=tmp_path) as sb:
        token = get_token(sb)
        again = read(sb, token)
        assert again["name"] == "Persisted" and again["version"] == 2
        hooks = requests.get(
            sb.url + "/api/v2/webhooks",
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        ).json()
        assert [h["id"] for h in hooks] == [hook["id"]]


def test_state_files_are_plain_json_without_leftovers(tmp_path: Path) -> None:
    """Each campaign is one JSON file named by its id, and no temporary files remain."""
    with running(state_dir=tmp_path) as sb:
        token = get_token(sb)
        for _ in range(3):
            doc = read(sb, token)
            assert patch(sb, token, doc).status_code == 200
    files = sorted(p.name for p in (tmp_path / "campaigns").iterdir())
    assert files == [
        "campaign_collections.json",
        "campaign_reminders.json",
        "campaign_xyz789.json",
    ]
    stored = json.loads((tmp_path / "campaigns" / "campaign_xyz789.json").read_text())
    assert stored["version"] == 4


def test_existing_state_is_not_reseeded_and_bad_files_are_skipped(tmp_path: Path) -> None:
    """A restart keeps only what is stored (no reseeding) and skips an unreadable file."""
    with running(state_dir=tmp_path, campaigns=["campaign_only"]) as sb:
        assert sb.campaign("campaign_only") is not None
    (tmp_path / "campaigns" / "campaign_broken.json").write_text("{not json")
    with running(state_dir=tmp_path) as sb:
        token = get_token(sb)
        assert read(sb, token, "campaign_only")["version"] == 1
        assert sb.campaign("campaign_xyz789") is None
        assert sb.campaign("campaign_broken") is None
