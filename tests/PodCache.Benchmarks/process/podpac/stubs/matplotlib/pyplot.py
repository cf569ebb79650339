"""Stand-in for matplotlib.pyplot."""
