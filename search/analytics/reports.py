"""The reports: unmatched groups, top queries, clicks per query, pages, zero-result rate per day and an export;
all k-anonymous, a text's searches counted once per minute so that one person's repeats are one search."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Select, String, and_, case, cast, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from search.analytics.errors import AnalyticsUnavailableError
from search.analytics.groups import Group, Row, group_unmatched
from search.analytics.nearest import Nearest
from search.analytics.schema import clicks, searches
from search.analytics.scrub import PLACEHOLDER
from search.analytics.store import Store

S = searches.c
C = clicks.c


NO_PAGE_FITS = "no page fits: consider a new page or an FAQ entry"
TEXTS_HIDDEN = "every text is shared by fewer than k searches: nothing to propose"


@dataclass(frozen=True)
class UnmatchedGroup:
    """A group of failed searches, the page nearest to it, what an editor can do, and the line to paste
    (only when the nearest page fits)."""

    group: Group
    nearest: Nearest | None
    advice: str
    search_phrase: str | None


@dataclass(frozen=True)
class UnmatchedReport:
    """Searches with no hit or below the unmatched threshold, grouped."""

    since: datetime
    k: int
    searches: int
    groups: tuple[UnmatchedGroup, ...]
    hidden_groups: int
    hidden_searches: int


@dataclass(frozen=True)
class TopQuery:
    """A query text (normalized) shared by at least k searches."""

    query: str
    searches: int
    zero_results: int
    unmatched: int
    clicks: int


@dataclass(frozen=True)
class TopReport:
    """The most frequent queries; rarer texts only counted."""

    since: datetime
    k: int
    searches: int
    queries: tuple[TopQuery, ...]
    hidden_searches: int


@dataclass(frozen=True)
class PositionClicks:
    """Clicks on a page at one position of the results."""

    position: int
    clicks: int


@dataclass(frozen=True)
class PageClicks:
    """Clicks on one page for a query, by position."""

    slug: str
    clicks: int
    positions: tuple[PositionClicks, ...]


@dataclass(frozen=True)
class QueryClicks:
    """What searches for one query text (normalized, shared by at least k) clicked."""

    query: str
    searches: int
    clicked_searches: int
    click_through_rate: float
    clicks: int
    pages: tuple[PageClicks, ...]


@dataclass(frozen=True)
class ClicksReport:
    """Per query: pages clicked, at which positions, and the click-through rate; rarer texts only counted."""

    since: datetime
    k: int
    searches: int
    clicked_searches: int
    queries: tuple[QueryClicks, ...]
    hidden_searches: int


@dataclass(frozen=True)
class PageStats:
    """How one page does: searches it topped, clicks on it, click-through rate, mean click position."""

    slug: str
    searches: int
    clicks: int
    click_through_rate: float | None
    mean_click_position: float | None


@dataclass(frozen=True)
class PagesReport:
    """Every page that topped a search or was clicked."""

    since: datetime
    pages: tuple[PageStats, ...]


@dataclass(frozen=True)
class DayStats:
    """One day's searches and the share that found nothing."""

    day: date
    searches: int
    zero_results: int
    unmatched: int
    zero_result_rate: float


@dataclass(frozen=True)
class ZeroResultsReport:
    """The zero-result rate per day (UTC)."""

    since: datetime
    days: tuple[DayStats, ...]


Report = UnmatchedReport | TopReport | ClicksReport | PagesReport | ZeroResultsReport


def _read(store: Store, build: Callable[[Connection], Any]) -> Any:
    try:
        with store.engine.connect() as conn:
            return build(conn)
    except SQLAlchemyError as exc:
        first = str(exc).splitlines()[0][:200]
        raise AnalyticsUnavailableError(f"cannot read the analytics database {store.where}: {first}") from exc


def _searches_since(since: datetime) -> Any:
    return and_(S.kind == "search", S.minute >= since)


def _is_unmatched() -> Any:
    return or_(S.hits == 0, S.unmatched.is_(True))


def _valid_clicks() -> Any:
    """Clicks on a result their search returned (position within its hits), each counted once.

    A click names its search by `query_id`; one that names no recorded search, a position past the
    search's results, or repeats an earlier click is not evidence of anything (forged or replayed).
    """
    joined = clicks.join(searches, and_(S.query_id == C.query_id, S.kind == "search"))
    return (
        select(C.query_id, C.slug, C.position, S.minute)
        .select_from(joined)
        .where(C.position <= S.hits)
        .distinct()
        .subquery()
    )


