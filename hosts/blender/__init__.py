"""The Blender adapter of splice (filled by the host issues)."""
