"""Reads of the study's set-up and lock state."""

from __future__ import annotations

from functools import lru_cache

from hepatrial.edc.study.models import ProtocolVersion, StudyState
from hepatrial.errors import StudyLockedError, WorkflowError
from hepatrial.protocol import Protocol, parse_protocol


def protocol_version_get() -> ProtocolVersion:
    version = ProtocolVersion.objects.filter(active=True).first()
    if version is None:
        raise WorkflowError(
            field="study", expected="a study set up with `hepatrial init`", received="no protocol"
        )
    return version


@lru_cache(maxsize=4)
def _parsed(sha256: str, text: str) -> Protocol:
    return parse_protocol(text, source=f"protocol {sha256[:12]}")


def study_protocol() -> Protocol:
    """The active protocol, parsed from the text stored at set-up (cached by its hash)."""
    version = protocol_version_get()
    return _parsed(version.sha256, version.text)


def study_is_locked() -> bool:
    state = StudyState.objects.first()
    return bool(state and state.locked)


def study_ensure_unlocked() -> None:
    if study_is_locked():
        raise StudyLockedError(
            field="study", expected="an unlocked study database", received="locked"
        )
