"""Soak: concurrent clients against `condsearch serve --workers 2` while the index is rebuilt under them.

    python scripts/soak.py --duration 90 --clients 8     # a person's run: prints the figures
    python scripts/soak.py --quick                       # CI's short form (about 20 s)
    python scripts/soak.py --analytics                   # also analytics down / slow / out of disk

During the load: full rebuilds in a loop (`condsearch index` into the served index folder), one
build killed with SIGKILL midway, one damaged generation made current. Every answer must be a 200
from one complete generation: clients probe /readyz, a marker page and /conditions, and an answer
between two equal /readyz generations must show that generation's marker. Worker memory is read
from /proc. Only loopback is contacted. Exits 1 when a request failed or a check did not hold.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import importlib.util
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CONDITIONS = ROOT / "data" / "conditions"
MARKER_SLUG = "soak-marker"
MARKER_WORD = "soakmarker"
GENERATION = re.compile(r"(gen-\d{6})")
QUERIES = [
    "burning nerve pain",
    "nueropathy not responding to gabapentin",
    "crying all the time since giving birth",
    "pins and needl",
    "migrane with aura",
    "cant sleep worrying all the time",
    "i want to end my life",
    "depression treatment not working",
    "shingles pain after rash",
    "MG30.5",
    'title:x * "unbalanced OR NOT',
    "🤒 fever \u202e",
    "a" * 400,
]
ANSWERABLE = QUERIES[:9]  # the rest are hostile text, rightly answered with nothing
PREFIXES = ["fib", "nueropa", "migr", "pins and", "post", "dep", "alc"]


Options = argparse.Namespace


@dataclass
class Probe:
    """One consistency probe: generation before, the marker build seen, page count, generation after."""

    client: int
    before: str
    marker: int
    pages: int
    after: str


@dataclass
class Tally:
    """What the clients saw."""

    requests: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    probes: list[Probe] = field(default_factory=list)

    def error(self, text: str) -> None:
        """Count a failed request, keeping the first few for the report."""
        self.errors.append(text[:300])


@dataclass
class Build:
    """One `condsearch index` run."""

    number: int
    generation: str
    code: int
    seconds: float
    note: str = ""


@dataclass
class Run:
    """Everything the fault driver did and found."""

    builds: list[Build] = field(default_factory=list)
    fingerprints: dict[str, dict[str, str]] = field(default_factory=dict)
    touched: list[str] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    corrupt: str = ""
    damaged_answers: int = -1  # searches without an answer after the in-place damage and rebuild (-1: not run)

    def check(self, name: str, ok: bool, detail: str = "") -> None:
        """Record a named check (and why it failed)."""
        self.checks[name] = self.checks.get(name, True) and ok
        if not ok:
            self.notes.append(f"FAILED {name}: {detail}")


# Pages and builds --------------------------------------------------------------------------------


def marker_page(number: int) -> str:
    """A page whose title names the build that wrote it (and a word of its own: each vocabulary differs)."""
    word = "soak" + "".join(chr(ord("a") + int(digit)) for digit in str(number))
    return (
        f"---\nslug: {MARKER_SLUG}\ntitle: Soakmarker build {number}\n"
        f"summary: The soak test's marker page, written by build {number} ({word}).\n"
        f"search_phrases: [{MARKER_WORD}]\n---\n\n## The short version\n- Build {number}.\n"
    )


def filler_pages(folder: Path, count: int) -> None:
    """Many plain pages: a build of them takes long enough to be killed midway."""
    rng = random.Random(7)
    words = [
        "pain",
        "nerve",
        "sleep",
        "mood",
        "fever",
        "itch",
        "cough",
        "rash",
        "ache",
        "dizzy",
        "tired",
        "swelling",
        "numb",
        "tingling",
    ]
    for n in range(count):
        body = " ".join(rng.choice(words) for _ in range(400))
        (folder / f"filler-{n:04d}.md").write_text(
            f"---\nslug: filler-{n:04d}\ntitle: Filler condition {n}\nsummary: Filler {n}.\n---\n\n"
            f"## The short version\n- {body}.\n",
            encoding="utf-8",
        )


def index_command(folder: Path, index_dir: Path) -> list[str]:
    """`condsearch index` over a folder into the served index."""
    return [sys.executable, "-m", "search", "index", str(folder), "--index-dir", str(index_dir)]


async def build(folder: Path, index_dir: Path, number: int) -> Build:
    """Write the marker for build `number` and index the folder."""
    (folder / f"{MARKER_SLUG}.md").write_text(marker_page(number), encoding="utf-8")
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        *index_command(folder, index_dir), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    out, _ = await process.communicate()
    text = out.decode(errors="replace")
    found = GENERATION.search(text.rsplit("->", 1)[-1]) if process.returncode == 0 else None
    note = "" if process.returncode == 0 else text.strip().splitlines()[-1][:200] if text.strip() else "no output"
    return Build(number, found.group(1) if found else "", process.returncode or 0, time.monotonic() - started, note)


def fingerprint(generation: Path) -> dict[str, str]:
    """A hash of every file of a finished generation (the build lock aside)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(generation.iterdir())
        if p.is_file() and p.name != "MAIN_WRITELOCK"
    }


