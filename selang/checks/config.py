"""Settings from `selang.toml` or `[tool.selang]` of pyproject.toml, nearest to each checked file.

Read with `tomllib` and validated here, so the policy engine only ever sees a well-formed `Config`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import attrs

from selang.core.diagnostics import Severity
from selang.core.errors import ConfigError
from selang.core.values import MAX_DIGITS

FIELD_TYPES = ("string", "number", "boolean", "date", "datetime")
# Syntax errors are never silenced: a file that does not parse has not been checked at all.
UNSILENCEABLE = "SEL001"
CODE_PREFIX = re.compile(r"[A-Z]+[0-9]*")
_SEVERITIES = {s.value: s for s in Severity}


@attrs.frozen
class Config:
    """Effective settings; `source` is the file they came from (None: built-in defaults)."""

    source: str | None = None
    max_rules: int = 50
    max_priority_depth: int = 5
    select: tuple[str, ...] = ("",)  # the empty prefix selects every code
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = attrs.field(factory=dict, hash=False)
    required_exclusions: tuple[str, ...] = ()
    fields: Mapping[str, str] | None = attrs.field(default=None, hash=False)
    options: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict, hash=False)
    contacts: Mapping[str, str] = attrs.field(factory=dict, hash=False)

    def enabled(self, code: str) -> bool:
        """Ruff's rule: the longest matching prefix decides; on a tie `ignore` wins."""
        if code == UNSILENCEABLE:
            return True
        chosen = max((len(p) for p in self.select if code.startswith(p)), default=-1)
        dropped = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return chosen > dropped

    def severity_of(self, code: str, default: Severity) -> Severity:
        return self.severity.get(code, default)

    def check_codes(self, known: Collection[str]) -> None:
        """Refuse a `select`, `ignore` or `severity` entry that names no installed rule: a typo
        such as `select = ["SE014"]` would otherwise turn every check off."""
        prefix = "tool.selang." if os.path.basename(self.source or "") == "pyproject.toml" else ""
        shown = _shown(str(self.source))
        entries = [(f"`{prefix}select` in `{shown}`", c) for c in self.select if c]
        entries += [(f"`{prefix}ignore` in `{shown}`", c) for c in self.ignore]
        _check_prefixes(entries, known)
        for code in self.severity:
            if code not in known:
                _unknown_code(code, f"`{prefix}severity` in `{shown}`", known)


def _check_prefixes(entries: Iterable[tuple[str, str]], known: Collection[str]) -> None:
    """Each `(where, code)` must be a code, or a prefix of one, of an installed rule."""
    for where, code in entries:
        if not any(k.startswith(code) for k in known):
            _unknown_code(code, where, known)


def _unknown_code(code: str, where: str, known: Collection[str]) -> None:
    import difflib

    close = difflib.get_close_matches(code, sorted(known), n=1)
    hint = f" (did you mean `{close[0]}`?)" if close else " (`selang rule --all` lists them)"
    raise ConfigError(f"{where}: `{code}` is no rule code{hint}")


@attrs.frozen
class Overrides:
    """Settings given on the command line: which settings file every input uses (instead of
    the nearest), and codes to select or ignore over what that file says.

    `select` replaces the file's `select`; `ignore` is added to its `ignore`; the longest
    matching prefix still decides (`--select SEL014` runs SEL014 under `ignore = ["SEL01"]`).
    """

    config: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, config: str | None, select: Sequence[str] | None, ignore: Sequence[str]
    ) -> Overrides:
        """Flags' values, each code spelled as in `selang.toml`; raises `ConfigError`."""
        return cls(
            config,
            None if select is None else _codes(list(select), "`--select`"),
            _codes(list(ignore), "`--ignore`"),
        )

    def check_codes(self, known: Collection[str]) -> None:
        """As `Config.check_codes`: every code must name an installed rule, or a prefix."""
        entries = [("`--select`", c) for c in self.select or ()]
        _check_prefixes(entries + [("`--ignore`", c) for c in self.ignore], known)

    def over(self, config: Config) -> Config:
        if self.select is None and not self.ignore:
            return config
        select = config.select if self.select is None else self.select
        return attrs.evolve(config, select=select, ignore=config.ignore + self.ignore)

    def key(self) -> list[object]:
        """What a cached result made under these overrides depends on, beyond the files (as
        JSON would give it back)."""
        return [self.config, None if self.select is None else list(self.select), list(self.ignore)]


NONE = Overrides()


DEFAULT = Config()

# Keys as written in TOML → the attribute they set.
_KEYS = {
    "max-rules": "max_rules",
    "max-priority-depth": "max_priority_depth",
    "select": "select",
    "ignore": "ignore",
    "severity": "severity",
    "required-exclusions": "required_exclusions",
    "fields": "fields",
    "options": "options",
    "contacts": "contacts",
}


def parse(table: Mapping[str, Any], source: str, prefix: str = "") -> Config:
    """Validate one settings table; `prefix` is how its keys are spelled (`tool.selang.`)."""
    values: dict[str, Any] = {"source": source}
    for key, raw in table.items():
        where = f"`{prefix}{key}` in `{_shown(source)}`"
        if key not in _KEYS:
            import difflib

            known = ", ".join(f"`{k}`" for k in _KEYS)
            close = difflib.get_close_matches(str(key), list(_KEYS), n=1)
            hint = f"did you mean `{close[0]}`? " if close else ""
            raise ConfigError(f"unknown key {where} ({hint}known: {known})")
        values[_KEYS[key]] = _VALIDATE[key](raw, where)
    return Config(**values)


