"""Backends built into the core: `random` and `grid`, pure Python, no dependencies."""
