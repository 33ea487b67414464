"""Outcomes: decompensation events, deaths and liver transplants."""
