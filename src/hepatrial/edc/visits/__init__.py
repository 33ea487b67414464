"""Visits: the schedule from day 0, windows, status, unscheduled visits and deviations."""
