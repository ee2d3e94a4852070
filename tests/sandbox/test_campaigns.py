"""Reading and writing campaigns: ETags, If-Match, version checks and strict body validation."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import requests
from sandbox_client import bearer, campaign_url, get_token, patch, read

from selang.sandbox.inprocess import Sandbox

SELECTION_KEYS = ["targetListIds", "exclusionListIds", "filterRules", "priorityOrder"]


def test_get_returns_a_realistic_document_with_etag(sb: Sandbox) -> None:
    """A seeded campaign reads back with its fields, an integer version and a matching ETag."""
    answer = requests.get(campaign_url(sb), headers=bearer(get_token(sb)), timeout=5)
    assert answer.status_code == 200
    doc = answer.json()
    for key in ("id", "name", "status", "dialingMode", "skillId", "updatedAt", "version"):
        assert key in doc
    assert doc["id"] == "campaign_xyz789"
    assert doc["version"] == 1 and isinstance(doc["version"], int)
    assert list(doc["contactSelection"]) == SELECTION_KEYS
    assert answer.headers["ETag"] == '"version=1"'
    assert answer.headers["Content-Type"].startswith("application/json")


def test_default_seeds_exist(sb: Sandbox) -> None:
    """A fresh sandbox holds the three documented seed campaigns."""
    token = get_token(sb)
    for campaign_id in ("campaign_xyz789", "campaign_collections", "campaign_reminders"):
        assert read(sb, token, campaign_id)["id"] == campaign_id


def test_patch_replaces_the_document_and_bumps_the_version(sb: Sandbox) -> None:
    """A good PATCH answers 200 with version + 1, a new updatedAt and the body's fields."""
    token = get_token(sb)
    doc = read(sb, token)
    doc["name"] = "Renamed"
    del doc["dialingMode"]
    doc["updatedAt"] = "1999-01-01T00:00:00.000Z"
    answer = patch(sb, token, doc)
    assert answer.status_code == 200, answer.text
    new = answer.json()
    assert new["version"] == 2
    assert answer.headers["ETag"] == '"version=2"'
    assert new["updatedAt"] != "1999-01-01T00:00:00.000Z"
    assert new["name"] == "Renamed"
    assert "dialingMode" not in new
    assert read(sb, token) == new


def test_decimals_keep_the_form_they_were_sent_in(sb: Sandbox) -> None:
    """A value sent as `0.10` is stored and answered as `0.10`, not through a float."""
    token = get_token(sb)
    doc = read(sb, token)
    doc["contactSelection"]["filterRules"] = [{"field": "score", "operator": "gte", "value": 7}]
    text = json.dumps(doc).replace('"value": 7', '"value": 0.10')
    answer = requests.patch(
        campaign_url(sb),
        data=text,
        headers=bearer(token, **{"If-Match": "version=1", "Content-Type": "application/json"}),
        timeout=5,
    )
    assert answer.status_code == 200, answer.text
    assert '"value":0.10' in answer.text
    again = requests.get(campaign_url(sb), headers=bearer(token), timeout=5)
    assert '"value":0.10' in again.text


def test_patch_without_if_match_is_428(sb: Sandbox) -> None:
    """A PATCH with no If-Match is refused with 428 and changes nothing."""
    token = get_token(sb)
    doc = read(sb, token)
    answer = requests.patch(campaign_url(sb), json=doc, headers=bearer(token), timeout=5)
    assert answer.status_code == 428
    assert "If-Match" in answer.json()["message"]
    assert read(sb, token)["version"] == 1


def test_stale_version_is_409_naming_the_current_version(sb: Sandbox) -> None:
    """After another writer bumps the version, the old If-Match gets 409 with the current one."""
    token = get_token(sb)
    doc = read(sb, token)
    sb.edit_campaign("campaign_xyz789", status="paused")
    sb.edit_campaign("campaign_xyz789", status="active")
    answer = patch(sb, token, doc)
    assert answer.status_code == 409
    assert "3" in answer.json()["message"]
    assert answer.json()["currentVersion"] == 3


