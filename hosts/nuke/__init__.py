"""The Nuke adapter of splice (filled by the host issues)."""
