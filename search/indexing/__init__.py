"""Whoosh index generations: schema, atomic build, and opening a checked generation."""
