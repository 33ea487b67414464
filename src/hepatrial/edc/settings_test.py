"""Settings for the test suite: a throw-away data directory and a fast password hasher."""

import os
import tempfile

os.environ.setdefault("HEPATRIAL_DATA_DIR", tempfile.mkdtemp(prefix="hepatrial-test-"))

from hepatrial.edc.settings import *  # noqa: F403

# Hashing cost is not under test; the production hasher (PBKDF2) is the settings default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Parallel test runs against one PostgreSQL server each need their own test database.
if os.environ.get("HEPATRIAL_TEST_DB"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["HEPATRIAL_TEST_DB"]}  # noqa: F405

# whitenoise looks for the collected assets at start-up; the tests serve them from the finders
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