def _valid_click_count() -> Any:
    """The valid clicks of the outer query's search row: on a result it returned, each (page, position) once.

    A correlated subquery, so both databases look the clicks up through the query_id index whatever their
    statistics: an outer join to a grouped subquery was planned, on PostgreSQL tables not yet analyzed after
    a bulk write, as a nested loop that re-ran the subquery per search (8 s for 10,000 searches).
    """
    pair = C.slug.concat(":").concat(cast(C.position, String))
    return (
        select(func.count(func.distinct(pair))).where(C.query_id == S.query_id, C.position <= S.hits).scalar_subquery()
    )


def _count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _distinct(condition: Any = None) -> Any:
    """Searches of one text counted once per minute: a refresh, a double submit or paging back and forth
    is one person's repeat, and k-anonymity must count people, not requests (#16)."""
    minute = S.minute if condition is None else case((condition, S.minute), else_=None)
    return func.count(func.distinct(minute))


def unmatched(
    store: Store, since: datetime, k: int, nearest: Callable[[str], Nearest | None], limit: int = 50
) -> UnmatchedReport:
    """Failed searches grouped so that variants count together, each with its nearest page."""
    query: Select[Any] = (
        select(S.query, S.normalized, S.corrected, _distinct(), func.min(S.minute), func.max(S.minute))
        .where(_searches_since(since), _is_unmatched())
        .group_by(S.query, S.normalized, S.corrected)
    )
    rows = [Row(*r) for r in _read(store, lambda conn: conn.execute(query).all())]
    grouping = group_unmatched(rows, k)
    groups = tuple(_with_nearest(g, nearest) for g in grouping.groups[:limit])
    return UnmatchedReport(
        since=since,
        k=k,
        searches=sum(r.searches for r in rows),
        groups=groups,
        hidden_groups=grouping.hidden_groups,
        hidden_searches=grouping.hidden_searches,
    )


def _with_nearest(group: Group, nearest: Callable[[str], Nearest | None]) -> UnmatchedGroup:
    if group.script is not None:
        # The analyzer reads no word of these texts: no page can be found for them, only written.
        return UnmatchedGroup(group, None, NO_PAGE_FITS, None)
    texts = ([group.label] if group.label else []) + [v.text for v in group.variants]
    texts += [group.corrected] if group.corrected else []
    text = next((t for t in texts if not PLACEHOLDER.search(t)), None)
    if text is None:
        return UnmatchedGroup(group, None, TEXTS_HIDDEN, None)
    page = nearest(text)
    if page is None or not page.fits:
        return UnmatchedGroup(group, page, NO_PAGE_FITS, None)
    return UnmatchedGroup(group, page, f"add '{text}' to {page.file}", f"  - {text}  # add to {page.file}")


