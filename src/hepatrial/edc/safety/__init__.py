"""Safety: adverse events and serious adverse events with their reporting clock."""
