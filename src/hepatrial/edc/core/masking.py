"""The one place that decides who may see the allocation (DESIGN.md, "Masking").

A masked user sees no arm and nothing that reveals it: the dose per kg, the total cell count or
the infused volume. Which roles are masked is set in the protocol (``design.masking``); roles in
``unmasked_after_lock`` (the trial statistician) see arms once the database is locked; and an
approved emergency unblinding reveals one participant's arm to the investigator who asked for it.

Every selector, tabulation, export, page and API response that can carry allocation data asks
:func:`allocation_visible` and blanks the :data:`REVEALING_FIELDS` when the answer is no.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

from hepatrial.edc.core.permissions import role_of

MASKED = "[masked]"

# Column names that reveal the arm wherever they appear: in records, tabulations and exports.
REVEALING_FIELDS = frozenset(
    {
        "arm",
        "arm_code",
        "arm_label",
        "armcd",
        "actarmcd",
        "dose_per_kg",
        "target_cells",
        "delivered_cells",
        "volume_ml",
        "planned_volume_ml",
        "delivered_volume_ml",
        "viable_concentration_per_ml",
        # the allocation list: block number and size predict the end of a block; the seed
        # (encrypted) regenerates the whole list
        "block",
        "block_size",
        "seed_encrypted",
        # an infusion's start and stop times give its duration, which tracks the volume (3x
        # in the higher arm); masked users see the infusion date only
        "started_at",
        "stopped_at",
        # a minimization draw: each arm's imbalance, the preferred arm and whether it was taken
        "minimization",
    }
)


def allocation_visible(user: Any, *, participant_id: Any = None) -> bool:
    """Whether ``user`` may see the allocation (of ``participant_id``, when one is named)."""
    from hepatrial.edc.study.selectors import study_is_locked, study_protocol

    masking = study_protocol().design.masking
    if not masking.is_masked(role_of(user), locked=study_is_locked()):
        return True
    if participant_id is None or not apps.is_installed("hepatrial.edc.randomization"):
        return False
    from hepatrial.edc.randomization.selectors import unblinding_granted

    return bool(unblinding_granted(user=user, participant_id=participant_id))


def mask_mapping(row: dict[str, Any], *, visible: bool) -> dict[str, Any]:
    """``row`` with every revealing field replaced by ``[masked]`` unless ``visible``."""
    if visible:
        return row
    return {k: (MASKED if k.lower() in REVEALING_FIELDS else v) for k, v in row.items()}
