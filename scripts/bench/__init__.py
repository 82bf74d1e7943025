"""Helpers of scripts/bench.py: corpora, query sets, timing, the load generator, peers and the report."""
