"""Finding and loading policies from the `selang.policies` entry-point group.

Find first (names only, nothing imported), load second; both sorted so every run sees the same
order. A plugin that cannot be loaded becomes a `Failure` naming it, never an exception.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import attrs

from selang import DISTRIBUTION
from selang.checks import ENTRY_POINT_GROUP, Policy
from selang.core.diagnostics import Severity

_CODE = re.compile(r"[A-Z]+[0-9]+")


@attrs.frozen
class Found:
    """One entry point: its name, `module:attribute` value and the distribution that ships it."""

    name: str
    value: str
    dist: str | None = None

    @property
    def module(self) -> str:
        return self.value.split(":", 1)[0].strip()

    def describe(self) -> str:
        return f"`{self.name}` (`{self.value}`)"


@attrs.frozen
class Loaded:
    found: Found
    policy: Policy

    @property
    def code(self) -> str:
        return self.policy.code


@attrs.frozen
class Failure:
    """A plugin that could not be loaded; `reason` says why, for the diagnostic's help."""

    found: Found
    reason: str


@attrs.frozen
class Registry:
    policies: tuple[Loaded, ...]
    failures: tuple[Failure, ...]

    def get(self, code: str) -> Loaded | None:
        return next((p for p in self.policies if p.code == code.upper()), None)


@functools.cache
def find() -> tuple[Found, ...]:
    """Every registered policy, sorted by entry-point name then value; imports nothing.

    Scanning installed metadata costs more than checking a small file, so the result is kept
    in the user's cache, keyed by the distributions on `sys.path` (`cachedir.sys_path_key`):
    installing, upgrading or removing one changes the key.
    """
    key = _path_key()
    cached = _read_index(key)
    if cached is not None:
        return cached
    found = _scan()
    _write_index(key, found)
    return found


def _scan() -> tuple[Found, ...]:
    from importlib.metadata import entry_points

    seen: dict[tuple[str, str], Found] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist.name if ep.dist is not None else None
        # The same distribution can be visible twice on sys.path (editable installs).
        seen.setdefault((ep.name, ep.value), Found(ep.name, ep.value, dist))
    return tuple(sorted(seen.values(), key=lambda f: (f.name, f.value)))


def _path_key() -> list[object]:
    from selang import __version__
    from selang.core.cachedir import sys_path_key

    return [__version__, ENTRY_POINT_GROUP, *sys_path_key()]


def _index_path(key: list[object]) -> Path | None:
    """One index per key, so that runs from different folders do not evict each other."""
    from selang.core.cachedir import cache_file

    return cache_file("entry-points", key)


def _read_index(key: list[object]) -> tuple[Found, ...] | None:
    import json

    path = _index_path(key)
    try:
        data = json.loads(path.read_bytes()) if path else None
    except (OSError, ValueError, RecursionError):  # a damaged index is a miss
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    try:
        return tuple(Found(*item) for item in data["found"])
    except (TypeError, KeyError):
        return None


def _write_index(key: list[object], found: tuple[Found, ...]) -> None:
    import json

    from selang.core.cachedir import write_atomic

    path = _index_path(key)
    if path is not None:
        items = [[f.name, f.value, f.dist] for f in found]
        write_atomic(path, json.dumps({"key": key, "found": items}).encode())


def load(found: tuple[Found, ...]) -> Registry:
    """Import and instantiate each policy; order by (code, name). When two claim one code,
    selang's own wins, then the first by name."""
    loaded: list[Loaded] = []
    failures: list[Failure] = []
    for entry in found:
        policy, reason = _load_one(entry)
        if policy is None:
            failures.append(Failure(entry, reason))
        else:
            loaded.append(Loaded(entry, policy))
    loaded.sort(key=lambda p: (p.code, p.found.dist != DISTRIBUTION, p.policy.name, p.found.name))
    unique: list[Loaded] = []
    for item in loaded:
        if unique and unique[-1].code == item.code:
            first = unique[-1].found.describe()
            failures.append(Failure(item.found, f"code `{item.code}` is already used by {first}"))
        else:
            unique.append(item)
    return Registry(tuple(unique), tuple(failures))


@functools.cache
def registry() -> Registry:
    """The installed policies, loaded once per process."""
    return load(find())


def clear_cache() -> None:
    """Forget what was found, e.g. after installing a plugin into the running interpreter."""
    find.cache_clear()
    registry.cache_clear()


def _load_one(entry: Found) -> tuple[Policy | None, str]:
    # What `EntryPoint.load` does, without importing importlib.metadata on every start.
    import importlib

    try:
        module, _, attr = entry.value.partition(":")
        obj: Any = importlib.import_module(module.strip())
        for part in filter(None, attr.strip().split(".")):
            obj = getattr(obj, part)
        policy = obj() if isinstance(obj, type) else obj
    except Exception as exc:  # a plugin may fail in any way; it must not stop the others
        return None, f"loading it raised: {exception_text(exc)}"
    problem = _shape_problem(policy)
    return (None, problem) if problem else (policy, "")


def _shape_problem(policy: Any) -> str | None:
    code = getattr(policy, "code", None)
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        return "it has no `code` such as `ABC123`"
    if not isinstance(getattr(policy, "name", None), str):
        return "it has no `name`"
    if not isinstance(getattr(policy, "severity", None), Severity):
        return "its `severity` is not `error`, `warning` or `info`"
    if not callable(getattr(policy, "check", None)):
        return "it has no `check` method"
    return None


def exception_text(exc: BaseException) -> str:
    message = str(exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__
