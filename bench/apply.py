"""Apply: `selang apply` over 200 campaigns against the sandbox with 20 ms latency per request.

The baseline is what a hand-written script does: one token, then for each campaign a GET and a
PATCH with `If-Match`, one after the other, a new connection per request (plain `requests.get`
and `requests.patch`, selections compiled beforehand). Both run as fresh processes against one
in-process sandbox, alternating, every selection reset between runs; medians of `--runs`.
Then `selang apply` runs under the sandbox's rate limit, once learning the pace from 429s and
once told it; the achieved rate is the requests the sandbox served (not 429) over the span
between the first and last request in its log (its bucket starts full, worth one second).
Targets: speed-up >= 5x; achieved >= 90% of the limit with no failed campaign.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import PY, make_tree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from selang.app.loader import load_selection
from selang.core import jsonio
from selang.remote import plan as planning
from selang.sandbox import running
from selang.sandbox.inprocess import Sandbox
from selang.targets import cxone

BASELINE = """
import json, os, sys, requests
url, desired = sys.argv[1], json.load(open(sys.argv[2]))
token = requests.post(url + "/api/v2/oauth/token", data={
    "grant_type": "client_credentials",
    "client_id": os.environ["CXONE_CLIENT_ID"],
    "client_secret": os.environ["CXONE_CLIENT_SECRET"],
}, timeout=30).json()["access_token"]
auth = {"Authorization": "Bearer " + token}
for cid, selection in desired.items():
    campaign = url + "/api/v2/outbound/campaigns/" + cid
    doc = requests.get(campaign, headers=auth, timeout=30)
    doc.raise_for_status()
    doc = doc.json()
    doc["contactSelection"] = selection
    headers = {**auth, "If-Match": "version=%d" % doc["version"]}
    requests.patch(campaign, json=doc, headers=headers, timeout=30).raise_for_status()
"""


def child_env(sb: Sandbox, tmp: Path) -> dict[str, str]:
    """The user's environment with the sandbox's credentials; byte-code writes left on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CXONE_", "CRM_", "SELANG_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's second run finds cached byte code
    env["XDG_CACHE_HOME"] = str(tmp)
    env["CXONE_CLIENT_ID"] = sb.client_id
    env["CXONE_CLIENT_SECRET"] = sb.client_secret
    return env


def desired_of(paths: list[Path]) -> dict[str, dict]:
    """Campaign id -> compiled selection, for the baseline script and for checking results."""
    shared: dict = {}
    out = {}
    for path in paths:
        result = load_selection(str(path), shared)
        assert result.selection is not None and result.selection.campaign_id, path
        out[result.selection.campaign_id] = cxone.emit(result.selection)
    return out


def reset(sb: Sandbox, ids: list[str]) -> None:
    """Fresh version-1 campaigns whose selections all differ from the desired ones."""
    for cid in ids:
        sb.seed_campaign(cid)


def wrong(sb: Sandbox, desired: dict[str, dict]) -> int:
    """How many campaigns do not hold their desired selection."""
    return sum(
        1
        for cid, want in desired.items()
        if not planning.same(sb.campaign(cid)["contactSelection"], want)
    )


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, proc.returncode, proc.stdout + proc.stderr


