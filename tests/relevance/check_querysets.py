#!/usr/bin/env python3
"""Validate the relevance query sets in this directory against the clinic catalogue.

Checks: header line `query<TAB>expected`; exactly one tab per line; no empty fields;
every expected slug exists in the catalogue (safety.tsv: `crisis` or `none`); no duplicate
queries within or across files (after lower-casing and collapsing punctuation/whitespace);
minimum sizes and per-page minimums; word counts for the lay and long sets.
Prints per-file counts and a per-slug coverage table. Exit status 1 on any error.

Usage: python3 tests/relevance/check_querysets.py [path/to/conditions.yaml]
"""

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CATALOGUE = Path("/work/shared/catalogue/conditions.yaml")

# file -> (minimum rows, minimum rows per catalogue slug)
SETS = {
    "clinic-lay.tsv": (180, 5),
    "clinic-misspelled.tsv": (100, 2),
    "clinic-prefix.tsv": (60, 2),
    "clinic-long.tsv": (40, 1),
    "clinic-confusable.tsv": (40, 0),
}
SAFETY = "safety.tsv"
SAFETY_MIN = {"crisis": 40, "none": 40}
WORDS = {"clinic-lay.tsv": (1, 8), "clinic-long.tsv": (30, 60)}

# the neighbour groups the confusable set must exercise
CONFUSABLE_GROUPS = [
    {"migraine", "cluster-headache", "trigeminal-neuralgia"},
    {"ptsd", "complex-ptsd"},
    {"neuropathic-pain", "diabetic-neuropathy", "chemotherapy-induced-neuropathy", "post-herpetic-neuralgia"},
    {
        "major-depressive-disorder",
        "treatment-resistant-depression",
        "persistent-depressive-disorder",
        "bipolar-depression",
    },
    {"generalized-anxiety-disorder", "panic-disorder", "social-anxiety-disorder"},
    {"chronic-pain", "fibromyalgia", "chronic-low-back-pain"},
    {"complex-regional-pain-syndrome", "phantom-limb-pain"},
]


def load_slugs(path):
    text = Path(path).read_text(encoding="utf-8")
    slugs = re.findall(r"\bslug:\s*([a-z0-9-]+)", text)
    if not slugs:
        sys.exit(f"no slugs found in {path}")
    return slugs


def norm(q):
    q = q.lower().replace("\u2019", "'")
    q = re.sub(r"[^a-z0-9]+", " ", q)
    return " ".join(q.split())


def read_tsv(path, errors):
    rows = []
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or lines[0] != "query\texpected":
        errors.append(f"{path.name}: missing or wrong header")
    for n, line in enumerate(lines[1:], start=2):
        if line.count("\t") != 1:
            errors.append(f"{path.name}:{n}: expected exactly one tab: {line!r}")
            continue
        q, e = line.split("\t")
        if not q.strip() or not e.strip() or q != q.strip() or e != e.strip():
            errors.append(f"{path.name}:{n}: empty field or stray whitespace: {line!r}")
            continue
        rows.append((n, q, e))
    return rows


def main():
    catalogue = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_CATALOGUE
    slugs = load_slugs(catalogue)
    valid = set(slugs)
    errors, warnings = [], []
    seen = {}  # normalised query -> (file, line)
    coverage = {s: {} for s in slugs}
    counts = {}

    def check_dup(fname, n, q):
        k = norm(q)
        if k in seen:
            errors.append(f"{fname}:{n}: duplicate of {seen[k][0]}:{seen[k][1]}: {q!r}")
        else:
            seen[k] = (fname, n)

    for fname, (minimum, per_slug) in SETS.items():
        path = HERE / fname
        if not path.exists():
            errors.append(f"{fname}: missing")
            continue
        rows = read_tsv(path, errors)
        counts[fname] = len(rows)
        if len(rows) < minimum:
            errors.append(f"{fname}: {len(rows)} rows < {minimum}")
        multi = 0
        for n, q, e in rows:
            check_dup(fname, n, q)
            exp = e.split("|")
            if len(exp) != len(set(exp)):
                errors.append(f"{fname}:{n}: repeated slug in {e!r}")
            if len(exp) > 2:
                warnings.append(f"{fname}:{n}: {len(exp)} acceptable slugs")
            if len(exp) > 1:
                multi += 1
            for s in exp:
                if s not in valid:
                    errors.append(f"{fname}:{n}: unknown slug {s!r}")
                else:
                    coverage[s][fname] = coverage[s].get(fname, 0) + 1
            if fname in WORDS:
                lo, hi = WORDS[fname]
                w = len(q.split())
                if not lo <= w <= hi:
                    errors.append(f"{fname}:{n}: {w} words, want {lo}-{hi}: {q!r}")
            if fname == "clinic-prefix.tsv" and q.endswith(" "):
                errors.append(f"{fname}:{n}: prefix ends in a space")
        if multi:
            warnings.append(f"{fname}: {multi} queries with two acceptable slugs")
        for s in slugs:
            if coverage[s].get(fname, 0) < per_slug:
                errors.append(f"{fname}: {s} has {coverage[s].get(fname, 0)} < {per_slug}")
        if fname == "clinic-confusable.tsv":
            for g in CONFUSABLE_GROUPS:
                hit = {s for s in g if coverage[s].get(fname, 0) > 0}
                if len(hit) < 2:
                    errors.append(f"{fname}: group {sorted(g)} exercised by {sorted(hit)}")

    path = HERE / SAFETY
    if not path.exists():
        errors.append(f"{SAFETY}: missing")
        labels = {}
    else:
        rows = read_tsv(path, errors)
        labels = {"crisis": 0, "none": 0}
        for n, q, e in rows:
            check_dup(SAFETY, n, q)
            if e not in labels:
                errors.append(f"{SAFETY}:{n}: expected must be crisis or none, got {e!r}")
            else:
                labels[e] += 1
        for k, m in SAFETY_MIN.items():
            if labels[k] < m:
                errors.append(f"{SAFETY}: {labels[k]} {k} rows < {m}")
        counts[SAFETY] = len(rows)

    print("per-file counts")
    for f, c in counts.items():
        extra = f"  (crisis {labels['crisis']}, none {labels['none']})" if f == SAFETY else ""
        print(f"  {f:<24}{c:>5}{extra}")
    print(f"  {'total':<24}{sum(counts.values()):>5}")
    print()
    cols = list(SETS)
    short = ["lay", "missp", "prefix", "long", "conf"]
    w = max(len(s) for s in slugs)
    print(f"{'slug':<{w}}  " + "".join(f"{c:>7}" for c in short) + f"{'total':>7}")
    for s in slugs:
        vals = [coverage[s].get(c, 0) for c in cols]
        print(f"{s:<{w}}  " + "".join(f"{v:>7}" for v in vals) + f"{sum(vals):>7}")
    tot = [sum(coverage[s].get(c, 0) for s in slugs) for c in cols]
    print(f"{'(slug hits)':<{w}}  " + "".join(f"{v:>7}" for v in tot) + f"{sum(tot):>7}")
    for m in warnings:
        print("note:", m)
    for m in errors:
        print("ERROR:", m)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
