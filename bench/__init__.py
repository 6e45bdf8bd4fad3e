"""Benchmarks of Welkom on this machine: `make bench` (full) or `make bench-smoke` (tiny sizes)."""
