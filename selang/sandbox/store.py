"""Durable sandbox state: one JSON file per campaign plus one for webhook subscriptions.

Every write is atomic (temporary file, fsync, `os.replace`) and happens under its campaign's
lock, so a version check and the write it guards are one step for concurrent requests.
"""

from __future__ import annotations

import copy
import hashlib
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from selang.core import files, jsonio
from selang.sandbox.documents import PLAIN_ID, is_campaign_id

Document = dict[str, Any]


class NotFound(LookupError):
    pass


class VersionConflict(Exception):
    def __init__(self, current: int) -> None:
        super().__init__(current)
        self.current = current


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    files.write_atomic(path, text.encode("utf-8"))


def _warn(message: str) -> None:
    print(f"selang sandbox: {message}", file=sys.stderr)


class CampaignStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()  # guards `_docs` and `_writing`, never held across I/O
        self._writing: dict[str, threading.Lock] = {}
        self._docs: dict[str, Document] = {}
        self._load()

    def _writer(self, campaign_id: str, create: bool = False) -> threading.Lock:
        # One lock per campaign makes its version check and write one step while writes to
        # other campaigns (and every read) go ahead during the fsyncs. Unknown ids get none.
        with self._lock:
            lock = self._writing.get(campaign_id)
            if lock is None:
                if not create and campaign_id not in self._docs:
                    raise NotFound(campaign_id)
                lock = self._writing[campaign_id] = threading.Lock()
            return lock

    def _load(self) -> None:
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("*.json")):
            if path.name.startswith("."):
                continue
            try:
                doc = jsonio.loads(path.read_bytes())
            except (OSError, ValueError) as exc:
                _warn(f"skipping unreadable campaign file {path}: {exc}")
                continue
            campaign_id = doc.get("id") if isinstance(doc, dict) else None
            if not (is_campaign_id(campaign_id) and self._path(campaign_id) == path):
                _warn(f"skipping campaign file {path}: its `id` does not match the file name")
                continue
            self._docs[campaign_id] = doc

    def _path(self, campaign_id: str) -> Path:
        """`{id}.json` for a plain id; any other one (a `/`, `..`, a space, 300 characters)
        under its digest, which no id can turn into a path outside the folder."""
        if PLAIN_ID.fullmatch(campaign_id):
            return self.folder / f"{campaign_id}.json"
        digest = hashlib.sha256(campaign_id.encode("utf-8", "surrogatepass")).hexdigest()
        return self.folder / f"_{digest}.json"

    def _save(self, doc: Document) -> None:
        write_atomic(self._path(doc["id"]), jsonio.dumps(doc, indent=2) + "\n")

    def get(self, campaign_id: str) -> Document | None:
        with self._lock:
            doc = self._docs.get(campaign_id)
            return copy.deepcopy(doc) if doc is not None else None

    def all(self) -> list[Document]:
        with self._lock:
            return [copy.deepcopy(self._docs[k]) for k in sorted(self._docs)]

    def ids(self) -> list[str]:
        with self._lock:
            return sorted(self._docs)

    def put(self, doc: Document) -> Document:
        """Create or overwrite a campaign as given (seeding)."""
        with self._writer(doc["id"], create=True):
            self._save(doc)
            with self._lock:
                self._docs[doc["id"]] = copy.deepcopy(doc)
            return copy.deepcopy(doc)

    def replace(
        self,
        campaign_id: str,
        build: Callable[[Document], Document],
        expected_version: int | None = None,
    ) -> Document:
        """Write `build(current)` if the campaign is at `expected_version` (None: any version).

        Raises NotFound, or VersionConflict carrying the current version.
        """
        with self._writer(campaign_id):
            with self._lock:
                current = self._docs.get(campaign_id)
            if current is None:
                raise NotFound(campaign_id)
            if expected_version is not None and current["version"] != expected_version:
                raise VersionConflict(current["version"])
            new = build(copy.deepcopy(current))
            self._save(new)
            with self._lock:
                self._docs[campaign_id] = new
            return copy.deepcopy(new)

    def clear(self) -> None:
        with self._lock:
            ids = list(self._docs)
        for campaign_id in ids:
            with self._writer(campaign_id):
                self._path(campaign_id).unlink(missing_ok=True)
                with self._lock:
                    self._docs.pop(campaign_id, None)


@attrs.frozen
class Subscription:
    id: str
    url: str
    events: tuple[str, ...]
    secret: str
    created_at: str
    campaign_ids: tuple[str, ...] | None = None

    def wants(self, event: str, campaign_id: str) -> bool:
        return event in self.events and (
            self.campaign_ids is None or campaign_id in self.campaign_ids
        )

    def to_json(self, with_secret: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "url": self.url, "events": list(self.events)}
        if self.campaign_ids is not None:
            out["campaignIds"] = list(self.campaign_ids)
        out["createdAt"] = self.created_at
        if with_secret:
            out["secret"] = self.secret
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Subscription:
        ids = data.get("campaignIds")
        return cls(
            id=data["id"],
            url=data["url"],
            events=tuple(data["events"]),
            secret=data["secret"],
            created_at=data["createdAt"],
            campaign_ids=None if ids is None else tuple(ids),
        )


class WebhookStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._subs: dict[str, Subscription] = {}
        if path.is_file():
            try:
                data = jsonio.loads(path.read_bytes())
                for item in data["webhooks"]:
                    sub = Subscription.from_json(item)
                    self._subs[sub.id] = sub
            except (OSError, ValueError, KeyError, TypeError) as exc:
                _warn(f"ignoring unreadable webhook file {path}: {exc}")

    def _save(self) -> None:
        items = [s.to_json(with_secret=True) for s in self._subs.values()]
        write_atomic(self.path, jsonio.dumps({"webhooks": items}, indent=2) + "\n")

    def add(self, sub: Subscription) -> None:
        with self._lock:
            self._subs[sub.id] = sub
            self._save()

    def remove(self, sub_id: str) -> bool:
        with self._lock:
            if self._subs.pop(sub_id, None) is None:
                return False
            self._save()
            return True

    def get(self, sub_id: str) -> Subscription | None:
        with self._lock:
            return self._subs.get(sub_id)

    def all(self) -> list[Subscription]:
        with self._lock:
            return list(self._subs.values())

    def clear(self) -> None:
        with self._lock:
            self._subs.clear()
            self._save()
