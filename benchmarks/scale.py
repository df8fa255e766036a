"""psoas on a user's large FAQ: first query, later queries and peak memory.

By default the FAQ is MedQuAD (47,441 entries, <shared>/benchmarks/medquad-liveqa). The
source withholds 31,034 of its answers (``"answer": ""``), which psoas rightly rejects,
so a copy with those answers filled by a placeholder is written to a temporary folder
first. Every psoas process gets ``PSOAS_CACHE_DIR`` in that folder, so the user's own
cache is never read or written. Measured, for ``psoas ask --json --data FILE QUERY``:

- the first query after the file appears (a new empty cache folder for each run);
- later queries, with the cache warm, round-robin over a few different queries;
- the obvious one-file script (``naive_psoas.py ask QUERY --data FILE``), the yardstick;
- the peak memory (max RSS) of each process, from ``os.wait4``.

Targets (issue 5): first query <= 3x the naive script, later queries <= 0.4x, peak memory
<= 400 MB. Run it by hand:

    python benchmarks/scale.py --python /path/to/venv/bin/python

It reports and always exits 0 once it has measured (2 if it cannot start).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from _common import (
    BYTECODE_NOTE,
    Run,
    absolute,
    add_venv_arguments,
    clean_env,
    find_psoas,
    median,
    print_machine,
    run,
    tail,
    verdict,
)

PLACEHOLDER = "(answer withheld by the source)"
FALLBACK_QUERIES = (
    "What are the symptoms of diabetes?",
    "How is high blood pressure treated?",
    "What causes lower back pain?",
)
FIRST_TARGET, LATER_TARGET, MEMORY_TARGET_MB = 3.0, 0.4, 400.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(
            "Measure `psoas ask --json --data FILE QUERY` on a large FAQ: the first query "
            "(nothing cached), later queries (cache warm) and peak memory, against the "
            "obvious one-file script on the same file."
        ),
        epilog="Exits 0 after measuring, PASS or FAIL alike: it reports, it does not gate.",
    )
    parser.add_argument(
        "--data",
        metavar="FILE",
        help="use this FAQ file as it is, instead of MedQuAD with its withheld answers filled",
    )
    add_venv_arguments(parser, "tools/naive_psoas.py and benchmarks/medquad-liveqa")
    parser.add_argument(
        "--runs",
        type=int,
        default=11,
        metavar="N",
        help="later (cache warm) queries to measure (default: 11)",
    )
    parser.add_argument(
        "--cold-runs",
        type=int,
        default=3,
        metavar="N",
        help="first queries, each with a new empty cache, and naive runs (default: 3)",
    )
    parser.add_argument(
        "--queries",
        type=int,
        default=5,
        metavar="N",
        help="how many different queries the later runs cycle through, taken from "
        "medquad-liveqa/queries_summary.jsonl (default: 5)",
    )
    parser.add_argument(
        "--query",
        action="append",
        metavar="TEXT",
        help="a query to use instead (repeat for several); the first one is the first query",
    )
    args = parser.parse_args()
    if args.runs < 1 or args.cold_runs < 1 or args.queries < 1:
        parser.error("--runs, --cold-runs and --queries must be at least 1")
    return args


def fill_withheld(source: Path, target: Path) -> tuple[int, int]:
    """Copy a JSON Lines FAQ, filling empty answers; returns (entries, answers filled)."""
    entries = filled = 0
    with source.open(encoding="utf-8") as lines, target.open("w", encoding="utf-8") as out:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            entries += 1
            if not str(record.get("answer") or "").strip():
                record["answer"] = PLACEHOLDER
                filled += 1
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return entries, filled


def pick_queries(args: argparse.Namespace, medquad: Path) -> tuple[list[str], str]:
    if args.query:
        return list(args.query), "given with --query"
    source = medquad / "queries_summary.jsonl"
    try:
        with source.open(encoding="utf-8") as lines:
            found = [json.loads(line)["query"] for line in lines if line.strip()]
    except (OSError, ValueError, KeyError):
        found = []
    if found:
        return found[: args.queries], f"the first {min(args.queries, len(found))} of {source}"
    return list(FALLBACK_QUERIES)[: args.queries], "built in (no queries_summary.jsonl found)"


def cache_files(folder: Path) -> dict[str, tuple[int, int]]:
    """Each cache file's (size, mtime) so a rewrite during the warm runs shows."""
    if not folder.is_dir():
        return {}
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


def seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def main() -> int:
    args = parse_args()
    python, psoas = find_psoas(args.python)
    shared = absolute(args.shared)
    medquad = shared / "benchmarks" / "medquad-liveqa"
    naive = shared / "tools" / "naive_psoas.py"
    queries, queries_from = pick_queries(args, medquad)

    with tempfile.TemporaryDirectory(prefix="psoas-scale-") as tmp:
        work = Path(tmp)
        if args.data:
            data = absolute(args.data)
            if not data.is_file():
                print(f"error: no data file at {data}", file=sys.stderr)
                return 2
            described = f"{data} (as given)"
        else:
            source = medquad / "faqs.jsonl"
            if not source.is_file():
                print(f"error: no MedQuAD at {source}; give --data FILE", file=sys.stderr)
                return 2
            data = work / "faqs.jsonl"
            entries, filled = fill_withheld(source, data)
            described = (
                f"MedQuAD, {entries:,} entries, {filled:,} withheld answers filled with "
                f"{PLACEHOLDER!r}\n         copied to {data}"
            )

        base_env = clean_env(work / "pycache")
        print_machine(python, "psoas scale benchmark (a large user FAQ)", base_env)
        print(BYTECODE_NOTE)
        print(f"data:    {described}, {data.stat().st_size / 1e6:.1f} MB")
        print(f"queries: {len(queries)}, {queries_from}")
        print()
        psoas_argv = [str(psoas), "ask", "--json", "--data", str(data)]
        naive_argv = [str(python), str(naive), "ask"]
        out, err = work / "run.out", work / "run.err"

        def measure_psoas(query: str, cache: Path) -> Run | str:
            env = {**base_env, "PSOAS_CACHE_DIR": str(cache)}
            result = run([*psoas_argv, query], env, work, out, err)
            if result.returncode not in (0, 1):
                return f"ERROR: exit {result.returncode}: {tail(err)}"
            try:
                json.loads(out.read_text(encoding="utf-8"))
            except ValueError:
                return "ERROR: --json output is not one JSON document"
            return result

        # Unmeasured: fill the bytecode cache for both tools on a file too small to cache
        # an index, so the first measured run pays for indexing, not for compiling.
        tiny = work / "warm-up.jsonl"
        tiny.write_text(
            "".join(json.dumps({"question": q, "answer": PLACEHOLDER}) + "\n" for q in queries),
            encoding="utf-8",
        )
        warm_env = {**base_env, "PSOAS_CACHE_DIR": str(work / "cache-warm-up")}
        run([str(psoas), "ask", "--json", "--data", str(tiny), queries[0]], warm_env, work)
        run([str(psoas), "ask", "--data", str(tiny), queries[0]], warm_env, work)
        if naive.is_file():
            run([*naive_argv, queries[0], "--data", str(tiny)], base_env, work)

        # First queries and the naive script, interleaved so noise hits both alike.
        first: list[Run] = []
        naive_runs: list[Run] = []
        problem: str | None = None
        naive_problem = None if naive.is_file() else f"skipped: {naive} not found"
        cache = work / "cache-0"
        for attempt in range(args.cold_runs):
            cache = work / f"cache-{attempt}"
            measured = measure_psoas(queries[0], cache)
            if isinstance(measured, str):
                problem = measured
                break
            first.append(measured)
            if naive_problem is None:
                result = run(
                    [*naive_argv, queries[0], "--data", str(data)], base_env, work, out, err
                )
                if result.returncode != 0:
                    naive_problem = f"skipped: exit {result.returncode}: {tail(err)}"
                else:
                    naive_runs.append(result)

        later: list[Run] = []
        cached_before = cache_files(cache)
        if problem is None:
            for attempt in range(args.runs):
                measured = measure_psoas(queries[attempt % len(queries)], cache)
                if isinstance(measured, str):
                    problem = measured
                    break
                later.append(measured)
        cached_after = cache_files(cache)

        naive_time = median([r.seconds for r in naive_runs]) if naive_runs else None
        rows = [
            (f"naive_psoas.py ask --data FILE ({len(naive_runs)} runs)", naive_runs, None),
            (f"psoas first query, nothing cached ({len(first)} runs)", first, FIRST_TARGET),
            (f"psoas later queries, cache warm ({len(later)} runs)", later, LATER_TARGET),
        ]
        print(f"{'':<50} {'median':>9} {'min':>9} {'peak RSS':>9} {'vs naive':>9}  target")
        for label, runs, target in rows:
            if not runs:
                why = naive_problem if target is None else problem or "not measured"
                print(f"{label:<50} {why}")
                continue
            mid = median([r.seconds for r in runs])
            low = min(r.seconds for r in runs)
            peak = max(r.max_rss_mb for r in runs)
            if naive_time is None:
                ratio, judged = "n/a", "(no yardstick)"
            else:
                ratio = f"{mid / naive_time:.2f}x"
                judged = (
                    "(the yardstick)"
                    if target is None
                    else f"<= {target:g}x  {verdict(mid / naive_time <= target)}"
                )
            print(
                f"{label:<50} {seconds(mid):>9} {seconds(low):>9} {peak:>6.0f} MB "
                f"{ratio:>9}  {judged}"
            )
        if problem and (first or later):
            print(f"stopped early: {problem}")
        print()
        for label, runs in (("first query", first), ("later query", later)):
            if runs:
                peak = max(r.max_rss_mb for r in runs)
                print(
                    f"peak memory, {label}: {peak:.0f} MB  "
                    f"<= {MEMORY_TARGET_MB:g} MB  {verdict(peak <= MEMORY_TARGET_MB)}"
                )
        if cached_after:
            size = sum(s for s, _ in cached_after.values()) / 1e6
            rewritten = "" if cached_after == cached_before else "; REWRITTEN by the warm runs"
            print(f"cache: {len(cached_after)} file(s), {size:.1f} MB in total{rewritten}")
        elif first:
            print("cache: none written (each query indexed the file anew)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
