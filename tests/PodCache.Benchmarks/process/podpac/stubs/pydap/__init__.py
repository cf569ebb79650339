"""Stand-in for pydap (PODPAC's OPeNDAP source; not used by the benchmark)."""
