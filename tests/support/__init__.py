"""Helpers shared by test modules: real servers, a real browser, waiting, the project's scripts."""
