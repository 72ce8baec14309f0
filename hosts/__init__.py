"""Per-DCC adapters: one folder per host, each of the same shape."""
