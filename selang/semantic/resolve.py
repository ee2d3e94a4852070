"""AST → resolved selection: resolves names and ids, expands segments (SEL002, SEL015).

Neighbours: `selang.semantic.imports` reads the file and what it imports, and collects their
definitions; policies and targets read the `Selection` this makes.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

import attrs

from selang.core.diagnostics import Diagnostic, Related, Span, error
from selang.semantic.imports import NAMES, Definition, Imports, SourceReader, empty_id
from selang.semantic.model import ListRef, Rule, Selection, Tier
from selang.semantic.project import Projects
from selang.semantic.rules import check_rule
from selang.semantic.ruletext import COMPARE_OPS
from selang.syntax import ast
from selang.syntax.parser import Comment, ParseResult
from selang.syntax.source import read_source

MALFORMED = "SEL015"

# Bounds on segment expansion: far above any real selection (CXone's own limit is 50 rules),
# low enough that a file written to blow up cannot exhaust time or memory. A step is one
# segment a rule was expanded through, so a chain of 10,000 segments around one rule is fine.
MAX_EXPANDED_RULES = 1_000
MAX_EXPANSION_STEPS = 1_000_000


_Item = Rule | ast.SegmentRef
# The segments a rule was expanded through, innermost first, as linked pairs shared by rules.
_Via = tuple[str, "_Via"] | None
_WALKING, _DONE = object(), object()


def _via_tuple(via: _Via) -> tuple[str, ...]:
    """Outermost first, as `Rule.via` holds it."""
    names: list[str] = []
    while via is not None:
        names.append(via[0])
        via = via[1]
    return tuple(reversed(names))


@attrs.frozen
class Program:
    """A root file and everything it imports, resolved."""

    path: str
    module: ast.Module | None
    selection: Selection | None
    diagnostics: tuple[Diagnostic, ...]
    # Comments of every file read, keyed by the path its spans carry (for suppressions).
    comments: dict[str, tuple[Comment, ...]] = attrs.field(factory=dict, eq=False)
    # Every file the result depends on: each one read or looked for (a missing import too).
    files: tuple[str, ...] = attrs.field(default=(), eq=False)


@attrs.define
class _Resolver(Imports):
    """Names and segments resolved over the definitions `Imports` collected."""

    own: dict[str, list[_Item]] = attrs.Factory(dict)
    state: dict[str, object] = attrs.Factory(dict)  # segments walked for cycles

    # --- names and segments ----------------------------------------------------------------
    def list_ref(self, ref: ast.ListRef) -> ListRef | None:
        """The list a reference names; None, with what is wrong reported, when it names none
        (an empty id is reported where it is written: here, or at its `list` declaration)."""
        if isinstance(ref, ast.ListId):
            if not ref.id:
                self.diagnostics.append(empty_id("list", ref.span))
                return None
            return ListRef(ref.id, ref.span)
        found = self.lists.get(ref.name)
        if found is None:
            self._unknown("list", ref.name, ref.span, self.lists)
            return None
        decl = found.node
        assert isinstance(decl, ast.ListDecl)
        return ListRef(decl.list_id, ref.span, ref.name) if decl.list_id else None

    def rules(self, conditions: tuple[ast.Condition, ...]) -> list[Rule]:
        """The rules of a `where` clause, segments expanded in place.

        The walk is iterative and the segments a rule came through are kept as linked pairs
        shared between rules (a tuple is made only for each rule returned), so a long chain of
        segments costs time in proportion to its length. The expanded size is bounded, so that
        segments that double at every level cannot exhaust time or memory.
        """
        out: list[Rule] = []
        rules = steps = 0
        stack: list[tuple[Iterator[_Item], _Via]] = [(iter(self._items(conditions)), None)]
        on_path: set[str] = set()
        while stack:
            items, via = stack[-1]
            item = next(items, None)
            if item is None:
                stack.pop()
                if via is not None:
                    on_path.discard(via[0])
                continue
            if isinstance(item, Rule):
                if via is None:
                    out.append(item)
                    continue
                names = _via_tuple(via)
                rules, steps = rules + 1, steps + len(names)
                if rules > MAX_EXPANDED_RULES or steps > MAX_EXPANSION_STEPS:
                    self._too_large(names[0], rules > MAX_EXPANDED_RULES)
                    return out
                out.append(attrs.evolve(item, via=names))
                continue
            if item.name not in self.segments or item.name in on_path:
                continue  # reported when the segments were checked
            on_path.add(item.name)
            stack.append((iter(self._own(item.name)), (item.name, via)))
        return out

    def _too_large(self, outer: str, rules: bool) -> None:
        span = self.segments[outer].node.name_span
        if rules:
            message = f"segment `{outer}` expands to more than {MAX_EXPANDED_RULES} rules"
            help = "a segment that uses another one twice doubles in size"
        else:
            message = (
                f"segment `{outer}` is too large to expand: its rules are nested under more "
                f"than {MAX_EXPANSION_STEPS} segment references in all"
            )
            help = "write the conditions of a long chain of segments into fewer segments"
        self.diagnostics.append(error(NAMES, message, span, help=help))

    def _items(self, conditions: tuple[ast.Condition, ...]) -> list[_Item]:
        """Conditions as rules and references to known segments; problems reported here."""
        items: list[_Item] = []
        for cond in conditions:
            if isinstance(cond, ast.SegmentRef):
                if cond.name not in self.segments:
                    self._unknown("segment", cond.name, cond.span, self.segments)
                items.append(cond)
                continue
            rule = _rule(cond)
            problem = check_rule(rule.field, rule.operator, rule.value)
            if problem:
                self.diagnostics.append(error(MALFORMED, problem, cond.span))
            else:
                items.append(rule)
        return items

    def _own(self, name: str) -> list[_Item]:
        """A segment's own conditions, checked once."""
        found = self.own.get(name)
        if found is None:
            decl = self.segments[name].node
            assert isinstance(decl, ast.SegmentDecl)
            found = self.own[name] = self._items(decl.conditions)
        return found

    def check_segments(self, names: list[str]) -> None:
        """Check these segments and every one they use, reporting each cycle once.

        Depth-first over the graph of segment references, iteratively; an edge back to a
        segment still being walked closes a cycle.
        """
        for root in names:
            if root in self.state or root not in self.segments:
                continue
            self.state[root] = _WALKING
            stack: list[tuple[str, Iterator[_Item]]] = [(root, iter(self._own(root)))]
            while stack:
                name, items = stack[-1]
                item = next(items, None)
                if item is None:
                    self.state[name] = _DONE
                    stack.pop()
                    continue
                if not isinstance(item, ast.SegmentRef) or item.name not in self.segments:
                    continue
                seen = self.state.get(item.name)
                if seen is _WALKING:
                    self.diagnostics.append(
                        error(
                            NAMES,
                            f"segment `{item.name}` refers to itself through `{name}`",
                            item.span,
                        )
                    )
                elif seen is None:
                    self.state[item.name] = _WALKING
                    stack.append((item.name, iter(self._own(item.name))))

    def _unknown(self, kind: str, name: str, span: Span, known: dict[str, Definition]) -> None:
        close = difflib.get_close_matches(name, list(known), n=1)
        if close:
            hint = f"did you mean `{close[0]}`?"
        elif kind == "segment":
            hint = (
                f"define it with `segment {name} = ...`, or if `{name}` is a field, "
                f"compare it: `{name} == ...`, `{name} is not null`"
            )
        else:
            hint = f'define it with `list {name} = "list-id"` or write the quoted list id'
        self.diagnostics.append(error(NAMES, f"unknown {kind} `{name}`", span, help=hint))

    # --- the campaign ----------------------------------------------------------------------
    def selection(self, campaign: ast.CampaignDecl) -> Selection:
        if not campaign.campaign_id:
            self.diagnostics.append(empty_id("campaign", campaign.id_span))
        seen: dict[type, ast.Clause] = {}
        targets: list[ListRef] = []
        exclusions: list[ListRef] = []
        rules: list[Rule] = []
        tiers: list[Tier] = []
        for clause in campaign.clauses:
            first = seen.setdefault(type(clause), clause)
            if first is not clause:
                word = _CLAUSE_WORDS[type(clause)]
                self.diagnostics.append(
                    attrs.evolve(
                        error(
                            NAMES,
                            f"`{word}` is given twice in one campaign",
                            clause.span,
                            help=f"merge both into one `{word}` clause",
                        ),
                        related=(Related(first.span, "first given here"),),
                    )
                )
                continue
            if isinstance(clause, ast.TargetClause | ast.ExcludeClause):
                into = targets if isinstance(clause, ast.TargetClause) else exclusions
                into.extend(r for r in map(self.list_ref, clause.lists) if r is not None)
            elif isinstance(clause, ast.WhereClause):
                rules.extend(self.rules(clause.conditions))
            else:
                tiers.extend(Tier(t.name, t.span) for t in clause.tiers)
        return Selection(
            campaign.campaign_id,
            tuple(targets),
            tuple(exclusions),
            tuple(rules),
            tuple(tiers),
            campaign.span,
        )