def record(run: Run, index_dir: Path, done: Build) -> None:
    """Keep a build; check that it left the earlier generations' files as they were, and fingerprint its own."""
    run.builds.append(done)
    for name, before in run.fingerprints.items():
        if (index_dir / name).is_dir() and name != run.corrupt:
            now = fingerprint(index_dir / name)
            run.touched += [f"build {done.number}: {name}/{f}" for f in before if f in now and now[f] != before[f]]
            run.fingerprints[name] = now
    if done.code == 0 and (index_dir / done.generation).is_dir():
        run.fingerprints[done.generation] = fingerprint(index_dir / done.generation)


def current(index_dir: Path) -> str:
    """The generation CURRENT points to."""
    return (index_dir / "CURRENT").read_text(encoding="utf-8").strip()


def damage(index_dir: Path) -> str:
    """Copy the current generation as the next one with a truncated segment, and make it current."""
    from search.indexing.store import generation_dirs, switch_to

    number = max(int(p.name.split("-")[1]) for p in generation_dirs(index_dir)) + 1
    name = f"gen-{number:06d}"
    target = index_dir / name
    shutil.copytree(index_dir / current(index_dir), target)
    for segment in target.glob("*.seg"):
        segment.write_bytes(segment.read_bytes()[:4096])  # a disk that filled up or a copy cut short
    switch_to(index_dir, name)
    return name


