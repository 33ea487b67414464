"""URLs of the Web pages (see the app docstring)."""

urlpatterns: list[object] = []
