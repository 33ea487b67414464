from django.contrib import admin

from hepatrial.edc.core.admin_base import ReadOnlyAdmin
from hepatrial.edc.dosing.models import CellLot


@admin.register(CellLot)
class CellLotAdmin(ReadOnlyAdmin):
    list_display = ("lot_number", "product_code", "viability", "expires_on", "release_status")
