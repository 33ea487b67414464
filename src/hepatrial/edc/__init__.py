"""The trial's electronic data capture: a Django project with one app per clinical concept.

This is the only package that imports Django. Every write to trial data goes through a service
(``<app>/services.py``) in a transaction; every read that a page, the API or an export needs goes
through a selector (``<app>/selectors.py``). Rules live in the pure core (``protocol``,
``clinical``, ``design``) or in those services, never in models, forms, views or signals.
"""

from hepatrial.edc.bootstrap import configure

__all__ = ["configure"]
