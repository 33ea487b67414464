"""Setting up the demo study: the protocol, one demo account per role, and the concealed list.

Every account is a demo account: its full name says so and its password is drawn at random for
this demo and printed once at the end, so nobody mistakes a demo database for a real study.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hepatrial.protocol import ROLES, seed_protocol_path

__all__ = ["DemoAccount", "demo_allocation_read", "demo_study_create"]

SITE_CODE = "01"
_SITE_ROLES = ("investigator", "coordinator")


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """A demo account: sign in to the web app with ``username`` and ``password``."""

    role: str
    username: str
    full_name: str
    password: str


def _password() -> str:
    """A fresh random password that passes the settings' validators (length, not common, not
    numeric, not like the username)."""
    alphabet = string.ascii_letters + string.digits
    return "Demo-" + "".join(secrets.choice(alphabet) for _ in range(14))


def _list_seed(seed: int) -> int:
    """The 128-bit seed of the demo's allocation list, derived from the demo seed.

    A real study draws its seed from the operating system; the demo derives it so the same
    ``--seed`` replays the same trial. A demo's list is therefore not secret.
    """
    digest = hashlib.sha256(f"hepatrial demo allocation list {seed}".encode()).digest()
    return int.from_bytes(digest[:16], "big") | (1 << 127)


def demo_study_create(
    *, seed: int, protocol_path: str | Path | None = None
) -> tuple[dict[str, Any], dict[str, DemoAccount]]:
    """Create the study, one account per role, and the allocation list, on an empty database.

    Returns the users and the demo accounts, both keyed by role.
    """
    from hepatrial.edc.accounts.models import User
    from hepatrial.edc.accounts.services import user_create
    from hepatrial.edc.randomization.services import randomization_list_generate
    from hepatrial.edc.study.services import study_init

    accounts = {
        role: DemoAccount(
            role=role,
            username=f"demo_{role}",
            full_name=f"Demo {role.replace('_', ' ').title()} (demo account)",
            password=_password(),
        )
        for role in ROLES
    }
    admin_account = accounts["admin"]
    study_init(
        protocol_path=protocol_path or seed_protocol_path(),
        admin_username=admin_account.username,
        admin_password=admin_account.password,
        admin_full_name=admin_account.full_name,
    )
    admin = User.objects.get(username=admin_account.username)
    users: dict[str, Any] = {"admin": admin}
    for role, account in accounts.items():
        if role == "admin":
            continue
        users[role] = user_create(
            actor=admin,
            username=account.username,
            full_name=account.full_name,
            role=role,
            password=account.password,
            site_code=SITE_CODE if role in _SITE_ROLES else "",
        )
    randomization_list_generate(user=admin, seed=_list_seed(seed))
    return users, accounts


def demo_allocation_read(*, pharmacist: Any) -> list[str]:
    """The arms of the concealed list in the order randomization will hand them out.

    The demo plays the world as well as the staff: the simulated outcomes must follow the arm
    each participant will really be given, so the (unblinded, audited) pharmacist's view of the
    list is read once before the first randomization.
    """
    from hepatrial.edc.randomization.selectors import allocation_list_get

    rows = allocation_list_get(user=pharmacist)
    unstratified = [row for row in rows if not row["stratum"]] or rows
    return [str(row["arm"]) for row in sorted(unstratified, key=lambda row: row["sequence"])]
