"""What a campaign read back tells of a PATCH whose answer never came.

A PATCH sent with `If-Match: version=N` can make version N+1 and no other. The CXone API
(CONTRACT.md §5) reads a campaign only as it is now, its version and document, with no read of
an earlier version, so the outcome is told from the version now and the selection it holds:

- still at N: nothing landed yet, but the PATCH may still be on its way; only a write at N
  (which then makes N+1 itself) rules it out;
- N+1 holding our selection: N+1 is ours; N+1 holding another: it is someone else's;
- later than N+1 holding our selection: taken as ours at N+1 (a write of the very same
  selection by someone else is indistinguishable from ours);
- later than N+1 holding another selection: N+1 may have been ours and been overwritten since,
  or never ours; that cannot be told.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

from selang.remote import plan as planning

Verdict = Literal["applied", "abandoned", "undetermined"]


@attrs.frozen
class Settlement:
    verdict: Verdict
    reason: str  # as the audit trail shows it


def judge(sent_at: int, payload_sha256: str, doc: dict[str, Any]) -> Settlement | None:
    """The outcome of a PATCH of `payload_sha256` sent at version `sent_at`, told from `doc`
    as read now; None while the campaign is still at `sent_at`."""
    version = doc["version"]
    if version == sent_at:
        return None
    if version < sent_at:
        return Settlement(
            "undetermined",
            f"outcome unknown: the campaign is at version {version}, below the version "
            f"{sent_at} the change was sent at",
        )
    mine = planning.digest(doc.get("contactSelection")) == payload_sha256
    after = sent_at + 1
    if mine and version == after:
        return Settlement("applied", f"applied (confirmed: version {after} holds it)")
    if mine:
        return Settlement(
            "applied",
            f"applied (confirmed: version {version} holds it, taken as made at version {after})",
        )
    if version == after:
        return Settlement("abandoned", f"not applied: version {after} holds another selection")
    return Settlement(
        "undetermined",
        f"outcome unknown: version {version} holds another selection, and whether version "
        f"{after} was this change cannot be told",
    )
