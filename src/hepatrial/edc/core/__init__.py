"""Shared machinery of the EDC: the audited base model, the hash-chained audit ledger, roles,
permissions and masking."""
