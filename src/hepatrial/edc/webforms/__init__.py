"""Data-entry forms of the trial team, mounted at ``/forms/`` (URL namespace ``webforms``).

Server-rendered Django forms over the EDC services: identification, consent, screening with a
live eligibility checklist, attestation and eligibility, randomization with a confirmation step,
lots and the infusion with its dose shown before saving, visits, labs with live liver scores,
the clinical assessment, demographics, decompensation, adverse events, death and withdrawal;
the queries inbox, the monitor's view, casebook signing and the study lock.

The forms hold no rule: they give field types, choices and what is required; the services (and
``hepatrial.clinical`` through them) decide, and their errors are shown next to the field they
name. Every edit of saved data carries the version it was read at and the reason for the change.
"""
