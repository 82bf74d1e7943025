"""The peers by name, imported only when asked for: each is an optional extra of the benchmark."""

from __future__ import annotations

import importlib

from bench.peers import Peer

PEERS = {
    "whoosh": ("bench.peers.whoosh_peer", "WhooshPeer"),
    "sqlite-fts5": ("bench.peers.fts5_peer", "Fts5Peer"),
    "tantivy": ("bench.peers.tantivy_peer", "TantivyPeer"),
    "typesense": ("bench.peers.typesense_peer", "TypesensePeer"),
}


def make_peer(name: str) -> Peer | str:
    """A new peer, or the exact error that kept it from loading (for the report)."""
    module_name, class_name = PEERS[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        return f"{type(exc).__name__}: {exc} (install the benchmark's extras: pip install -e '.[bench]')"
    peer: Peer = getattr(module, class_name)()
    return peer
