"""URLs of the Data-entry forms (see the app docstring)."""

urlpatterns: list[object] = []
