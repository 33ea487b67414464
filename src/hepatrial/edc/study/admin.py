from django.contrib import admin

from hepatrial.edc.core.admin_base import ReadOnlyAdmin
from hepatrial.edc.study.models import Site


@admin.register(Site)
class SiteAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "time_zone")
