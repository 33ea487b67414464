"""What an automatic data check reports: one finding per rule and field of a record.

Rules live with the data they check (the crfs and visits services, and the pure core they call);
each returns :class:`Finding` objects, and :func:`hepatrial.edc.queries.services.auto_queries_sync`
turns them into queries that open when a rule fires and close themselves once it no longer does.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MANUAL", "Finding"]

MANUAL = "manual"  # the origin of a query raised by a person rather than by a rule


@dataclass(frozen=True, slots=True)
class Finding:
    """``rule`` (a stable code such as ``LAB_SOFT_LIMIT``) fired on ``field`` of a record.

    ``field`` names the checked field, or is empty for a finding about the record as a whole;
    ``message`` is the query text a coordinator reads, with the value that triggered it.
    """

    rule: str
    field: str
    message: str
