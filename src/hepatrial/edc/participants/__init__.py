"""Participants: identification, consent, screening and eligibility, status through the trial."""
