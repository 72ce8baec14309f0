"""The Houdini adapter of splice (filled by the host issues)."""
