"""Casebook signatures: the investigator signs a participant's casebook (21 CFR 11.50, 11.200)."""