_CLAUSE_WORDS: dict[type, str] = {
    ast.TargetClause: "target",
    ast.ExcludeClause: "exclude",
    ast.WhereClause: "where",
    ast.PriorityClause: "priority",
}


def _rule(cond: ast.Condition) -> Rule:
    match cond:
        case ast.Comparison(field, op, value, span):
            return Rule(field.name, COMPARE_OPS[op], value, span)
        case ast.Membership(field, values, negated, span):
            return Rule(field.name, "not_in" if negated else "in", values, span)
        case ast.Between(field, low, high, span):
            return Rule(field.name, "between", (low, high), span)
        case ast.StringMatch(field, kind, text, span):
            return Rule(field.name, kind, text, span)
        case ast.NullCheck(field, negated, span):
            return Rule(field.name, "is_null", not negated, span)
    raise TypeError(cond)  # unreachable: segment references are expanded by the caller


def resolve(
    path: str,
    text: str | None = None,
    shared: dict[str, ParseResult | None] | None = None,
    read: SourceReader | None = None,
    top: str | None = None,
) -> Program:
    """Resolve the file at `path` (or `text` given as its contents) and all it imports.

    `shared` caches parsed files between calls (pass the same dict for every file of one run).
    `read` reads each file instead of `read_source` (an editor's unsaved documents first).
    `top` is a folder that counts as a project's top, for files copied out of their project
    (see `selang.semantic.project`).
    """
    resolver = _Resolver(
        shared=shared if shared is not None else {},
        read=read or read_source,
        projects=Projects(top),
    )
    module = resolver.load(path, text)
    selection = None
    if module is not None:
        campaigns = [d for d in module.decls if isinstance(d, ast.CampaignDecl)]
        for extra in campaigns[1:]:
            resolver.diagnostics.append(
                attrs.evolve(
                    error(
                        NAMES,
                        "a file holds at most one campaign",
                        extra.span,
                        help="move each campaign into a file of its own",
                    ),
                    related=(Related(campaigns[0].span, "first campaign here"),),
                )
            )
        # Check every segment, used or not, so that a library's mistakes show up too; then
        # those the campaign uses, so that each cycle is reported once, before expansion.
        own = [n for n, d in resolver.segments.items() if d.path == path]
        used = [
            c.name
            for campaign in campaigns[:1]
            for clause in campaign.clauses
            if isinstance(clause, ast.WhereClause)
            for c in clause.conditions
            if isinstance(c, ast.SegmentRef)
        ]
        resolver.check_segments(own + used)
        if campaigns:
            selection = resolver.selection(campaigns[0])
    seen: set[Diagnostic] = set()
    unique = [d for d in resolver.diagnostics if not (d in seen or seen.add(d))]  # type: ignore[func-returns-value]
    comments = {
        r.module.span.path: r.comments
        for r in resolver.parsed.values()
        if r is not None and r.module is not None and r.comments
    }
    return Program(path, module, selection, tuple(unique), comments, tuple(resolver.files))
