"""Benchmark scenarios, one module each; see :mod:`bench.scenario`."""
