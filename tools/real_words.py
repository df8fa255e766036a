"""Write data/real_words.txt: the real English words that triage would otherwise take for
typing errors of a concept's word ("fewer" is not "fever"), and the lexicon's own words
that are not the first of a phrase ("roller" of "foam roller" is not "roll").

Run it again after changing the concepts of data/triage_lexicon.json:

    python tools/real_words.py /usr/share/dict/words [more word lists...]

With --check it writes nothing and fails if the checked-in list is out of date.

Any plain word list, one word per line, will do (Debian's wamerican and wbritish were
used). The list is checked in; the tool is not run by CI or at install.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from psoas_cli.triage.lexicon import LEXICON_FILE_NAME, MEND_MIN_LENGTH, load_lexicon

ROOT = Path(__file__).resolve().parent.parent
HEADER = """\
# Real English words one or two letters away from a word of triage_lexicon.json's concepts:
# triage never mends them as typing errors. Made by tools/real_words.py from a spelling
# dictionary; run it again after changing the concepts.
"""


def real_words(word_lists: list[Path]) -> list[str]:
    words = set()
    for path in word_lists:
        for line in path.read_text(encoding="utf-8", errors="ignore").splitlines():
            word = line.strip()
            if len(word) >= MEND_MIN_LENGTH and word.isascii() and word.islower():
                words.add(word)
    document = json.loads((ROOT / "data" / LEXICON_FILE_NAME).read_text("utf-8"))
    for group in (document["cues"], document["referents"], {"idioms": document["idioms"]}):
        for phrases in group.values():
            words.update(word for phrase in phrases for word in phrase.split() if word.isalpha())
    for spec in document["concepts"].values():
        words.update(word for phrase in spec["words"] for word in phrase.split() if word.isalpha())
    lexicon = load_lexicon()
    lexicon._real_words = frozenset()  # judge every word afresh
    found = []
    for word in sorted(words):
        stems = lexicon.base_stems(word)
        lexicon.prepare(stems)
        if any(lexicon.known(stem) for stem in stems):
            continue  # a word that begins a phrase is never mended anyway
        mended = lexicon.mend(word)
        if mended is not None and lexicon.base_stems(mended) != stems:
            found.append(word)
    return found


def main() -> None:
    args = sys.argv[1:]
    check = "--check" in args
    paths = [Path(arg) for arg in args if arg != "--check"]
    if not paths:
        sys.exit(__doc__)
    target = ROOT / "data" / "real_words.txt"
    text = HEADER + "\n".join(real_words(paths)) + "\n"
    if check:
        if target.read_text("utf-8") != text:
            sys.exit(
                f"{target} is out of date: run tools/real_words.py {' '.join(map(str, paths))}"
            )
        print(f"{target.name} is up to date", file=sys.stderr)
        return
    target.write_text(text, "utf-8")
    print(f"{text.count(chr(10)) - HEADER.count(chr(10))} words", file=sys.stderr)


if __name__ == "__main__":
    main()
