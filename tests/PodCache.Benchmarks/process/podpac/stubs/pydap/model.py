"""Stand-in (not used by the benchmark)."""
