"""Who may do what: the one table of role authority checks (21 CFR 11.10(g)).

Every service names its action and calls :func:`require`; pages and the API read the same table
to decide what to show. Roles are the protocol's (``hepatrial.protocol.ROLES``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hepatrial.errors import AccessDeniedError
from hepatrial.protocol import ROLES

SITE_ROLES = frozenset({"investigator", "coordinator"})

PERMISSIONS: Mapping[str, frozenset[str]] = {
    # set-up and accounts
    "study.init": frozenset({"admin"}),
    "account.manage": frozenset({"admin"}),
    "study.lock": frozenset({"data_manager"}),
    # participants
    "participant.identify": SITE_ROLES,
    "participant.consent": SITE_ROLES,
    "participant.screen": SITE_ROLES,
    "participant.attest": frozenset({"investigator"}),
    "participant.eligibility": frozenset({"investigator"}),
    "participant.status": SITE_ROLES,
    "participant.pii.view": SITE_ROLES,
    "participant.view": frozenset(
        {
            "investigator",
            "coordinator",
            "monitor",
            "statistician",
            "dsmb",
            "data_manager",
            "pharmacist",
        }
    ),
    "casebook.sign": frozenset({"investigator"}),
    # randomization and dosing
    "randomization.generate": frozenset({"admin"}),
    "participant.randomize": frozenset({"investigator", "coordinator", "pharmacist"}),
    "unblinding.request": frozenset({"investigator"}),
    "unblinding.view": frozenset(ROLES),  # who, when and why; the arm only where visible
    "lot.manage": frozenset({"pharmacist"}),
    "infusion.record": frozenset({"pharmacist"}),
    # follow-up data
    "visit.record": SITE_ROLES,
    # the schedule is placed when the pharmacist records the first infusion
    "visit.plan": SITE_ROLES | {"pharmacist"},
    "visit.refresh": SITE_ROLES | {"admin", "data_manager"},
    "crf.enter": SITE_ROLES,
    "event.record": SITE_ROLES,
    "event.view": SITE_ROLES | {"monitor", "dsmb", "data_manager"},
    "ae.record": SITE_ROLES,
    "ae.view": SITE_ROLES | {"monitor", "dsmb", "data_manager"},
    "sae.report": SITE_ROLES,
    # data review
    "query.raise": frozenset({"monitor", "data_manager", "investigator", "coordinator"}),
    "query.respond": SITE_ROLES,
    "query.resolve": frozenset({"monitor", "data_manager"}),
    "query.close": frozenset({"monitor", "data_manager"}),
    "query.view": SITE_ROLES | {"monitor", "data_manager"},
    "tabulation.read": frozenset(
        {
            "investigator",
            "coordinator",
            "monitor",
            "statistician",
            "dsmb",
            "data_manager",
            "pharmacist",
        }
    ),
    "audit.export": frozenset({"admin", "data_manager", "monitor"}),
}


def role_of(user: Any) -> str:
    return str(getattr(user, "role", ""))


def allowed(user: Any, action: str) -> bool:
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}")
    return bool(getattr(user, "is_active", False)) and role_of(user) in PERMISSIONS[action]


def require(user: Any, action: str) -> None:
    """Raise AccessDeniedError unless the role of ``user`` may do ``action``."""
    if not allowed(user, action):
        roles = ", ".join(sorted(PERMISSIONS[action]))
        raise AccessDeniedError(
            field=action,
            expected=f"a user with role {roles}",
            received=f"role {role_of(user) or 'none'}",
        )


def permission_matrix_markdown() -> str:
    """The roles × actions table of ``docs/edc.md``, generated so the document cannot drift."""
    from hepatrial.protocol import ROLES

    header = "| action | " + " | ".join(ROLES) + " |"
    rule = "|---|" + "---|" * len(ROLES)
    rows = [
        f"| `{action}` | " + " | ".join("✓" if r in roles else "" for r in ROLES) + " |"
        for action, roles in PERMISSIONS.items()
    ]
    return "\n".join([header, rule, *rows])
