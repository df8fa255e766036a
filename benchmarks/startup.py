"""Cold start-up time of psoas on the bundled dataset, as a ratio to a bare interpreter.

Every run is a new process. The commands are run round-robin (one of each, then the
next round) so that machine noise hits them all alike, and the median of each is
compared with the median of ``python -c pass``, the floor for any Python tool. Targets
(issue 5): ``ask --json`` <= 7x, rendered ``ask`` <= 10x, ``--version`` <= 6x, and neither
``--version`` nor shell completion imports Rich or RapidFuzz.

Run it by hand, in the venv to measure:

    python benchmarks/startup.py --python /path/to/venv/bin/python

It reports and always exits 0 once it has measured (2 if it cannot find the tool).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from _common import (
    BYTECODE_NOTE,
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

QUERY = "why does my lower back hurt"
HEAVY = ("rich", "rapidfuzz")


@dataclass
class Command:
    label: str
    argv: list[str]
    target: float | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    ok_codes: tuple[int, ...] = (0,)
    times: list[float] = field(default_factory=list)
    problem: str | None = None


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(
            "Measure the cold start-up of psoas (a new process per run, median of interleaved "
            "runs) as a ratio to `python -c pass`, and check that `psoas --version` and shell "
            "completion import neither Rich nor RapidFuzz."
        ),
        epilog="Exits 0 after measuring, PASS or FAIL alike: it reports, it does not gate.",
    )
    add_venv_arguments(parser, "tools/naive_psoas.py, the yardstick")
    parser.add_argument(
        "--runs",
        type=int,
        default=21,
        metavar="N",
        help="measured runs of each command, after one unmeasured round (default: 21)",
    )
    parser.add_argument(
        "--imports",
        type=int,
        default=12,
        metavar="N",
        help="also list the N largest imports of `psoas ask --json` by cumulative time, "
        "from -X importtime (0: don't; default: 12)",
    )
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def imported_modules(importtime_stderr: str) -> list[tuple[int, str]]:
    """(cumulative microseconds, module name with its nesting indent) from -X importtime."""
    found = []
    for line in importtime_stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line[len("import time:") :].split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue  # the header line
        found.append((int(parts[1]), parts[2].rstrip()))
    return found


def heavy_imports(importtime_stderr: str) -> list[str]:
    names = {name.strip() for _, name in imported_modules(importtime_stderr)}
    return [h for h in HEAVY if any(n == h or n.startswith(h + ".") for n in names)]


def check_imports(label: str, argv: list[str], env: dict[str, str], cwd: Path) -> None:
    out, err = cwd / "imports.out", cwd / "imports.err"
    result = run(argv, env, cwd, out, err)
    stderr = err.read_text(encoding="utf-8", errors="replace")
    if result.returncode != 0 or not imported_modules(stderr):
        print(f"{label:<26} ERROR: exit {result.returncode}: {tail(err)}")
        return
    heavy = heavy_imports(stderr)
    said = out.read_text(encoding="utf-8", errors="replace").split()
    shown = f"; prints {' '.join(said[:6])!r}" if said else "; prints nothing"
    what = "imports " + " and ".join(heavy) if heavy else "imports neither rich nor rapidfuzz"
    print(f"{label:<26} {verdict(not heavy)}  {what}{shown}")


def main() -> int:
    args = parse_args()
    python, psoas = find_psoas(args.python)
    naive = absolute(args.shared) / "tools" / "naive_psoas.py"

    py, ps = str(python), str(psoas)
    commands = [
        Command("python -c pass", [py, "-c", "pass"]),
        Command(f'psoas ask --json "{QUERY}"', [ps, "ask", "--json", QUERY], 7.0),
        Command(
            f'psoas ask "{QUERY}" (FORCE_COLOR=1)',
            [ps, "ask", QUERY],
            10.0,
            extra_env={"FORCE_COLOR": "1"},
        ),
        Command("psoas --version", [ps, "--version"], 6.0),
        Command(f'naive_psoas.py ask "{QUERY}"', [py, str(naive), "ask", QUERY]),
    ]
    floor, naive_command = commands[0], commands[-1]

    with tempfile.TemporaryDirectory(prefix="psoas-startup-") as tmp:
        # A directory of its own: no psoas_cli/ in the working directory to shadow the
        # installed package, and a cache that is nobody else's.
        work = Path(tmp)
        base_env = clean_env(work / "pycache", PSOAS_CACHE_DIR=str(work / "cache"))
        print_machine(python, "psoas start-up benchmark (bundled dataset)", base_env)
        print(BYTECODE_NOTE)
        print()
        envs = [{**base_env, **c.extra_env} for c in commands]

        # One unmeasured round: checks that every command works and warms the file cache.
        if not naive.is_file():
            naive_command.problem = f"skipped: {naive} not found"
        for command, env in zip(commands, envs, strict=True):
            if command.problem:
                continue
            out, err = work / "check.out", work / "check.err"
            result = run(command.argv, env, work, out, err)
            if result.returncode not in command.ok_codes:
                verb = "skipped" if command is naive_command else "ERROR"
                command.problem = f"{verb}: exit {result.returncode}: {tail(err)}"
            elif "--json" in command.argv:
                try:
                    json.loads(out.read_text(encoding="utf-8"))
                except ValueError:
                    command.problem = "ERROR: --json output is not one JSON document"
            elif "FORCE_COLOR" in command.extra_env and b"\x1b[" not in out.read_bytes():
                print(f"note: {command.label} printed no colour codes")
        if floor.problem:
            print(f"error: the interpreter itself failed: {floor.problem}", file=sys.stderr)
            return 2

        live = [(c, e) for c, e in zip(commands, envs, strict=True) if not c.problem]
        for _ in range(args.runs):
            for command, env in live:
                command.times.append(run(command.argv, env, work).seconds)

        base = median(floor.times)
        print(f"{args.runs} runs each, interleaved; median wall time, ratio to `python -c pass`")
        print(f"{'command':<56} {'median':>9} {'min':>9} {'ratio':>7}  target")
        for command in commands:
            if command.problem:
                print(f"{command.label:<56} {command.problem}")
                continue
            mid, low = median(command.times), min(command.times)
            ratio = mid / base
            if command is floor:
                judged = "(the floor)"
            elif command.target is None:
                judged = "(yardstick: the obvious one-file script)"
            else:
                judged = f"<= {command.target:g}x  {verdict(ratio <= command.target)}"
            print(
                f"{command.label:<56} {mid * 1000:>6.1f} ms {low * 1000:>6.1f} ms "
                f"{ratio:>6.2f}x  {judged}"
            )
        print()

        importtime = [py, "-X", "importtime"]
        check_imports(
            "psoas --version:", [*importtime, "-m", "psoas_cli", "--version"], base_env, work
        )
        completion_env = {
            **base_env,
            "_PSOAS_COMPLETE": "complete_bash",
            "COMP_WORDS": "psoas a",
            "COMP_CWORD": "1",
        }
        check_imports("shell completion:", [*importtime, ps], completion_env, work)

        if args.imports > 0:
            err = work / "ask.err"
            run([*importtime, ps, "ask", "--json", QUERY], base_env, work, None, err)
            found = imported_modules(err.read_text(encoding="utf-8", errors="replace"))
            found.sort(reverse=True)
            print()
            print("largest imports of `psoas ask --json` (cumulative, one run of -X importtime):")
            for micros, name in found[: args.imports]:
                print(f"  {micros / 1000:>7.1f} ms  {name.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
