"""The splice launcher: per-shot environments and DCC start-up (filled by the launcher issue)."""
