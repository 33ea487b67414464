"""URL configuration: the web pages, the data-entry forms, the REST API and a read-only admin.

The admin serves reference data only (users, sites, lots).
"""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(("hepatrial.edc.api.urls", "api"))),
    path("forms/", include(("hepatrial.edc.webforms.urls", "webforms"))),
    path("", include(("hepatrial.edc.web.urls", "web"))),
]
