"""Every relevance and crisis set, tuning and independent side by side, as markdown tables.

    python scripts/relevance_report.py [--medlineplus-index DIR] > /tmp/figures.md

Builds the clinic index (and the MedlinePlus one unless given) in a temporary folder and prints
the tables docs/relevance.md quotes. Tuning sets are what the rules and models were fitted on;
independent sets (tests/relevance/independent/) were written by other authors and never tuned on.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.embedding import load_encoder  # noqa: E402
from search.evaluate import Report, evaluate, suggestion_recall  # noqa: E402
from search.evaluate_safety import SafetyReport, evaluate_safety  # noqa: E402
from search.indexing.build import build_index  # noqa: E402
from search.query.searcher import Searcher  # noqa: E402
from search.settings import Settings  # noqa: E402
from search.sources import load_pages  # noqa: E402

REL = ROOT / "tests" / "relevance"
IND = REL / "independent"
SHARED = ROOT.parent / "shared"
MEDLINEPLUS_MAP = {"title": "title", "aliases": "also_called", "body": "summary", "url": "url"}
# (kind of traffic, tuning set, independent sets: each by an author of its own)
KINDS = [
    ("lay", "traffic-a/lay.tsv", ("traffic-b/lay.tsv", "traffic-e/lay.tsv", "traffic-h/lay.tsv", "traffic-i/lay.tsv")),
    ("misspelled", "traffic-a/misspelled.tsv", ("traffic-b/misspelled.tsv",)),
    ("as-you-type prefixes", "traffic-a/prefix.tsv", ("traffic-b/prefix.tsv",)),
    ("typo in the unfinished word", "traffic-a/typo-prefix.tsv", ("traffic-b/typo-prefix.tsv",)),
    (
        "real words (in and out of scope)",
        "traffic-a/real-words.tsv",
        (
            "traffic-b/real-words.tsv",
            "traffic-e/real-words.tsv",
            "traffic-f/real-words.tsv",
            "traffic-g/real-words.tsv",
            "traffic-i/real-words.tsv",
            "traffic-k/real-words.tsv",
            "traffic-m/real-words.tsv",
            "traffic-o/real-words.tsv",
            "traffic-q/real-words.tsv",
            "traffic-r/real-words.tsv",
            "traffic-s/real-words.tsv",
        ),
    ),
    ("everyday senses of medical words", "traffic-a/real-words-2.tsv", ()),
    (
        "out of scope",
        "traffic-a/out-of-scope.tsv",
        (
            "traffic-b/out-of-scope.tsv",
            "traffic-d/out-of-scope.tsv",
            "traffic-e/out-of-scope.tsv",
            "traffic-h/out-of-scope.tsv",
            "traffic-i/out-of-scope.tsv",
            "traffic-k/out-of-scope.tsv",
            "traffic-m/out-of-scope.tsv",
        ),
    ),
    (
        "paraphrases",
        "meaning-a/paraphrase.tsv",
        (
            "meaning-b/paraphrase.tsv",
            "meaning-d/paraphrase.tsv",
            "traffic-e/paraphrase.tsv",
            "traffic-h/paraphrase.tsv",
            "traffic-i/paraphrase.tsv",
            "traffic-k/paraphrase.tsv",
            "traffic-m/paraphrase.tsv",
            "traffic-o/paraphrase.tsv",
            "traffic-p/paraphrase.tsv",
            "meaning-q/paraphrase.tsv",
            "meaning-u/paraphrase.tsv",
            "meaning-y/paraphrase.tsv",
            "meaning-aa/paraphrase.tsv",
            "meaning-ac/paraphrase.tsv",
        ),
    ),
    (
        "symptom stories",
        "meaning-a/story.tsv",
        (
            "meaning-b/story.tsv",
            "meaning-d/story.tsv",
            "traffic-e/story.tsv",
            "traffic-i/story.tsv",
            "traffic-k/story.tsv",
            "traffic-m/story.tsv",
            "traffic-o/story.tsv",
            "traffic-p/story.tsv",
            "meaning-q/story.tsv",
            "meaning-u/story.tsv",
            "meaning-y/story.tsv",
            "meaning-aa/story.tsv",
            "meaning-ac/story.tsv",
        ),
    ),
    (
        "Spanish",
        "meaning-a/spanish.tsv",
        ("meaning-b/spanish.tsv", "meaning-d/spanish.tsv", "traffic-k/spanish.tsv", "traffic-m/spanish.tsv"),
    ),
]
CLINIC = ["clinic-lay.tsv", "clinic-misspelled.tsv", "clinic-prefix.tsv", "clinic-long.tsv", "clinic-confusable.tsv"]
# Words being typed, some with a typo in the unfinished word: what the suggestion box shows.
SUGGEST = [
    "clinic-prefix.tsv",
    "traffic-a/prefix.tsv",
    "traffic-a/typo-prefix.tsv",
    "independent/traffic-b/prefix.tsv",
    "independent/traffic-b/typo-prefix.tsv",
]
# YN, ABN, FN: non-crisis rows only
TUNING_CRISIS = [*"ACDEFGHIJLMOQSUWY", "YN", "AA", "AB", "ABN", "FN", "AD", "AE", "AF", "AH", "AJ", "AL"]
SAFETY = [(f"{n} (tuning)", REL / f"safety/set-{n.lower()}.tsv") for n in TUNING_CRISIS]
INDEPENDENT_CRISIS = [*"BKNPRTVXZ", "AC", "AG", "AI", "AK", "AM"]
SAFETY += [(f"{n} (independent)", IND / f"safety-{n.lower()}.tsv") for n in INDEPENDENT_CRISIS]


def cells(r: Report) -> str:
    """acc@1, in-scope flagged, out-of-scope declined and did-you-mean, '-' where they do not apply."""
    acc = f"{r.accuracy_at_1:.3f}" if r.in_scope else "-"
    flag = f"{r.in_scope_flagged:.3f}" if r.in_scope else "-"
    declined = f"{r.out_of_scope_flagged:.3f}" if r.out_of_scope else "-"
    return f"{acc} | {flag} | {declined} | {r.corrected} | {r.p99_ms:.1f}"


def safety_rows(name: str, report: SafetyReport) -> list[str]:
    """Recall or false alarms, and right page first, per category and language."""
    rows = []
    for c in report.cells:
        shown = f"{c.flagged}/{c.queries}"
        first = f"{c.right_first / c.queries:.2f}"
        rows.append(f"| {name} | {c.label} | {c.category} | {c.language} | {shown} | {first} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--medlineplus-index", type=Path)
    args = parser.parse_args()
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        clinic_dir = Path(tmp) / "clinic"
        build_index(list(load_pages([ROOT / "data" / "conditions"]).pages), clinic_dir, encoder=load_encoder())
        clinic = Searcher(settings.model_copy(update={"index_dir": clinic_dir}))
        mlp_dir = args.medlineplus_index
        if mlp_dir is None:
            mlp_dir = Path(tmp) / "mlp"
            topics = load_pages([SHARED / "corpora/medlineplus/health-topics.tsv"], MEDLINEPLUS_MAP)
            build_index(list(topics.pages), mlp_dir, encoder=load_encoder())
        mlp = Searcher(settings.model_copy(update={"index_dir": mlp_dir}))

        def run(path: Path, searcher: Searcher = clinic) -> Report:
            return evaluate(path, lambda q: searcher.search(q, limit=10))

        print(
            "| kind of traffic | set | n | acc@1 | in-scope flagged | out-of-scope declined | did you mean | p99 ms |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for kind, tune, held in KINDS:
            runs = [("tuning", REL / tune)] + [(f"independent ({Path(h).parent.name})", IND / h) for h in held]
            for label, path in runs:
                r = run(path)
                print(f"| {kind} | {label} | {r.queries} | {cells(r)} |")
        print(
            "\n| clinic dev set (tuning) | n | acc@1 | in-scope flagged | out-of-scope declined "
            "| did you mean | p99 ms |"
        )
        print("|---|---|---|---|---|---|---|")
        for name in CLINIC:
            r = run(REL / name)
            print(f"| {name} | {r.queries} | {cells(r)} |")
        print("\n| as-you-type suggestions | n | an expected page among the first 3 pages suggested |")
        print("|---|---|---|")
        for name in SUGGEST:
            found, total = suggestion_recall(REL / name, clinic.suggest)
            print(f"| {name} | {total} | {found / total:.3f} |")
        print("\n| MedlinePlus (981 topics) | n | acc@1 | MRR@10 | recall@5 | p99 ms |")
        print("|---|---|---|---|---|---|")
        sets = [*sorted(REL.glob("medlineplus-*.tsv")), SHARED / "eval/dev/medlineplus-symptom-descriptions.tsv"]
        for path in sets:
            r = run(path, mlp)
            print(
                f"| {path.name} | {r.queries} | {r.accuracy_at_1:.3f} | {r.mrr_at_10:.3f} | {r.recall_at_5:.3f} | "
                f"{r.p99_ms:.1f} |"
            )
        print("\n| crisis set | label | category | language | notice shown | right page first |")
        print("|---|---|---|---|---|---|")
        for name, path in SAFETY:
            report = evaluate_safety(path, lambda q: clinic.search(q, limit=3))
            for row in safety_rows(name, report):
                print(row)
        print("\n| crisis set | crisis recall en | crisis recall es | Suicidal Thoughts first | false alarms en | es |")
        print("|---|---|---|---|---|---|")
        for name, path in SAFETY:
            report = evaluate_safety(path, lambda q: clinic.search(q, limit=3))
            n_en, f_en, _ = report.total(True, "en")
            n_es, f_es, _ = report.total(True, "es")
            n_all, _, first = report.total(True)
            m_en, a_en, _ = report.total(False, "en")
            m_es, a_es, _ = report.total(False, "es")
            print(f"| {name} | {f_en}/{n_en} | {f_es}/{n_es} | {first}/{n_all} | {a_en}/{m_en} | {a_es}/{m_es} |")


if __name__ == "__main__":
    main()
