"""Condition search: lay health queries in, the right clinic condition page first."""

__version__ = "0.1.0"
