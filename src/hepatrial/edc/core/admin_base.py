"""A read-only admin: the Django admin shows reference data but is no back door.

Every write goes through a service, which validates, audits and checks the lock; the admin's own
save would do none of that, so adding, changing and deleting are switched off here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
