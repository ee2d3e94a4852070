"""The sandbox's state and the operations on it, shared by the HTTP API, the admin endpoints
and the in-process handle; nothing here knows about HTTP."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from selang.core.signing import new_secret
from selang.sandbox import documents, validate
from selang.sandbox.faults import Faults
from selang.sandbox.options import DEFAULT_CAMPAIGNS, Options
from selang.sandbox.requestlog import RequestLog
from selang.sandbox.store import CampaignStore, Document, Subscription, WebhookStore
from selang.sandbox.tokens import TokenStore
from selang.sandbox.webhooks import Deliverer


class SandboxCore:
    def __init__(self, options: Options, state_dir: Path) -> None:
        self.options = options
        self.state_dir = state_dir
        state_dir.mkdir(parents=True, exist_ok=True)
        self.campaigns = CampaignStore(state_dir / "campaigns")
        self.webhooks = WebhookStore(state_dir / "webhooks.json")
        self.tokens = TokenStore(options.token_ttl)
        self.faults = Faults(options.faults, options.fail_next, options.drop_next_patches)
        self.log = RequestLog(options.request_log_size)
        self.deliverer = Deliverer(
            options.webhook_attempts, options.webhook_backoff, options.webhook_timeout
        )
        self.ensure_seeded()

    def close(self) -> None:
        self.deliverer.close()

    # -- campaigns

    def ensure_seeded(self) -> list[str]:
        """Create the `--campaign` ids that are missing, or the defaults when there are none."""
        wanted = self.options.campaigns or (() if self.campaigns.ids() else DEFAULT_CAMPAIGNS)
        made = []
        for campaign_id in wanted:
            if self.campaigns.get(campaign_id) is None:
                self.seed_campaign(campaign_id)
                made.append(campaign_id)
        return made

    def seed_campaign(self, campaign: str | Mapping[str, Any]) -> Document:
        """Create or overwrite a campaign: a realistic one for an id, or the given document."""
        campaign_id: object
        if isinstance(campaign, str):
            campaign_id, given = campaign, None
        else:
            campaign_id, given = campaign.get("id"), dict(campaign)
        if not documents.is_campaign_id(campaign_id):
            raise validate.Invalid("id: expected a non-empty string")
        if given is None:
            return self.campaigns.put(documents.seed_document(campaign_id))
        validate.check_campaign(given, campaign_id)
        version = given.get("version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise validate.Invalid("version: expected a positive integer")
        return self.campaigns.put(documents.finish(campaign_id, given, version))

    def patch_campaign(self, campaign_id: str, version: int, body: Mapping[str, Any]) -> Document:
        """The client's whole-document write, if the campaign is still at `version`.

        Raises store.NotFound or store.VersionConflict.
        """
        doc = self.campaigns.replace(
            campaign_id,
            lambda current: documents.finish(campaign_id, dict(body), current["version"] + 1),
            expected_version=version,
        )
        self.notify(doc)
        return doc

    def edit_campaign(self, campaign_id: str, changes: Mapping[str, Any]) -> Document:
        """Another writer changes some fields (merged over the current ones); bumps the version.

        Raises store.NotFound or validate.Invalid.
        """

        def merge(current: Document) -> Document:
            merged = {**current, **changes}
            validate.check_campaign(merged, campaign_id)
            return documents.finish(campaign_id, merged, current["version"] + 1)

        doc = self.campaigns.replace(campaign_id, merge)
        self.notify(doc)
        return doc

    def reset(self, seed: bool = True) -> None:
        """Back to a fresh sandbox: no campaigns but the seeds, no webhooks, tokens or faults."""
        self.campaigns.clear()
        self.webhooks.clear()
        self.tokens.revoke_all()
        self.faults.clear()
        self.log.clear()
        self.deliverer.clear()
        if seed:
            for campaign_id in self.options.campaigns or DEFAULT_CAMPAIGNS:
                self.seed_campaign(campaign_id)

    # -- webhooks

    def add_webhook(
        self, url: str, events: Iterable[str], campaign_ids: Iterable[str] | None = None
    ) -> Subscription:
        sub = Subscription(
            id="wh_" + secrets.token_hex(8),
            url=url,
            events=tuple(events),
            secret=new_secret(),
            created_at=documents.now_text(),
            campaign_ids=None if campaign_ids is None else tuple(campaign_ids),
        )
        self.webhooks.add(sub)
        return sub

    def notify(self, doc: Document) -> None:
        data = {
            "campaignId": doc["id"],
            "version": doc["version"],
            "updatedAt": doc["updatedAt"],
            "campaign": doc,
        }
        for sub in self.webhooks.all():
            if sub.wants("campaign.updated", doc["id"]):
                self.deliverer.submit(sub, "campaign.updated", data)
