"""A mutation test of the matcher, the text analysis and the dataset loader, run by hand.

mutmut (3.x) makes small faults ("mutants") in psoas_cli/matcher.py, analysis.py and
dataset.py: a ``<`` made ``<=``, a constant changed, an argument dropped. A mutant is
killed when a test of those modules fails with it in place; one that survives is a
fault the tests would not notice, unless it changes nothing visible (an equivalent
mutant, listed below with why). The kill rate is measured on a sample of the mutants
drawn with a fixed seed, so two runs on the same code test the same mutants.

mutmut is not among the test extras (CI does not run this). Install it by hand into the
venv psoas is installed in, then run the script from anywhere:

    pip install 'mutmut>=3.8,<4'
    python benchmarks/mutation.py            # 5 to 10 minutes on 2 cores

mutmut makes the mutants, as ``[tool.mutmut]`` in pyproject.toml says (which modules,
which tests), in a copy of the checkout in a temporary folder: nothing is written into
the source tree. ``--workdir DIR`` keeps the copy, to look at a mutant afterwards
(``cd DIR && mutmut show NAME``).

Each sampled mutant is then tested here, not by ``mutmut run``: by every test of the
selection, in a new process. mutmut would run only the tests it saw calling the mutated
function in one recorded run, and there the cached analyzer (``default_analyzer``) is
built once, by the first test: a fault in building it would be tried against that test
alone, and a worker forked from mutmut's process would even get the analyzer built
before the fault. Survivors are listed with their diffs. The script reports and exits 0
after measuring, PASS or FAIL alike (2 if it cannot start).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parent.parent
#: What the copy holds: the package, its data, the tests and the settings. The README is
#: read by a test of the published calibration table.
COPIED = ("psoas_cli", "data", "tests", "pyproject.toml", "README.md")
MODULES = ("psoas_cli/analysis.py", "psoas_cli/dataset.py", "psoas_cli/matcher.py")
SAMPLE, SEED, TARGET = 300, 13, 0.90
#: One mutant run by mutmut first, so that it makes every mutant; the sample is then
#: drawn from what it made.
PRIMER = "psoas_cli.analysis.x_normalise_word__mutmut_1"

#: Mutants that change nothing a user or a caller can see, with why. A name holds for
#: the code it was found in; one listed here that a test kills is reported as stale.
EQUIVALENT: dict[str, str] = {
    "psoas_cli.analysis.xǁAnalyzerǁ__init____mutmut_5": (
        'lexicon.get("keep", None): _strings() gives [] for None as for ()'
    ),
    "psoas_cli.analysis.xǁAnalyzerǁ__init____mutmut_122": (
        'lexicon.get("elsewhere", None): _strings() gives [] for None as for ()'
    ),
    "psoas_cli.analysis.x__without_derivation__mutmut_5": (
        "-ness off words of 6 letters as well as 7: no English word of six letters ends in "
        "-ness (none in the FAQ, the lexicon or data/real_words.txt)"
    ),
    "psoas_cli.dataset.x__entries_from_records__mutmut_73": (
        "first_use[made-up id] = None: after the duplicate check only its keys are read"
    ),
    "psoas_cli.dataset.x_read_bytes__mutmut_7": (
        "reads MAX_FILE_BYTES + 2: any file longer than the bound is refused the same way"
    ),
    "psoas_cli.dataset.x_slugify__mutmut_14": '"ASCII" names the same codec as "ascii"',
    "psoas_cli.matcher.x__pairs_of__mutmut_12": "zip(strict=None): None is false, as False",
    "psoas_cli.matcher.x__question_sentence__mutmut_11": (
        "best rank starts at (0, 0, 1): a sentence is ranked only when it asks, so its "
        "rank starts with 1 and passes (0, 0, 0) and (0, 0, 1) alike"
    ),
    "psoas_cli.matcher.x__vowel_variants__mutmut_4": (
        "range(len(word) + 2): the extra place adds the same words as the last one"
    ),
    "psoas_cli.matcher.x__vowel_variants__mutmut_22": (
        "a dropped vowel drops two letters: phrases exist only for the bundled FAQ and "
        "lexicon, and there no query of a 3-5 letter word one vowel from a word of the FAQ "
        "or lexicon, beside a word of a known phrase, is mended differently (all 7,344 "
        "such words tried against all 268 neighbours)"
    ),
    "psoas_cli.matcher.x_find_matches__mutmut_109": (
        "the closest matches get index=None: _to_match reads the index only for "
        "highlighting, which closest matches never ask for"
    ),
    "psoas_cli.matcher.x_read_query__mutmut_32": (
        "a mend at token.end counts as inside the token: mends start where a word starts, "
        "and a word always starts past the end of the token before it"
    ),
    "psoas_cli.analysis.x__short_cvc__mutmut_14": (
        'not a vowel nor "WXY": stems are lower case, so this adds no exception'
    ),
    "psoas_cli.analysis.x__verb_stem__mutmut_26": (
        "base[-2] not in 'lsz' instead of base[-1]: checked only once the two are equal"
    ),
    "psoas_cli.analysis.xǁAnalyzerǁ__init____mutmut_51": (
        'lexicon.get("filler_phrases"): _strings() gives [] for None as for ()'
    ),
    "psoas_cli.analysis.xǁAnalyzerǁ__init____mutmut_100": (
        'lexicon.get("subject", None): _strings() gives [] for None as for ()'
    ),
    "psoas_cli.analysis.xǁAnalyzerǁ_canonical__mutmut_25": (
        'options = "" instead of None: only its truth is read, and both are false'
    ),
    "psoas_cli.dataset.x__detect_format__mutmut_31": (
        'returns "JSON" for "json": parse_text reads any format but csv and jsonl as JSON'
    ),
    "psoas_cli.dataset.x__entries_from_records__mutmut_92": (
        "topics None also go through _text_list, which gives () for None"
    ),
    "psoas_cli.dataset.x_decode__mutmut_7": 'raw.count(b"\\n", None, end): None starts at 0',
    "psoas_cli.matcher.x__question_sentence__mutmut_9": (
        "best rank starts at (1, 0, 0): a sentence is ranked only when it asks, so its "
        "rank is (1, subject >= 0, known >= 1) and passes it"
    ),
    "psoas_cli.matcher.x__rank_related__mutmut_25": (
        "the search for related entries highlights: spans that nothing reads"
    ),
    "psoas_cli.matcher.x__score__mutmut_13": (
        "max(..., default=None) or 1.0: with no candidate, None or 1.0 is 1.0 as before"
    ),
    "psoas_cli.matcher.x_sound_key__mutmut_26": (
        'vowels "XXaeiouyXX": sound_key is given normalised, lower-case words, with no "X"'
    ),
}


class Outcome(NamedTuple):
    name: str
    status: str  # killed | timeout | survived | error
    test: str = ""  # the first test that failed


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Mutation test of matcher.py, analysis.py and dataset.py on a fixed "
        "sample of mutants; prints the kill rate and the surviving mutants.",
        epilog="Exits 0 after measuring, PASS or FAIL alike: it reports, it does not gate.",
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        metavar="PATH",
        help="python of the venv that has psoas and mutmut (default: the one running this)",
    )
    parser.add_argument("--sample", type=int, default=SAMPLE, metavar="N")
    parser.add_argument("--seed", type=int, default=SEED, metavar="N")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 2, metavar="N", help="mutants at once"
    )
    parser.add_argument(
        "--workdir",
        metavar="DIR",
        help="work in this folder and keep it, instead of a temporary one (a new folder, "
        "or one this script made before)",
    )
    parser.add_argument(
        "--no-diffs", action="store_true", help="list surviving mutants without their diffs"
    )
    return parser.parse_args()


def prepare(work: Path) -> None:
    """A fresh copy of the checkout in ``work``."""
    for name in (*COPIED, "mutants"):
        target = work / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    work.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, work / name)


def all_mutants(work: Path) -> list[str]:
    names: list[str] = []
    for module in MODULES:
        meta = work / "mutants" / f"{module}.meta"
        names += json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
    return sorted(names)


def selected_tests(work: Path) -> list[str]:
    settings = tomllib.loads((work / "pyproject.toml").read_text("utf-8"))
    return list(settings["tool"]["mutmut"]["pytest_add_cli_args_test_selection"])


def pytest(python: str, work: Path, tests: list[str], mutant: str, timeout: float) -> Outcome:
    """The selected tests with one mutant in place, in the mutated copy, stopping at the
    first failure."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PSOAS_", "PYTEST_"))}
    env["MUTANT_UNDER_TEST"] = mutant
    argv = [python, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
    try:
        done = subprocess.run(
            [*argv, *tests],
            cwd=work / "mutants",
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return Outcome(mutant, "timeout")
    failed = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    test = failed[0].split()[1] if failed else ""
    if done.returncode == 0:
        return Outcome(mutant, "survived")
    if done.returncode in (1, 3):  # tests failed; an internal error is a failure too
        return Outcome(mutant, "killed", test)
    return Outcome(mutant, "error", done.stdout[-300:] + done.stderr[-300:])


def fail(message: str, detail: str = "") -> int:
    print(f"error: {message}", file=sys.stderr)
    if detail:
        print(detail[-3000:], file=sys.stderr)
    return 2


def main() -> int:
    args = parse_args()
    python = args.python
    version = subprocess.run(
        [python, "-c", "import importlib.metadata as m; print(m.version('mutmut'))"],
        capture_output=True,
        text=True,
    )
    if version.returncode != 0:
        return fail(f"no mutmut in {python}: pip install 'mutmut>=3.8,<4'")
    with tempfile.TemporaryDirectory(prefix="psoas-mutation-") as tmp:
        work = Path(args.workdir).resolve() if args.workdir else Path(tmp)
        if work.is_dir() and any(work.iterdir()) and not (work / "mutants").is_dir():
            return fail(f"{work} holds files this script did not make; give a new folder")
        prepare(work)
        print(f"# mutation test of {', '.join(MODULES)} (mutmut {version.stdout.strip()})")
        start = time.perf_counter()
        made = subprocess.run(
            [python, "-m", "mutmut", "run", PRIMER], cwd=work, capture_output=True, text=True
        )
        if made.returncode != 0 or not (work / "mutants" / f"{MODULES[0]}.meta").is_file():
            return fail("mutmut could not make the mutants", made.stdout + made.stderr)
        everything = all_mutants(work)
        size = min(args.sample, len(everything))
        sample = sorted(random.Random(args.seed).sample(everything, size))
        tests = selected_tests(work)
        print(f"mutants: {len(everything)}; sample: {size} (seed {args.seed})")
        print(f"tests: {' '.join(tests)}")
        clean_start = time.perf_counter()
        clean = pytest(python, work, tests, "", timeout=600)
        clean_seconds = time.perf_counter() - clean_start
        if clean.status != "survived":
            return fail("the tests fail without any mutant", clean.test)
        # A mutant that makes a loop endless is stopped and counted as killed.
        timeout = max(60.0, 10 * clean_seconds)
        with ThreadPoolExecutor(max(args.jobs, 1)) as pool:
            outcomes = list(pool.map(lambda m: pytest(python, work, tests, m, timeout), sample))
        seconds = time.perf_counter() - start
        return report(args, work, outcomes, seconds, clean_seconds)


def report(
    args: argparse.Namespace,
    work: Path,
    outcomes: list[Outcome],
    seconds: float,
    clean_seconds: float,
) -> int:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    killed = counts.get("killed", 0) + counts.get("timeout", 0)
    stale = [o.name for o in outcomes if o.name in EQUIVALENT and o.status != "survived"]
    equivalent = [o.name for o in outcomes if o.name in EQUIVALENT and o.status == "survived"]
    blind = [o for o in outcomes if o.status != "killed" and o.status != "timeout"]
    blind = [o for o in blind if o.name not in EQUIVALENT]
    counted = len(outcomes) - len(equivalent)
    rate = killed / counted if counted else 0.0
    print(f"time: {seconds / 60:.1f} min ({clean_seconds:.1f} s for the tests without a mutant)")
    print("outcomes: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
    print(
        f"kill rate, all sampled mutants: {killed}/{len(outcomes)} = {killed / len(outcomes):.1%}"
    )
    print(
        f"kill rate, leaving out {len(equivalent)} equivalent mutants: {killed}/{counted} = "
        f"{rate:.1%} (target {TARGET:.0%}: {'PASS' if rate >= TARGET else 'FAIL'})"
    )
    for name in stale:
        print(f"listed as equivalent but killed (remove it from EQUIVALENT): {name}")
    if blind:
        print(f"\n{len(blind)} surviving mutants not known to be equivalent:")
    for outcome in blind:
        print(f"- {outcome.name} ({outcome.status}{': ' + outcome.test if outcome.test else ''})")
        if not args.no_diffs:
            shown = subprocess.run(
                [args.python, "-m", "mutmut", "show", outcome.name],
                cwd=work,
                capture_output=True,
                text=True,
            )
            diff = shown.stdout.strip().splitlines()[1:]
            changed = [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
            print("\n".join(f"    {line}" for line in changed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
