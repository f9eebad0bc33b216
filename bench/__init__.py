"""Benchmarks: Skybus side by side with the tools people would otherwise use.

Run ``python -m bench pipeline`` from the repository root; see ``bench/README.md``.
"""
