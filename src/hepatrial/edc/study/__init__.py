"""The study: its protocol version, sites, reference data from the protocol, and the lock."""
