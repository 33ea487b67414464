"""Data queries raised by rules or people, with respond, resolve and close."""