def _at(text: str) -> float:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--campaigns", type=int, default=200)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=None, help="default: selang's own default")
    parser.add_argument("--rate", type=float, default=20.0, help="sandbox rate limit, req/s")
    parser.add_argument("--rate-campaigns", type=int, default=150)
    args = parser.parse_args()
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        paths = make_tree(tmp / "src", args.campaigns, rules=(8, 16))
        desired = desired_of(paths)
        ids = list(desired)
        (tmp / "desired.json").write_text(jsonio.dumps(desired))
        with running(
            state_dir=tmp / "sandbox",
            campaigns=ids,
            latency_ms=args.latency_ms,
            request_log_size=20 * args.campaigns + 1000,
        ) as sb:
            env = child_env(sb, tmp)
            base_cmd = [PY, "-c", BASELINE, sb.url, str(tmp / "desired.json")]

            def selang(files: list[Path], run: int) -> list[str]:
                state = tmp / f"state{run}"
                return [
                    PY,
                    "-m",
                    "selang",
                    "apply",
                    *map(str, files),
                    "--yes",
                    *jobs,
                    "--instance-url",
                    sb.url,
                    "--state-dir",
                    str(state),
                ]

            base_t, sel_t, base_conn, sel_conn = [], [], [], []
            for run in range(args.runs + 1):  # run 0 warms byte code and the grammar cache
                for which, argv, times, conns in (
                    ("baseline", base_cmd, base_t, base_conn),
                    ("selang", selang(paths, run), sel_t, sel_conn),
                ):
                    reset(sb, ids)
                    before = sb.connections
                    took, code, out = timed(argv, env)
                    bad = wrong(sb, desired)
                    if code != 0 or bad:
                        sys.exit(f"{which} run failed (exit {code}, {bad} wrong):\n{out[-2000:]}")
                    if run:
                        times.append(took)
                        conns.append(sb.connections - before)

            # rate limit: the same latency, a bucket of `rate` requests per second; the pace
            # learned from 429s (what a user gets by default), then one given up front
            subset = paths[: args.rate_campaigns]
            limits = []
            for extra in ([], ["--rate-limit", f"{args.rate:g}"]):
                argv = [*selang(subset, args.runs + 1 + len(limits)), *extra]
                limits.append(rate_run(sb, ids[: len(subset)], desired, argv, env, args.rate))

    base, sel = statistics.median(base_t), statistics.median(sel_t)
    n = args.jobs or "default"
    print(f"apply  campaigns {args.campaigns}, latency {args.latency_ms} ms, runs {args.runs}")
    print(
        f"apply  baseline(sequential, new connection each) {base:7.2f} s"
        f"  ({statistics.median(base_conn):.0f} connections)"
    )
    print(
        f"apply  selang apply --jobs {n:<24}{sel:7.2f} s"
        f"  ({statistics.median(sel_conn):.0f} connections)"
    )
    print(f"apply  speed-up                                  {base / sel:7.2f} x  (target >= 5)")
    for label, (achieved, throttled, failed, detail) in zip(
        ("", "  (--rate-limit given)"), limits, strict=True
    ):
        print(
            f"ratelimit  {args.rate:g} req/s  achieved {achieved:.1f} req/s"
            f"  share {100 * achieved / args.rate:.0f}% (target >= 90%)"
            f"  429s {throttled}  failed {failed}{label}  ({detail})"
        )


def rate_run(
    sb: Sandbox, ids: list[str], desired: dict[str, dict], argv: list[str], env: dict, rate: float
) -> tuple[float, int, int, str]:
    """One apply under the sandbox's rate limit: accepted req/s, 429s, failed campaigns."""
    reset(sb, ids)
    sb.clear_requests()
    sb.faults(rate_limit=rate)
    try:
        took, code, out = timed(argv, env)
    finally:
        sb.faults(rate_limit=None)
    log = sb.requests()
    failed = wrong(sb, {cid: desired[cid] for cid in ids})
    if code != 0:
        print(out[-2000:], file=sys.stderr)
        failed = max(failed, 1)
    # the server's view: requests it served (not 429) over the time it saw them arrive
    accepted = [e for e in log if e.status is not None and e.status != 429]
    throttled = sum(1 for e in log if e.status == 429)
    span = _at(log[-1].at) - _at(log[0].at) if log else 0.0
    achieved = len(accepted) / span if span > 0 else 0.0
    return (
        achieved,
        throttled,
        failed,
        f"{len(accepted)} requests in {span:.1f} s, wall {took:.1f} s",
    )


if __name__ == "__main__":
    main()
