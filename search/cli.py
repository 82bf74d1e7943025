"""`condsearch`: a thin command line over the library."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from search.errors import CondSearchError
from search.settings import Settings, settings_from_environment


def _settings(args: argparse.Namespace) -> Settings:
    settings = settings_from_environment()  # reads CONDSEARCH_* from the environment: the CLI is the edge
    if getattr(args, "index_dir", None):
        settings = settings.model_copy(update={"index_dir": Path(args.index_dir)})
    return settings


def cmd_index(args: argparse.Namespace) -> int:
    """Build a new index generation from the sources."""
    from search.embedding import load_encoder
    from search.indexing.build import build_index
    from search.query.config import load_config
    from search.sources import load_pages
    from search.sources.tabular import parse_mapping

    settings = _settings(args)
    sources = [Path(s) for s in args.sources] or [settings.conditions_dir]
    loaded = load_pages(sources, parse_mapping(args.map or []))
    for problem in loaded.problems:
        print(f"skipped: {problem}", file=sys.stderr)
    if loaded.problems and args.strict:
        print(
            f"refused (--strict): {len(loaded.problems)} page(s) invalid; nothing was written",
            file=sys.stderr,
        )
        return 1
    if not loaded.pages:
        print("error: no valid pages to index; fix the problems above", file=sys.stderr)
        return 1
    failed = {p.path for p in loaded.problems}
    ranking = load_config(settings.ranking_file).digest()
    encoder = load_encoder(settings.semantic_threads) if settings.semantic else None
    repair = bool(getattr(args, "repair", False))  # `serve` builds a missing index through here too
    report = build_index(list(loaded.pages), settings.index_dir, failed, ranking, encoder, repair=repair)
    if report.rebuilt:
        print(f"rebuilt every page from its source: {report.rebuilt}", file=sys.stderr)
    summary = (
        f"{report.total} indexed ({report.added} added, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.removed} removed), {len(loaded.problems)} skipped "
        f"-> {settings.index_dir / report.generation} in {report.seconds:.2f}s"
    )
    print(summary)
    return 1 if loaded.problems else 0


def cmd_pages(args: argparse.Namespace) -> int:
    """List and validate pages."""
    from search.pages import body_text
    from search.sources import load_pages
    from search.sources.tabular import parse_mapping

    settings = _settings(args)
    sources = [Path(s) for s in args.sources] or [settings.conditions_dir]
    loaded = load_pages(sources, parse_mapping(args.map or []))
    for page in loaded.pages:
        words = len(body_text(page).split())
        print(f"{page.slug:40} {page.title[:50]:50} {len(page.search_phrases):3} phrases {words:5} words")
    for problem in loaded.problems:
        print(f"invalid: {problem}", file=sys.stderr)
    print(f"{len(loaded.pages)} valid, {len(loaded.problems)} invalid", file=sys.stderr)
    return 1 if loaded.problems else 0


def _searcher(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from search.query.searcher import Searcher

    return Searcher(_settings(args))


def cmd_query(args: argparse.Namespace) -> int:
    """Search the index and print the ranking."""
    from search.api.serialize import result_to_dict

    result = _searcher(args).search(args.text, limit=args.limit)
    if args.json:
        print(json.dumps(result_to_dict(result), indent=2, ensure_ascii=False))
        return 0
    if result.safety:
        print(f"!! {result.safety.message} " + " | ".join(line.text for line in result.safety.lines))
    if result.corrected_query:
        print(f"did you mean: {result.corrected_query}")
    if not result.hits:
        print("no results")
    for rank, hit in enumerate(result.hits, 1):
        print(f"{rank:2}. {hit.title}  [{hit.slug}]  score {hit.score:.3f}  confidence {hit.confidence:.2f}")
        if args.explain:
            m = hit.matched
            fields = ", ".join(f"{f}: {' '.join(t)}" for f, t in m.fields.items())
            print(f"      fields: {fields or '-'}")
            if m.phrase:
                print(f"      phrase: {m.phrase!r} ({m.phrase_score:.2f})")
            if m.semantic:
                print(f"      meaning: +{m.semantic:.3f} from the sentence vectors (page similarity and intent model)")
            for label, items in (("corrected", m.corrections), ("synonyms", m.synonyms), ("completed", m.completions)):
                if items:
                    print(f"      {label}: {'; '.join(items)}")
    flag = "unmatched" if result.unmatched else "matched"
    print(f"{result.total} pages, {result.took_ms:.1f} ms, {flag}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Score the ranking against query TSV files (crisis sets are scored per category and language)."""
    from search.evaluate import evaluate
    from search.evaluate_safety import evaluate_safety, is_safety_file

    searcher = _searcher(args)
    files = [Path(f) for f in args.files]
    safety = [evaluate_safety(f, lambda q: searcher.search(q, limit=3)) for f in files if is_safety_file(f)]
    reports = [evaluate(f, lambda q: searcher.search(q, limit=10)) for f in files if not is_safety_file(f)]
    if args.json:
        print(json.dumps([r.as_dict() for r in reports + safety], indent=2, ensure_ascii=False))
        return 0
    if reports:
        print(
            f"{'file':36} {'n':>4} {'acc@1':>6} {'mrr@10':>7} {'rec@5':>6} {'flag-in':>7} "
            f"{'n-none':>6} {'flag-none':>9} {'dym':>4} {'p50ms':>6} {'p99ms':>6}"
        )
    for r in reports:
        parts = Path(r.file).parts
        # Sets under a relevance folder are named from there ("independent/traffic-b/lay.tsv").
        name = "/".join(parts[parts.index("relevance") + 1 :]) if "relevance" in parts[:-1] else parts[-1]
        ranked = f"{r.accuracy_at_1:6.3f} {r.mrr_at_10:7.3f} {r.recall_at_5:6.3f} {r.in_scope_flagged:7.3f}"
        if not r.in_scope:
            ranked = f"{'-':>6} {'-':>7} {'-':>6} {'-':>7}"
        declined = f"{r.out_of_scope_flagged:9.3f}" if r.out_of_scope else f"{'-':>9}"
        print(
            f"{name[-36:]:36} {r.queries:4} {ranked} {r.out_of_scope:6} {declined} {r.corrected:4} "
            f"{r.p50_ms:6.2f} {r.p99_ms:6.2f}"
        )
    for r in reports:
        for miss in r.misses[: args.misses]:
            print(
                f"miss [{Path(r.file).name}] {miss.query!r}: expected {'|'.join(miss.expected)}, "
                f"got {list(miss.got)} (rank {miss.rank})"
            )
    for s in safety:
        print(f"\n{Path(s.file).name}: notice shown (crisis: recall; none: false alarms), right page first")
        print(f"  {'label':7} {'category':22} {'lang':4} {'n':>4} {'notice':>7} {'first':>6}")
        for c in s.cells:
            print(
                f"  {c.label:7} {c.category:22} {c.language:4} {c.queries:4} "
                f"{c.flagged / c.queries:7.3f} {c.right_first / c.queries:6.3f}"
            )
        for what, category, query in s.errors[: args.misses]:
            print(f"  {what} [{category}] {query!r}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the API and the search page; build the default index first if there is none."""
    import logging

    import uvicorn

    from search.api.ratelimit import create_shared_buckets
    from search.indexing.store import current_generation

    settings = _settings(args)
    if current_generation(settings.index_dir) is None:
        print(f"no index in {settings.index_dir}: building it from {settings.conditions_dir}", file=sys.stderr)
        code = cmd_index(argparse.Namespace(sources=[], map=None, strict=False, index_dir=args.index_dir))
        if current_generation(settings.index_dir) is None:
            return code or 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    options = {
        "host": args.host,
        "port": args.port,
        "access_log": False,  # uvicorn's log holds client addresses and query strings; ours holds neither
        "server_header": False,
        "proxy_headers": False,
        "log_level": "info",
    }
    if args.workers > 1:
        from search.api.workers import Workers

        # Worker processes build their own settings from the environment: hand ours over.
        os.environ["CONDSEARCH_INDEX_DIR"] = str(settings.index_dir)
        del options["host"], options["port"]
        if settings.rate_limit_per_second <= 0:
            return Workers(args.workers, args.host, args.port, options).run()
        # One bucket table for every worker: a client's connections land on any of them, and the
        # configured rate is the service's. In shared memory where there is some; gone when we stop.
        handle, name = tempfile.mkstemp(prefix="condsearch-rate-", dir=_shared_memory_dir())
        os.close(handle)  # create_shared_buckets writes it by name
        shared = Path(name)
        try:
            create_shared_buckets(shared)
            os.environ["CONDSEARCH_RATE_LIMIT_SHARED_FILE"] = str(shared)
            return Workers(args.workers, args.host, args.port, options).run()
        finally:
            shared.unlink(missing_ok=True)
    else:
        from search.api.app import create_app

        uvicorn.run(create_app(settings), **options)
    return 0


def _shared_memory_dir() -> str | None:
    """/dev/shm when this system has it (a table there never touches a disk); else the temp folder."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def cmd_analytics(args: argparse.Namespace) -> int:
    """Migrate, report on, export or purge the analytics store."""
    from search.analytics import reports
    from search.analytics.events import utc_minute
    from search.analytics.formats import render, render_export
    from search.analytics.period import since
    from search.analytics.service import nearest_for, open_reports_store

    settings = _settings(args)
    store = open_reports_store(settings)  # migrates: every subcommand sees the current schema
    try:
        now = utc_minute()
        k = settings.analytics_min_count
        if args.report == "migrate":
            print(f"analytics database {store.where} is at the newest schema")
            return 0
        if args.report == "purge":
            days = args.days or settings.analytics_retention_days
            print(f"purged {store.purge(now, days)} events older than {days} days from {store.where}")
            return 0
        start = since(args.since, now)
        if args.report == "export":
            sys.stdout.write(render_export(reports.export(store, start, k), args.format))
            return 0
        report: reports.Report
        if args.report == "unmatched":
            report = reports.unmatched(store, start, k, nearest_for(settings, _searcher(args)), args.limit)
        elif args.report == "top":
            report = reports.top(store, start, k, args.limit)
        elif args.report == "clicks":
            report = reports.clicks_per_query(store, start, k, args.limit)
        elif args.report == "pages":
            report = reports.pages(store, start)
        else:
            report = reports.zero_results(store, start)
        sys.stdout.write(render(report, args.format))
        return 0
    finally:
        store.close()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(prog="condsearch", description="Condition search: index, query, evaluate, serve.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="build a new index generation from pages")
    p.add_argument("sources", nargs="*", help="files or folders (default: data/conditions)")
    p.add_argument("--index-dir", help="index folder (default: index/, or CONDSEARCH_INDEX_DIR)")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN", help="tabular column for a page field")
    p.add_argument("--strict", action="store_true", help="refuse to write anything if any page is invalid")
    p.add_argument(
        "--repair", action="store_true", help="build every page afresh, sharing no file with earlier generations"
    )
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("pages", help="list and validate pages")
    p.add_argument("sources", nargs="*")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN")
    p.set_defaults(func=cmd_pages)

    p = sub.add_parser("query", help="search the index")
    p.add_argument("text")
    p.add_argument("--index-dir")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.add_argument("--explain", action="store_true", help="show why each hit matched")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("eval", help="accuracy@1, MRR@10, recall@5 and latency over query TSVs")
    p.add_argument("files", nargs="+")
    p.add_argument("--index-dir")
    p.add_argument("--json", action="store_true")
    p.add_argument("--misses", type=int, default=20, help="misses to print per file")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="serve the API and search page (builds the default index if missing)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--index-dir")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("analytics", help="search analytics: reports, export, purge, migrate")
    reports = p.add_subparsers(dest="report", required=True)
    for name, text in (
        ("unmatched", "failed searches grouped, with the nearest page and a search_phrases line"),
        ("top", "the most frequent queries (texts shared by at least k searches)"),
        ("clicks", "per query: pages clicked, their positions, click-through rate"),
        ("pages", "per page: searches, clicks, click-through rate, mean click position"),
        ("zero-results", "the zero-result rate per day"),
        ("export", "every event, texts shared by fewer than k events left out"),
    ):
        r = reports.add_parser(name, help=text)
        r.add_argument("--since", default="30d", help="how far back: 12h, 30d, 2w (default 30d)")
        r.add_argument("--format", choices=("table", "csv", "json"), default="table")
        r.add_argument("--limit", type=int, default=50, help="rows at most (unmatched, top, clicks)")
        r.add_argument("--index-dir", help="index for the nearest page (unmatched)")
        r.set_defaults(func=cmd_analytics)
    r = reports.add_parser("purge", help="delete events older than the retention period")
    r.add_argument("--days", type=int, help="keep this many days (default CONDSEARCH_ANALYTICS_RETENTION_DAYS)")
    r.set_defaults(func=cmd_analytics)
    r = reports.add_parser("migrate", help="bring the analytics database to the newest schema")
    r.set_defaults(func=cmd_analytics)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; errors go to stderr with a non-zero exit, never a traceback."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except CondSearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as Unix tools do.
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - silence the interpreter's flush at exit
        return 0
