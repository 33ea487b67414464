"""Users and their trial roles."""