def test_quoted_etag_is_accepted_as_if_match(sb: Sandbox) -> None:
    """The ETag value echoed verbatim in If-Match works as well as the bare `version=N`."""
    token = get_token(sb)
    first = requests.get(campaign_url(sb), headers=bearer(token), timeout=5)
    answer = requests.patch(
        campaign_url(sb),
        json=first.json(),
        headers=bearer(token, **{"If-Match": first.headers["ETag"]}),
        timeout=5,
    )
    assert answer.status_code == 200


def test_body_version_must_match_if_match(sb: Sandbox) -> None:
    """A body whose `version` differs from If-Match is a 400, and a missing one too."""
    token = get_token(sb)
    doc = read(sb, token)
    assert patch(sb, token, {**doc, "version": 7}, version=1).status_code == 400
    no_version = {k: v for k, v in doc.items() if k != "version"}
    answer = patch(sb, token, no_version, version=1)
    assert answer.status_code == 400
    assert answer.json()["message"].startswith("version:")


def test_unknown_campaign_is_404(sb: Sandbox) -> None:
    """GET and PATCH of a campaign that does not exist answer 404 in JSON."""
    token = get_token(sb)
    url = campaign_url(sb, "campaign_nope")
    assert requests.get(url, headers=bearer(token), timeout=5).status_code == 404
    doc = read(sb, token)
    answer = patch(sb, token, doc, campaign_id="campaign_nope")
    assert answer.status_code == 404
    assert "campaign_nope" in answer.json()["message"]


def _with_selection(doc: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["contactSelection"].update(changes)
    return out


def _rule(field: str, operator: Any, value: Any) -> dict[str, Any]:
    return {"field": field, "operator": operator, "value": value}


BAD_SELECTIONS: list[tuple[dict[str, Any], str]] = [
    (
        {"exclusionListIds": ["list_dnc_001", "list_456def"]},
        "contactSelection.exclusionListIds[1]: list `list_456def` is also a target",
    ),
    (
        {"filterRules": [_rule("a", "eq", 1), _rule("b", "eq", 2), _rule("c", "like", "x")]},
        "contactSelection.filterRules[2].operator: unknown operator `like`",
    ),
    ({"filterRules": [_rule("a", "in", [])]}, "contactSelection.filterRules[0].value:"),
    ({"filterRules": [_rule("a", "in", "CA")]}, "contactSelection.filterRules[0].value:"),
    ({"filterRules": [_rule("a", "eq", [1])]}, "contactSelection.filterRules[0].value:"),
    ({"filterRules": [_rule("a", "eq", None)]}, "contactSelection.filterRules[0].value:"),
    ({"filterRules": [_rule("a", "between", [3])]}, "contactSelection.filterRules[0].value:"),
    ({"filterRules": [_rule("a", "between", [9, 1])]}, "lower bound `9` is greater"),
    ({"filterRules": [_rule("a", "between", [1, "z"])]}, "different kinds"),
    (
        {"filterRules": [_rule("d", "between", ["2024-02-01", "2024-01-31"])]},
        "contactSelection.filterRules[0].value: lower bound",
    ),
    ({"filterRules": [_rule("a", "is_null", "yes")]}, "contactSelection.filterRules[0].value:"),
    ({"filterRules": [_rule("a", "starts_with", 5)]}, "contactSelection.filterRules[0].value:"),
    ({"filterRules": [{"field": "a", "operator": "eq"}]}, "filterRules[0].value: required"),
    ({"filterRules": [{**_rule("a", "eq", 1), "x": 1}]}, "filterRules[0].x: unknown key"),
    ({"filterRules": [_rule("", "eq", 1)]}, "contactSelection.filterRules[0].field:"),
    ({"targetListIds": ["list_a", ""]}, "contactSelection.targetListIds[1]:"),
    ({"targetListIds": ["list_a", 7]}, "contactSelection.targetListIds[1]:"),
    ({"priorityOrder": "default"}, "contactSelection.priorityOrder: expected an array"),
    ({"priorityOrder": [1]}, "contactSelection.priorityOrder[0]:"),
    ({"extra": []}, "contactSelection.extra: unknown key"),
]


@pytest.mark.parametrize(("changes", "expected"), BAD_SELECTIONS)
def test_bad_selections_are_400_naming_the_element(
    sb: Sandbox, changes: dict[str, Any], expected: str
) -> None:
    """Each malformed selection is refused with 400 and a message naming the offending element."""
    token = get_token(sb)
    answer = patch(sb, token, _with_selection(read(sb, token), **changes))
    assert answer.status_code == 400
    assert expected in answer.json()["message"]
    assert read(sb, token)["version"] == 1


def test_missing_selection_key_is_400(sb: Sandbox) -> None:
    """A contactSelection without one of the four keys is refused, naming the key."""
    token = get_token(sb)
    doc = read(sb, token)
    del doc["contactSelection"]["priorityOrder"]
    answer = patch(sb, token, doc)
    assert answer.status_code == 400
    assert answer.json()["message"] == "contactSelection.priorityOrder: required"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b'{"a": 1, "a": 2}', "application/json"),
        (b'{"version": NaN}', "application/json"),
        (b'{"version": -Infinity}', "application/json"),
        (b'{"version": 1' + b"0" * 5000 + b"}", "application/json"),
        (b'{"version": 1, "x": 1e5000}', "application/json"),
        (b'{"version": 1, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "application/json"),
        (b'{"version": 1, "x": ' + b"[" * 900 + b"]" * 900 + b"}", "application/json"),
        (b'{"version": 1, "x": ' + b'{"a":' * 900 + b"1" + b"}" * 900 + b"}", "application/json"),
        (b"", "application/json"),
        (b"{}", "text/plain"),
    ],
)
def test_non_documents_are_refused_in_json(sb: Sandbox, body: bytes, content_type: str) -> None:
    """Bodies that are not one JSON object get a 4xx with a JSON message, never a traceback."""
    token = get_token(sb)
    answer = requests.patch(
        campaign_url(sb),
        data=body,
        headers=bearer(token, **{"If-Match": "version=1", "Content-Type": content_type}),
        timeout=5,
    )
    assert 400 <= answer.status_code < 500
    assert answer.json()["message"]


