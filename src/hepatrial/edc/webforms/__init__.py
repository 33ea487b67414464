"""Data-entry forms."""
