from django.contrib import admin
from django.contrib.auth.models import Group

from hepatrial.edc.accounts.models import User
from hepatrial.edc.core.admin_base import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "full_name", "role", "site_code", "is_active", "last_login")
    list_filter = ("role", "is_active")
    exclude = ("password",)


# Permissions come from the trial role (core.permissions), not from Django groups.
admin.site.unregister(Group)
