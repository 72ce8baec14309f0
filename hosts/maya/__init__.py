"""The Maya adapter of splice (filled by the host issues)."""
