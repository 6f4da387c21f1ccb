"""Benchmarks: run one with `uv run python benchmarks/<name>.py` (or `make benchmark`)."""
