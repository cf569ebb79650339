"""Stand-in (OPeNDAP is not used by the benchmark)."""