# Server and processes ----------------------------------------------------------------------------


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    index_dir: Path, workers: int, log: Path, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """`condsearch serve --workers N` on loopback; returns once /readyz answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # The soak floods from one address: the per-client rate limit is off for it.
    # Analytics (SQLite) go to the work folder, never to the repo's var/.
    full_env = {
        **os.environ,
        "CONDSEARCH_RATE_LIMIT_PER_SECOND": "0",
        "CONDSEARCH_DATA_DIR": str(index_dir.parent / "var"),
        **(env or {}),
    }
    command = [sys.executable, "-m", "search", "serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(
        [*command, "--index-dir", str(index_dir)],
        cwd=ROOT,
        env=full_env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}; see {log}")
        try:
            ready = httpx.get(f"{url}/readyz", timeout=1).status_code == 200
            if ready and (workers == 1 or len(worker_pids(process.pid)) >= workers):
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(process)
    raise SystemExit(f"the server was not ready in 60 s; see {log}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group (its workers with it), then wait."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def worker_pids(parent: int) -> list[int]:
    """The uvicorn worker processes of a multi-worker server (children started by multiprocessing's spawn)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and b"spawn_main" in cmdline:
            found.append(int(stat.parent.name))
    return sorted(found)


def rss_mib(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# Load ---------------------------------------------------------------------------------------------


async def client(number: int, url: str, stop: asyncio.Event, tally: Tally) -> None:
    """One user on one kept-alive connection (so one worker): searches, suggestions and probes."""
    rng = random.Random(number)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=url, timeout=10, limits=limits) as http:
        turn = 0
        while not stop.is_set():
            turn += 1
            if turn % 5 == 0:
                await probe(http, number, tally)
            elif turn % 3 == 0:
                await timed(http, tally, "/suggest", {"q": rng.choice(PREFIXES)})
            else:
                await timed(http, tally, "/search", {"q": rng.choice(QUERIES)})


async def timed(
    http: httpx.AsyncClient, tally: Tally, path: str, params: dict[str, str], ok: tuple[int, ...] = (200,)
) -> httpx.Response | None:
    """One request, counted and timed; a status not in `ok` is an error."""
    started = time.perf_counter()
    tally.requests += 1
    try:
        response = await http.get(path, params=params)
    except httpx.HTTPError as exc:
        tally.error(f"{path}: {type(exc).__name__}: {exc}")
        return None
    tally.latencies.append(time.perf_counter() - started)
    if response.status_code not in ok:
        tally.error(f"{path} {params}: {response.status_code} {response.text[:200]}")
        return None
    return response


async def probe(http: httpx.AsyncClient, number: int, tally: Tally) -> None:
    """Generation, marker, page count, generation: one worker, so equal ends mean one generation."""
    # /readyz says 503 while a refused generation is CURRENT (the corrupt fault): the header still names
    # the generation answering.
    before = await timed(http, tally, "/readyz", {}, ok=(200, 503))
    found = await timed(http, tally, "/search", {"q": MARKER_WORD, "limit": "1"})
    listing = await timed(http, tally, "/conditions", {})
    after = await timed(http, tally, "/readyz", {}, ok=(200, 503))
    if before is None or found is None or listing is None or after is None:
        return
    hits = found.json()["hits"]
    marker = int(hits[0]["title"].rsplit(" ", 1)[-1]) if hits and hits[0]["slug"] == MARKER_SLUG else -1
    generation = "x-condsearch-generation"
    seen = Probe(number, before.headers[generation], marker, listing.json()["total"], after.headers[generation])
    tally.probes.append(seen)


# Faults -------------------------------------------------------------------------------------------


async def rebuild_until(deadline: float, folder: Path, index_dir: Path, run: Run, pause: float) -> None:
    """Full rebuilds until the deadline, `pause` seconds apart (0: back to back)."""
    while time.monotonic() < deadline:
        done = await build(folder, index_dir, len(run.builds) + 1)
        record(run, index_dir, done)
        if done.code != 0:
            run.notes.append(f"build {done.number} failed ({done.code}): {done.note}")
        await asyncio.sleep(min(max(pause, 0.5 if done.code else 0.0), max(0.0, deadline - time.monotonic())))


async def switch_generations(
    count: int, folder: Path, index_dir: Path, url: str, run: Run, workers: list[int]
) -> dict[int, dict[str, float]]:
    """`count` rebuilds back to back under load, each served by every worker before the next:
    worker RSS after each one (switch number -> pid -> MiB)."""
    memory: dict[int, dict[str, float]] = {}
    for number in range(1, count + 1):
        done = await build(folder, index_dir, len(run.builds) + 1)
        record(run, index_dir, done)
        if done.code != 0:
            run.notes.append(f"build {done.number} failed ({done.code}): {done.note}")
            continue
        deadline = time.monotonic() + 30
        while await served_generations(url, samples=8) != {done.generation} and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        memory[number] = {str(pid): round(rss_mib(pid), 1) for pid in workers}
    return memory


def memory_curve(memory: dict[int, dict[str, float]]) -> dict[str, object]:
    """RSS at a few switches, and the growth per switch after the first quarter (caches warm by then)."""
    if not memory:
        return {}
    numbers = sorted(memory)
    shown = sorted({numbers[0], *(n for n in numbers if n % 10 == 0), numbers[-1]})
    quarter = numbers[len(numbers) // 4]
    late = sum(memory[numbers[-1]].values()) - sum(memory[quarter].values())
    per_switch = late / max(1, numbers[-1] - quarter) / max(1, len(memory[quarter]))
    return {
        "rss_mib_at_switch": {n: memory[n] for n in shown},
        "growth_per_switch_per_worker_mib_after": quarter,
        "growth_per_switch_per_worker_mib": round(per_switch, 2),
    }


async def served_generations(url: str, samples: int = 20) -> set[str]:
    """The generations the workers report, over several fresh connections."""
    seen: set[str] = set()
    for _ in range(samples):
        async with httpx.AsyncClient(base_url=url, timeout=10) as http:
            seen.add((await http.get("/readyz")).headers["x-condsearch-generation"])
    return seen


async def kill_a_build(folder: Path, index_dir: Path, url: str, run: Run) -> None:
    """SIGKILL a big build once it is writing: the old generation keeps serving, the next build works."""
    before = current(index_dir)
    big = folder.parent / "big"
    shutil.copytree(folder, big, dirs_exist_ok=True)
    filler_pages(big, 300)
    process = await asyncio.create_subprocess_exec(
        *index_command(big, index_dir), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while process.returncode is None and not list(index_dir.glob(".building-*")) and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)  # into the writing
    killed = process.returncode is None
    if killed:
        process.kill()
    await process.wait()
    run.check("kill: the build was killed while writing", killed, "it finished before the kill")
    await asyncio.sleep(1.5)  # past the servers' reload check
    run.check("kill: CURRENT unchanged", current(index_dir) == before, f"{before} -> {current(index_dir)}")
    served = await served_generations(url)
    good = {b.generation for b in run.builds if b.code == 0}
    # A worker may still be on an older good generation (reloading is slow under load): never the new one.
    run.check("kill: old generations keep serving", served <= good, f"served {served}, good {sorted(good)}")
    after = await build(folder, index_dir, len(run.builds) + 1)
    record(run, index_dir, after)
    run.check("kill: the next build succeeds", after.code == 0, after.note)
    shutil.rmtree(big, ignore_errors=True)


async def corrupt_a_generation(folder: Path, index_dir: Path, url: str, log: Path, run: Run) -> None:
    """Make a damaged generation current: refused with a logged error, the old one kept, next build works."""
    await asyncio.sleep(1.5)  # the workers pick up the last good build
    before = current(index_dir)
    run.corrupt = damage(index_dir)
    await asyncio.sleep(2.5)  # every worker's reload check has seen the damaged one
    served = await served_generations(url)
    good = {b.generation for b in run.builds if b.code == 0}
    run.check("corrupt: old generations keep serving", served <= good and before in good, f"served {served}")
    refused = f"refused index generation {run.corrupt}" in log.read_text(errors="replace")
    run.check("corrupt: refused with a logged error", refused, "no 'refused index generation' line in the log")
    after = await build(folder, index_dir, len(run.builds) + 1)
    record(run, index_dir, after)
    run.check("corrupt: the next build succeeds", after.code == 0, after.note)
    if after.code != 0:
        # Put the last good generation back so that the rest of the soak still rebuilds.
        from search.indexing.store import switch_to

        switch_to(index_dir, before)
        shutil.rmtree(index_dir / run.corrupt, ignore_errors=True)
        run.notes.append(f"repaired by hand: CURRENT -> {before}, {run.corrupt} deleted")


async def damage_in_place_then_rebuild(folder: Path, index_dir: Path, url: str, run: Run) -> None:
    """A failing disk damages a segment the serving generation shares with older ones; then a rebuild.

    The build must notice (digests) and start afresh instead of linking the damaged file into the
    next generation, and every answer after the switch must be whole.
    """
    await asyncio.sleep(1.5)  # the workers pick up the last good build
    generation = index_dir / current(index_dir)
    segment = max(generation.glob("*.seg"), key=lambda p: p.stat().st_size)
    inode, size = segment.stat().st_ino, segment.stat().st_size
    with segment.open("r+b") as handle:
        handle.seek(max(0, size // 2 - 2048))
        handle.write(b"\xff" * min(4096, size))
    for name in run.fingerprints:  # the fault's own write: the builds after it must not add any
        if (index_dir / name).is_dir():
            run.fingerprints[name] = fingerprint(index_dir / name)
    after = await build(folder, index_dir, len(run.builds) + 1)
    record(run, index_dir, after)
    run.check("damaged in place: the next build succeeds", after.code == 0, after.note)
    rebuilt = index_dir / current(index_dir)
    linked = [f.name for f in rebuilt.iterdir() if f.stat().st_ino == inode]
    run.check("damaged in place: the rebuild links no damaged file", not linked, f"linked {linked}")
    served: set[str] = set()
    for _ in range(20):  # every worker's reload check sees the rebuild and opens it (slower under load)
        await asyncio.sleep(0.5)
        served = await served_generations(url)
        if served == {rebuilt.name}:
            break
    run.check("damaged in place: every worker serves the rebuild", served == {rebuilt.name}, f"served {served}")
    failed = 0
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        for query in ANSWERABLE:
            response = await http.get("/search", params={"q": query})
            failed += response.status_code != 200 or not response.json()["hits"]
        ready = (await http.get("/readyz")).status_code
    run.damaged_answers = failed
    run.check("damaged in place: 0 damaged answers after the rebuild", failed == 0, f"{failed} of {len(ANSWERABLE)}")
    run.check("damaged in place: ready again", ready == 200, f"/readyz {ready}")


async def faults(deadline: float, folder: Path, index_dir: Path, url: str, log: Path, run: Run, args: Options) -> None:
    """Rebuilds throughout; a killed build after a third of the time, a damaged generation after two."""
    started = time.monotonic()
    third = (deadline - started) / 3
    await rebuild_until(started + (0.5 if args.quick else third), folder, index_dir, run, args.build_pause)
    await kill_a_build(folder, index_dir, url, run)
    await rebuild_until(started + 2 * third, folder, index_dir, run, args.build_pause)
    await corrupt_a_generation(folder, index_dir, url, log, run)
    await damage_in_place_then_rebuild(folder, index_dir, url, run)
    await rebuild_until(deadline, folder, index_dir, run, args.build_pause)


# Analytics -----------------------------------------------------------------------------------------


ADMIN_TOKEN = "soak-admin-token-" + "x" * 16
# A patient's own search with a name and a diagnosis: only ever one person's, so never in a report.
PAGING_TEXT = "biopsy results for morgan ashdown lymphoma"


async def paging_attack(url: str, run: Run) -> int:
    """One person pages through and refreshes a search many times: k must still count one search.

    Returns how many report answers showed the text (0 is right).
    """
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        for _ in range(4):
            for page in (1, 2, 3):
                await http.get("/", params={"q": PAGING_TEXT, "page": page})
            for offset in (0, 10, 20):
                await http.get("/search", params={"q": PAGING_TEXT, "offset": offset})
        await asyncio.sleep(1.5)  # past the sink's flush
        auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        leaks, answered = 0, 0
        for path in ("/analytics/top", "/analytics/unmatched", "/analytics/clicks"):
            response = await http.get(path, params={"since": "1d", "limit": 500}, headers=auth)
            answered += response.status_code == 200
            leaks += "ashdown" in response.text or "lymphoma" in response.text
    run.check("paging attack: the reports answer", answered == 3, f"{answered} of 3")
    run.check("paging attack: a refreshed and paged search never reaches a report", leaks == 0, f"{leaks} leaks")
    return leaks


def analytics_available() -> bool:
    """Whether the analytics package exists yet (another change is building it)."""
    return importlib.util.find_spec("search.analytics") is not None


def analytics_scenarios(index_dir: Path, work: Path, seconds: float) -> dict[str, dict[str, float]]:
    """Search under a broken analytics store (down, slow, out of disk): answers stay 200, events are dropped."""
    results: dict[str, dict[str, float]] = {}  # counts, so that the report can compare them
    for name in ("down", "slow", "full"):
        data_dir = work / f"var-{name}"
        data_dir.mkdir()
        env = {"CONDSEARCH_DATA_DIR": str(data_dir), "CONDSEARCH_ANALYTICS_URL": ""}
        if name == "down":
            # A PostgreSQL address on loopback where nothing listens: every connection is refused.
            env["CONDSEARCH_ANALYTICS_URL"] = f"postgresql+psycopg://soak@127.0.0.1:{free_port()}/soak"
        log = work / f"analytics-{name}.log"
        process, url = start_server(index_dir, 1, log, env)
        lock = _lock_database(data_dir) if name == "slow" else None
        if name == "full":
            _cap_file_size(process.pid)
        try:
            statuses, dropped = _searches_and_drops(url, seconds)
        finally:
            if lock is not None:
                lock.close()
            stop_server(process)
        results[name] = {"requests": len(statuses), "non_200": sum(1 for s in statuses if s != 200), "dropped": dropped}
    return results


def _lock_database(data_dir: Path) -> sqlite3.Connection | None:
    """Hold an exclusive lock on the store's SQLite file: every write waits for its busy timeout."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        files = [p for p in data_dir.rglob("*") if p.suffix in (".db", ".sqlite", ".sqlite3")]
        if files:
            connection = sqlite3.connect(files[0], isolation_level=None, timeout=5)
            connection.execute("BEGIN EXCLUSIVE")
            return connection
        time.sleep(0.2)
    return None


def _cap_file_size(pid: int) -> None:
    """Out of disk without filling one: no file may grow (EFBIG; Python ignores SIGXFSZ)."""
    for process in [pid, *worker_pids(pid)]:
        subprocess.run(["prlimit", f"--pid={process}", "--fsize=0"], check=False, capture_output=True)


def _searches_and_drops(url: str, seconds: float) -> tuple[list[int], float]:
    statuses = []
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=url, timeout=10) as http:
        while time.monotonic() < deadline:
            try:
                statuses.append(http.get("/search", params={"q": random.choice(QUERIES)}).status_code)
            except httpx.HTTPError:
                statuses.append(0)
        metrics = http.get("/metrics").text
    dropped = sum(
        float(line.split()[-1])
        for line in metrics.splitlines()
        if line.startswith("condsearch_analytics_events_dropped_total")
    )
    return statuses, dropped


# The run ----------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """A nearest-rank percentile."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def consistency(tally: Tally, run: Run, pages: int) -> None:
    """Every probed answer came from one complete generation, and generations only moved forward."""
    markers = {b.generation: b.number for b in run.builds if b.code == 0}
    torn = [p for p in tally.probes if p.before == p.after and markers.get(p.before) != p.marker]
    run.check("every answer from one complete generation (marker)", not torn, f"{len(torn)} probes, e.g. {torn[:3]}")
    partial = [p for p in tally.probes if p.pages != pages]
    run.check("every generation complete (/conditions)", not partial, f"{len(partial)} probes, e.g. {partial[:3]}")
    unknown = {p.before for p in tally.probes} | {p.after for p in tally.probes}
    unknown -= set(markers)
    run.check("no unfinished or damaged generation ever served", not unknown, f"served {sorted(unknown)}")
    backwards = []
    for number in {p.client for p in tally.probes}:
        mine = [p for p in tally.probes if p.client == number]
        backwards += [(a, b) for a, b in itertools.pairwise(mine) if b.before < a.after]
    run.check("generations only move forward on a connection", not backwards, f"{backwards[:3]}")


async def soak(args: Options, work: Path) -> dict[str, object]:
    """Set up, load, inject faults, measure; the report as a dict."""
    folder = work / "pages"
    shutil.copytree(CONDITIONS, folder)
    index_dir = work / "index"
    log = work / "server.log"
    run = Run()
    first = await build(folder, index_dir, 0)
    if first.code != 0:
        raise SystemExit(f"the first build failed: {first.note}")
    record(run, index_dir, first)
    pages = len(list(folder.glob("*.md")))
    # The reports are read by the paging attack: at k=3 the eight records of one search (within two
    # minutes at most) would show it if each counted.
    admin = {"CONDSEARCH_ADMIN_TOKEN": ADMIN_TOKEN, "CONDSEARCH_ANALYTICS_MIN_COUNT": "3"}
    process, url = start_server(index_dir, args.workers, log, admin)
    tally = Tally()
    memory: dict[int, dict[str, float]] = {}
    try:
        workers = worker_pids(process.pid) if args.workers > 1 else [process.pid]
        warm = Tally()
        stop = asyncio.Event()
        warmers = [asyncio.create_task(client(n, url, stop, warm)) for n in range(args.clients)]
        await asyncio.sleep(1 if args.quick else 5)  # caches, lazy imports, first allocations
        stop.set()
        await asyncio.gather(*warmers)
        rss_before = {pid: rss_mib(pid) for pid in workers}
        stop = asyncio.Event()
        started = time.monotonic()
        clients = [asyncio.create_task(client(n, url, stop, tally)) for n in range(args.clients)]
        if args.switches:
            memory = await switch_generations(args.switches, folder, index_dir, url, run, workers)
        elif args.no_faults:
            await asyncio.sleep(args.duration)
        else:
            await faults(started + args.duration, folder, index_dir, url, log, run, args)
        stop.set()
        await asyncio.gather(*clients)
        elapsed = time.monotonic() - started
        paging_leaks = await paging_attack(url, run)
        rss_after = {pid: rss_mib(pid) for pid in workers}
        still = worker_pids(process.pid) if args.workers > 1 else [process.pid]
        run.check("workers stayed up", still == workers, f"{workers} -> {still}")
    finally:
        stop_server(process)
    run.check("no build writes into an earlier generation", not run.touched, f"{run.touched[:5]}")
    run.check("zero failed requests", not tally.errors, f"{len(tally.errors)}: {tally.errors[:3]}")
    consistency(tally, run, pages)
    failed_builds = [b for b in run.builds if b.code != 0]
    report: dict[str, object] = {
        "seconds": round(elapsed, 1),
        "clients": args.clients,
        "workers": args.workers,
        "requests": tally.requests,
        "errors": len(tally.errors),
        "requests_per_second": round(tally.requests / elapsed, 1),
        "p50_ms": round(1000 * percentile(tally.latencies, 0.50), 2),
        "p99_ms": round(1000 * percentile(tally.latencies, 0.99), 2),
        "max_ms": round(1000 * max(tally.latencies, default=0.0), 2),
        "probes": len(tally.probes),
        "builds": len(run.builds),
        "builds_failed": len(failed_builds),
        "generations_served": len({p.before for p in tally.probes}),
        "rss_mib_before": {str(k): round(v, 1) for k, v in rss_before.items()},
        "rss_mib_after": {str(k): round(v, 1) for k, v in rss_after.items()},
        "rss_growth_mib": round(sum(rss_after.values()) - sum(rss_before.values()), 1),
        "corrupt_generation": run.corrupt,
        "paging_attack_leaks": paging_leaks,
        "generation_switches": memory_curve(memory),
        "checks": run.checks,
        "notes": run.notes,
        "first_errors": tally.errors[:5],
        "build_seconds_p50": round(percentile([b.seconds for b in run.builds], 0.5), 2),
    }
    if args.analytics and not analytics_available():
        report["analytics"] = "skipped: search/analytics does not exist yet"
    elif args.analytics:
        scenarios = analytics_scenarios(index_dir, work, 4 if args.quick else 15)
        report["analytics"] = scenarios
        for name, figures in scenarios.items():
            run.check(f"analytics {name}: search keeps answering", figures["non_200"] == 0, str(figures))
        for name in ("down", "full"):
            run.check(f"analytics {name}: events dropped and counted", scenarios[name]["dropped"] > 0, str(scenarios))
    return report


def print_report(report: dict[str, object]) -> None:
    """The figures a person reads."""
    print(
        f"{report['requests']} requests in {report['seconds']} s from {report['clients']} clients "
        f"against {report['workers']} workers ({report['requests_per_second']}/s): {report['errors']} errors; "
        f"p50 {report['p50_ms']} ms, p99 {report['p99_ms']} ms, max {report['max_ms']} ms"
    )
    print(
        f"{report['builds']} builds ({report['builds_failed']} failed, p50 {report['build_seconds_p50']} s), "
        f"{report['generations_served']} generations seen by {report['probes']} probes; "
        f"paging attack: {report['paging_attack_leaks']} report answers showed the text"
    )
    print(
        f"worker RSS MiB before {report['rss_mib_before']} after {report['rss_mib_after']} "
        f"(growth {report['rss_growth_mib']} MiB)"
    )
    checks = report["checks"]
    assert isinstance(checks, dict)
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    for note in report["notes"]:  # type: ignore[attr-defined]
        print(f"  note: {note}")
    if report.get("generation_switches"):
        print(f"generation switches: {report['generation_switches']}")
    if "analytics" in report:
        print(f"analytics: {report['analytics']}")


def parse_args(argv: list[str] | None = None) -> Options:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--quick", action="store_true", help="CI's short form: 6 s of load (longer while the faults run), 4 clients"
    )
    parser.add_argument("--duration", type=float, default=90.0, help="seconds of load (default 90)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (default 2)")
    parser.add_argument("--no-faults", action="store_true", help="load only: no rebuilds, kill or damage")
    parser.add_argument(
        "--switches", type=int, default=0, help="instead of the faults: N rebuilds under load, worker RSS after each"
    )
    parser.add_argument("--build-pause", type=float, default=0.0, help="seconds between rebuilds (default 0)")
    parser.add_argument("--analytics", action="store_true", help="also analytics down/slow/full, if it exists")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (index, server log)")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.clients = 6.0, 4
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the soak; 0 when every request succeeded and every check held."""
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="condsearch-soak-"))
    try:
        report = asyncio.run(soak(args, work))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print_report(report)
    if args.keep:
        print(f"work folder: {work}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    checks = report["checks"]
    assert isinstance(checks, dict)
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
