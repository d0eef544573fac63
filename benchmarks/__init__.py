"""Benchmarks: edusearch and peer engines on the same sections and the same queries (not part of the test suite)."""