def _positive(raw: Any, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise ConfigError(f"{where} must be a positive integer, not `{raw!r}`")
    return raw


def _codes(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        raise ConfigError(f"{where} must be an array of rule codes such as `SEL01`")
    for code in raw:
        if not CODE_PREFIX.fullmatch(code):
            raise ConfigError(f"{where}: `{code}` is not a rule code or code prefix")
    return tuple(raw)


def _severity(raw: Any, where: str) -> dict[str, Severity]:
    if not isinstance(raw, dict):
        raise ConfigError(f'{where} must be a table such as `{{SEL016 = "error"}}`')
    out = {}
    for code, level in raw.items():
        if not CODE_PREFIX.fullmatch(code):
            raise ConfigError(f"{where}: `{code}` is not a rule code")
        if not isinstance(level, str) or level not in _SEVERITIES:
            raise ConfigError(
                f"{where}: severity of `{code}` must be `error`, `warning` or `info`, "
                f"not `{level!r}`"
            )
        if code == UNSILENCEABLE and level != Severity.ERROR.value:
            raise ConfigError(f"{where}: `{code}` (syntax error) is always an error")
        out[code] = _SEVERITIES[level]
    return out


def _list_ids(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(i, str) and i for i in raw):
        raise ConfigError(f"{where} must be an array of list ids")
    return tuple(raw)


def _fields(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ConfigError(f'{where} must be a table such as `{{age = "number"}}`')
    for name, kind in raw.items():
        if kind not in FIELD_TYPES:
            allowed = ", ".join(f"`{t}`" for t in FIELD_TYPES)
            raise ConfigError(f"{where}: type of `{name}` must be one of {allowed}, not `{kind}`")
    return dict(raw)


def _options(raw: Any, where: str) -> dict[str, dict[str, Any]]:
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise ConfigError(f"{where} must hold one table per policy name")
    return dict(raw)


CONTACT_COLUMNS = ("list-column", "key-column", "tier-column")


def _contacts(raw: Any, where: str) -> dict[str, str]:
    """The contacts table's column names (CONTRACT §6)."""
    if not isinstance(raw, dict):
        raise ConfigError(f'{where} must be a table such as `{{key-column = "phone"}}`')
    for key, name in raw.items():
        if key not in CONTACT_COLUMNS:
            known = ", ".join(f"`{k}`" for k in CONTACT_COLUMNS)
            raise ConfigError(f"{where}: unknown key `{key}` (known: {known})")
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{where}: `{key}` must be a column name")
    return dict(raw)


_VALIDATE = {
    "max-rules": _positive,
    "max-priority-depth": _positive,
    "select": _codes,
    "ignore": _codes,
    "severity": _severity,
    "required-exclusions": _list_ids,
    "fields": _fields,
    "options": _options,
    "contacts": _contacts,
}


def read_file(path: str) -> Config | None:
    """The settings in one file; None for a pyproject.toml without `[tool.selang]`."""
    import tomllib

    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read `{_shown(path)}`: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"`{_shown(path)}` is not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"`{_shown(path)}` is not UTF-8 text (byte {exc.start + 1} cannot be read)"
        ) from None
    # The two ways `tomllib` fails without saying where: `int()` of a longer integer than
    # Python converts, and its recursive descent into nested arrays or inline tables.
    except ValueError:
        why = f"an integer has more than {MAX_DIGITS:,} digits"
        raise ConfigError(f"`{_shown(path)}` is not valid TOML: {why}") from None
    except RecursionError:
        why = "arrays or inline tables are nested too deep"
        raise ConfigError(f"`{_shown(path)}` is not valid TOML: {why}") from None
    if os.path.basename(path) == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict) or "selang" not in tool:
            return None
        if not isinstance(tool["selang"], dict):
            raise ConfigError(f"`tool.selang` in `{_shown(path)}` must be a table")
        return parse(tool["selang"], path, "tool.selang.")
    return parse(data, path)


class Finder:
    """Nearest configuration for a file: `selang.toml`, else a pyproject.toml with
    `[tool.selang]`, in the file's folder or the closest folder above. Cached per folder.

    With `config` (`--config PATH`), that one file serves every folder.
    """

    def __init__(self, config: str | None = None) -> None:
        self._by_folder: dict[str, Config] = {}
        self._config = config
        self._fixed: Config | None = None
        # Every configuration file looked for, found or not: what a cached result depends on.
        self.consulted: set[str] = set()

    def for_file(self, path: str) -> Config:
        return self.for_folder(os.path.dirname(os.path.abspath(path)))

    def for_folder(self, folder: str) -> Config:
        if self._config is not None:
            return self._given(self._config)
        walked: list[str] = []
        found: Config | None = None
        current = folder
        while True:
            if current in self._by_folder:
                found = self._by_folder[current]
                break
            walked.append(current)
            self.consulted.update(os.path.join(current, n) for n in CONFIG_FILES)
            found = _in_folder(current)
            if found is not None:
                break
            parent = os.path.dirname(current)
            if parent == current:
                found = DEFAULT
                break
            current = parent
        for seen in walked:
            self._by_folder[seen] = found
        return found

    def _given(self, path: str) -> Config:
        if self._fixed is None:
            self.consulted.add(os.path.abspath(path))
            found = read_file(path)
            if found is None:
                raise ConfigError(f"`{_shown(path)}` has no `[tool.selang]` table")
            self._fixed = found
        return self._fixed


CONFIG_FILES = ("selang.toml", "pyproject.toml")


def _in_folder(folder: str) -> Config | None:
    for name in CONFIG_FILES:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            found = read_file(candidate)
            if found is not None:
                return found
    return None


def _shown(path: str) -> str:
    """A configuration file's path as the user would type it: relative when below here."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
