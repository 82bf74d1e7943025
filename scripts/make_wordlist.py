"""Write search/resources/english-words.txt.gz: English words a spelling dictionary knows, for the corrector.

    sudo apt-get install wamerican-large wbritish-large
    python scripts/make_wordlist.py [--dict FILE ...]

The corrector protects real words by their frequency (wordfreq), but a frequency list of web text
also holds common misspellings ("persistant", "alchohol") at the same rarity as real rare words
("naturopathy"). A spelling dictionary separates them: SCOWL's large American and British lists
(Kevin Atkinson; the copyright and permission notice are in the file's header), lower-case
alphabetic words of four letters or more that wordfreq also lists (so no obscure entry can
shadow a typo of a common word), folded like the analyzer folds.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.analysis import fold  # noqa: E402
from search.language import zipf_table  # noqa: E402

DEFAULT_DICTS = [Path("/usr/share/dict/american-english-large"), Path("/usr/share/dict/british-english-large")]
OUT = ROOT / "search" / "resources" / "english-words.txt.gz"
HEADER = """# English words of SCOWL's large American and British lists (wamerican-large, wbritish-large
# 2020.12.07), lower case, alphabetic, 4+ letters, also listed by wordfreq; made by
# scripts/make_wordlist.py.
# SCOWL: Copyright 2000-2011 by Kevin Atkinson. Permission to use, copy, modify, distribute and
# sell these word lists, the associated scripts, the output created from the scripts, and its
# documentation for any purpose is hereby granted without fee, provided that the above copyright
# notice appears in all copies and that both that copyright notice and this permission notice
# appear in supporting documentation. Kevin Atkinson makes no representations about the
# suitability of this array for any purpose. It is provided "as is" without express or implied
# warranty.
"""


def words(paths: list[Path]) -> list[str]:
    """The dictionary words the corrector should treat as real."""
    listed = zipf_table("en")
    found: set[str] = set()
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            word = line.strip()
            if len(word) >= 4 and word.isalpha() and word == word.lower():
                folded = fold(word)
                if listed.get(folded, 0.0) > 0.0:
                    found.add(folded)
    return sorted(found)


def main(argv: list[str] | None = None) -> int:
    """Write the list; 2 when a dictionary file is missing."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--dict", type=Path, action="append", help="a word list, one word per line (repeatable)")
    args = parser.parse_args(argv)
    paths = args.dict or DEFAULT_DICTS
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(
            f"error: no word list at {', '.join(missing)}; apt-get install wamerican-large wbritish-large",
            file=sys.stderr,
        )
        return 2
    found = words(paths)
    # mtime=0: the same words give the same bytes.
    with gzip.GzipFile(OUT, "wb", mtime=0) as out:
        out.write((HEADER + "\n".join(found) + "\n").encode("utf-8"))
    print(f"wrote {len(found):,} words to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
