"""A user has one trial role (hepatrial.protocol.ROLES) and, for site staff, a site."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords

from hepatrial.protocol import ROLES


class User(AbstractUser):
    """A person with an account. Account creation and role changes are audited (E6(R3) 4.2.2)."""

    full_name = models.CharField(max_length=150, help_text="Printed name used in signatures.")
    role = models.CharField(max_length=20, choices=[(r, r.replace("_", " ")) for r in ROLES])
    site_code = models.CharField(max_length=20, blank=True)
    language = models.CharField(
        max_length=10,
        blank=True,
        help_text="Interface language the user chose (en, zh-hans); empty: the browser's.",
    )
    # the language is a preference, not evidence: it stays out of the account's audit history
    history = HistoricalRecords(excluded_fields=["password", "last_login", "language"])

    def __str__(self) -> str:
        return f"{self.full_name or self.username} ({self.role})"