def _with(doc: dict[str, Any], raw: str) -> bytes:
    """`doc` as JSON text with one more top-level member written as raw JSON text."""
    return (json.dumps(doc)[:-1] + ', "notes": ' + raw + "}").encode()


@pytest.mark.parametrize(
    "raw",
    [
        "1" + "0" * 5000,
        "1e5000",
        "[" * 900 + "]" * 900,
        '{"a":' * 900 + "1" + "}" * 900,
        "[" * 200_000 + "]" * 200_000,
    ],
    ids=["5001-digit-integer", "5001-digit-exponent", "900-arrays", "900-objects", "200k-arrays"],
)
def test_huge_numbers_and_deep_nesting_are_400(sb: Sandbox, raw: str) -> None:
    """A whole campaign document carrying a number too long or nesting too deep for any reader
    is refused with 400 and a message, before anything is stored, never answered with 500."""
    token = get_token(sb)
    doc = read(sb, token)
    answer = requests.patch(
        campaign_url(sb),
        data=_with(doc, raw),
        headers=bearer(
            token, **{"If-Match": f"version={doc['version']}", "Content-Type": "application/json"}
        ),
        timeout=5,
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["message"]
    assert read(sb, token) == doc


def test_server_owned_id_cannot_be_changed(sb: Sandbox) -> None:
    """A body naming another campaign's id is refused rather than silently moved."""
    token = get_token(sb)
    answer = patch(sb, token, {**read(sb, token), "id": "campaign_other"})
    assert answer.status_code == 400
    assert answer.json()["message"].startswith("id:")


def test_unknown_paths_and_methods_answer_json(sb: Sandbox) -> None:
    """Unknown endpoints are 404 and wrong methods 405 with Allow, both with JSON bodies."""
    token = get_token(sb)
    missing = requests.get(sb.url + "/api/v2/nothing", headers=bearer(token), timeout=5)
    assert missing.status_code == 404 and missing.json()["message"]
    wrong = requests.delete(campaign_url(sb), headers=bearer(token), timeout=5)
    assert wrong.status_code == 405
    assert wrong.headers["Allow"] == "GET, PATCH"
    assert wrong.json()["message"]