def top(store: Store, since: datetime, k: int, limit: int = 50) -> TopReport:
    """The most searched texts, each shared by at least k searches."""
    query: Select[Any] = (
        select(
            S.normalized,
            _distinct(),
            _distinct(S.hits == 0),
            _distinct(_is_unmatched()),
            func.coalesce(func.sum(_valid_click_count()), 0),
        )
        .where(_searches_since(since))
        .group_by(S.normalized)
    )
    found = _read(store, lambda conn: conn.execute(query).all())
    rows = [TopQuery(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in found]
    shown = sorted((r for r in rows if r.searches >= k), key=lambda r: (-r.searches, r.query))
    total = sum(r.searches for r in rows)
    return TopReport(since, k, total, tuple(shown[:limit]), sum(r.searches for r in rows if r.searches < k))


def clicks_per_query(store: Store, since: datetime, k: int, limit: int = 50) -> ClicksReport:
    """Per query text shared by at least k searches: the pages clicked, their positions, the click-through rate."""
    valid = _valid_clicks()
    searched: Select[Any] = (
        select(S.normalized, _distinct(), _distinct(_valid_click_count() > 0))
        .where(_searches_since(since))
        .group_by(S.normalized)
    )
    joined = valid.join(searches, and_(S.query_id == valid.c.query_id, S.kind == "search"))
    clicked: Select[Any] = (
        select(S.normalized, valid.c.slug, valid.c.position, func.count())
        .select_from(joined)
        .where(S.minute >= since)
        .group_by(S.normalized, valid.c.slug, valid.c.position)
    )

    def build(conn: Connection) -> tuple[list[Any], list[Any]]:
        return list(conn.execute(searched).all()), list(conn.execute(clicked).all())

    counted, positions = _read(store, build)
    per_text = {r[0]: (int(r[1]), int(r[2])) for r in counted}
    shown = {text for text, (n, _) in per_text.items() if n >= k}
    by_page: dict[str, dict[str, dict[int, int]]] = {}
    for text, slug, position, n in positions:
        if text in shown:
            by_page.setdefault(text, {}).setdefault(slug, {})[int(position)] = int(n)
    queries = [_query_clicks(text, *per_text[text], by_page.get(text, {})) for text in shown]
    queries.sort(key=lambda q: (-q.searches, q.query))
    return ClicksReport(
        since=since,
        k=k,
        searches=sum(n for n, _ in per_text.values()),
        clicked_searches=sum(c for _, c in per_text.values()),
        queries=tuple(queries[:limit]),
        hidden_searches=sum(n for n, _ in per_text.values() if n < k),
    )


def _query_clicks(text: str, searched: int, clicked: int, pages: dict[str, dict[int, int]]) -> QueryClicks:
    stats = [
        PageClicks(slug, sum(at.values()), tuple(PositionClicks(p, n) for p, n in sorted(at.items())))
        for slug, at in pages.items()
    ]
    stats.sort(key=lambda p: (-p.clicks, p.slug))
    return QueryClicks(
        query=text,
        searches=searched,
        clicked_searches=clicked,
        click_through_rate=round(clicked / searched, 4) if searched else 0.0,
        clicks=sum(p.clicks for p in stats),
        pages=tuple(stats),
    )


def pages(store: Store, since: datetime) -> PagesReport:
    """Per page: searches it topped, clicks on it, click-through rate and mean click position."""
    topped: Select[Any] = (
        select(S.top_slug, func.count()).where(_searches_since(since), S.top_slug.is_not(None)).group_by(S.top_slug)
    )
    valid = _valid_clicks()
    clicked: Select[Any] = (
        select(valid.c.slug, func.count(), func.avg(valid.c.position))
        .where(valid.c.minute >= since)
        .group_by(valid.c.slug)
    )
    through: Select[Any] = (
        select(S.top_slug, func.count(func.distinct(S.query_id)))
        .select_from(searches.join(valid, and_(valid.c.query_id == S.query_id, valid.c.slug == S.top_slug)))
        .where(_searches_since(since))
        .group_by(S.top_slug)
    )

    def build(conn: Connection) -> tuple[dict[str, int], dict[str, tuple[int, float]], dict[str, int]]:
        return (
            {r[0]: int(r[1]) for r in conn.execute(topped)},
            {r[0]: (int(r[1]), float(r[2])) for r in conn.execute(clicked)},
            {r[0]: int(r[1]) for r in conn.execute(through)},
        )

    tops, clicks_on, clicked_through = _read(store, build)
    stats = []
    for slug in sorted(set(tops) | set(clicks_on)):
        n, (k, mean) = tops.get(slug, 0), clicks_on.get(slug, (0, 0.0))
        stats.append(
            PageStats(
                slug=slug,
                searches=n,
                clicks=k,
                click_through_rate=round(clicked_through.get(slug, 0) / n, 4) if n else None,
                mean_click_position=round(mean, 2) if k else None,
            )
        )
    stats.sort(key=lambda p: (-p.searches, -p.clicks, p.slug))
    return PagesReport(since, tuple(stats))


def zero_results(store: Store, since: datetime) -> ZeroResultsReport:
    """Searches, zero-result searches and their share, per day."""
    query: Select[Any] = (
        select(S.day, func.count(), _count_if(S.hits == 0), _count_if(_is_unmatched()))
        .where(_searches_since(since))
        .group_by(S.day)
        .order_by(S.day)
    )
    days = tuple(
        DayStats(r[0], int(r[1]), int(r[2]), int(r[3]), round(int(r[2]) / int(r[1]), 4))
        for r in _read(store, lambda c: c.execute(query).all())
    )
    return ZeroResultsReport(since, days)


EXPORT_COLUMNS = (
    "minute",
    "kind",
    "query",
    "normalized",
    "corrected",
    "hits",
    "top_slug",
    "confidence",
    "latency_ms",
    "unmatched",
    "clicks",
)


def export(store: Store, since: datetime, k: int) -> Iterator[dict[str, Any]]:
    """Every event since then, one row each; a text shared by fewer than k events is left out (None)."""

    def common(column: Any) -> Select[Any]:
        return select(column).where(S.minute >= since).group_by(column).having(_distinct() >= k)

    # Correlated, like _valid_click_count: indexed lookups whatever the database's statistics.
    clicked = select(func.count()).where(C.query_id == S.query_id).scalar_subquery()
    rows: Select[Any] = (
        select(*(S[c] for c in EXPORT_COLUMNS[:-1]), clicked).where(S.minute >= since).order_by(S.minute, S.id)
    )

    def build(conn: Connection) -> list[dict[str, Any]]:
        shown = {c: {r[0] for r in conn.execute(common(S[c]))} for c in ("query", "normalized", "corrected")}
        out = []
        for row in conn.execute(rows):
            record = dict(zip(EXPORT_COLUMNS, row, strict=True))
            for column, texts in shown.items():
                if record[column] not in texts:
                    record[column] = None
            record["unmatched"] = bool(record["unmatched"])
            out.append(record)
        return out

    yield from _read(store, build)
