"""Synthetic trials: realistic ESLD cohorts and vectorized Monte Carlo evaluation of the design."""
