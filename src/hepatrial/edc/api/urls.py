"""URLs of the REST API (see the app docstring)."""

urlpatterns: list[object] = []
