"""The REST API over the EDC's services and selectors, mounted at ``/api/`` (``docs/api.md``).

Views stay thin: a serializer checks the request's shape and types, a service (or selector) does
the work and applies the rules, masking and audit, and ``errors.api_exception_handler`` turns a
service's error into a status and a ``{field, expected, received, detail}`` body.
"""
