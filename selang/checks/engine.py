"""Running the policies over loaded selections and applying configuration and suppressions.

One `Session` serves one run (a `check` over many files, or one `compile`): it caches settings per
folder and knows which suppressions were used, so unused ones are reported once at the end.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping

import attrs

from selang.checks import Context, Policy
from selang.checks.config import NONE, Config, Finder, Overrides
from selang.checks.registry import Failure, Found, exception_text, registry
from selang.checks.suppressions import Suppression, covering, parse
from selang.core.diagnostics import Diagnostic, Severity, Span
from selang.semantic.model import Selection
from selang.syntax.parser import Comment
from selang.syntax.source import read_source

PLUGIN_FAILED = "SEL099"
UNUSED_SUPPRESSION = "SEL024"


@attrs.frozen
class Outcome:
    """What one file's checks came to after configuration and suppressions.

    `overridden` holds error diagnostics from reading the file that configuration ignored or
    downgraded: the reader dropped what they point at, so the selection must not be sent.
    """

    diagnostics: tuple[Diagnostic, ...]
    overridden: tuple[Diagnostic, ...] = ()


def known_codes() -> set[str]:
    """The codes settings may name: every installed rule's, and every plugin's that failed."""
    reg = registry()
    return {entry.code for entry in reg.policies} | {f.found.name for f in reg.failures}


@attrs.define
class Session:
    # Settings from the command line, over each file's; their `config` picks the finder's file.
    overrides: Overrides = NONE
    finder: Finder = attrs.Factory(lambda self: Finder(self.overrides.config), takes_self=True)
    _suppressions: dict[str, list[Suppression]] = attrs.Factory(dict)
    _used: set[tuple[str, str, int, int]] = attrs.Factory(set)
    _roots: dict[str, Config] = attrs.Factory(dict)
    _codes_checked: set[str] = attrs.Factory(set)
    # Plugin load failures are reported once per run: by the session of the run's first file.
    report_failures: bool = True
    # How a file with suppressions is read again (an editor's unsaved text comes first).
    read: Callable[[str], tuple[str | None, Diagnostic | None]] = read_source

    def run(
        self,
        path: str,
        selection: Selection | None,
        front_end: Iterable[Diagnostic],
        comments: Mapping[str, tuple[Comment, ...]] | None = None,
    ) -> Outcome:
        """Check one file: its reader's diagnostics plus every enabled policy's.

        Raises `ConfigError` when the file's nearest configuration is invalid.
        """
        config = self.finder.for_file(path)
        reg = registry()
        if config.source is not None and config.source not in self._codes_checked:
            config.check_codes(known_codes())
            self._codes_checked.add(config.source)
        config = self.overrides.over(config)
        self._roots[path] = config
        front_end = tuple(front_end)
        found = list(front_end)
        if self.report_failures:
            self.report_failures = False
            found.extend(_failure(f, Span.point(path)) for f in reg.failures)
        if selection is not None:
            context = Context(path, config)
            for entry in reg.policies:
                if config.enabled(entry.code):
                    found.extend(_run_one(entry.found, entry.policy, selection, context))
        suppressions = self._suppressions_in(comments or {})
        kept: list[Diagnostic] = []
        for d in found:
            if not config.enabled(d.code):
                continue
            silencer = covering(d, suppressions.get(d.span.path, ()))
            if silencer is not None:
                self._used.add(_use_key(silencer))
                continue
            severity = config.severity_of(d.code, d.severity)
            kept.append(d if severity is d.severity else attrs.evolve(d, severity=severity))
        still_errors = {_identity(d) for d in kept if d.is_error}
        overridden = tuple(d for d in front_end if d.is_error and _identity(d) not in still_errors)
        return Outcome(tuple(kept), overridden)

    def absorb(self, other: Session) -> None:
        """Take in what another session (a worker's share of the same run) saw and used."""
        for file, items in other._suppressions.items():
            self._suppressions.setdefault(file, items)
        self._used |= other._used
        self._roots.update(other._roots)
        self.finder.consulted |= other.finder.consulted

    def finish(self) -> dict[str, tuple[Diagnostic, ...]]:
        """Unused suppressions in the files checked as roots, keyed by root path."""
        out: dict[str, tuple[Diagnostic, ...]] = {}
        for root, config in self._roots.items():
            if not config.enabled(UNUSED_SUPPRESSION):
                continue
            unused = [
                Diagnostic(
                    UNUSED_SUPPRESSION,
                    config.severity_of(UNUSED_SUPPRESSION, Severity.WARNING),
                    f"unused suppression of `{s.code}`",
                    s.span,
                    help=f"nothing on this line reports `{s.code}`; remove it from the comment",
                )
                for s in self._suppressions.get(root, ())
                if _use_key(s) not in self._used
            ]
            if unused:
                out[root] = tuple(unused)
        return out

    def _suppressions_in(
        self, comments: Mapping[str, tuple[Comment, ...]]
    ) -> dict[str, list[Suppression]]:
        out = {}
        for file, items in comments.items():
            if file not in self._suppressions:
                self._suppressions[file] = _parse_file(file, items, self.read)
            out[file] = self._suppressions[file]
        return out


def _parse_file(
    path: str,
    comments: tuple[Comment, ...],
    read: Callable[[str], tuple[str | None, Diagnostic | None]],
) -> list[Suppression]:
    if not any("selang:" in c.text for c in comments):
        return []
    text, _ = read(path)
    return parse(path, comments, text)


def _run_one(
    found: Found, policy: Policy, selection: Selection, context: Context
) -> list[Diagnostic]:
    try:
        result = list(policy.check(selection, context))
    except Exception as exc:  # a failing policy must not stop the others
        return [
            _failure(Failure(found, f"its check raised: {exception_text(exc)}"), selection.span)
        ]
    if not all(isinstance(d, Diagnostic) for d in result):
        why = "its check returned something other than diagnostics"
        return [_failure(Failure(found, why), selection.span)]
    return result


def _failure(failure: Failure, span: Span) -> Diagnostic:
    return Diagnostic(
        PLUGIN_FAILED,
        Severity.ERROR,
        f"policy plugin {failure.found.describe()} failed, so its checks did not run",
        span,
        help=failure.reason,
    )


def _identity(d: Diagnostic) -> tuple[str, Span, str]:
    return (d.code, d.span, d.message)


def _use_key(s: Suppression) -> tuple[str, str, int, int]:
    # One library can be reached under several spellings of its path (`a/../lib.sel`).
    return (os.path.realpath(s.span.path), s.code, s.span.line, s.span.column)
