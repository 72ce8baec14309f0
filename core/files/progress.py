"""Progress bars (tqdm, which dvc brings) on stderr, or nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Update = Callable[[int], None]


class Bar:
    """A byte or file counter: a tqdm bar when shown, a no-op otherwise."""

    def __init__(self, show: bool, total: int | None, desc: str, unit: str = "B") -> None:
        self._bar: Any = None
        if show:
            from tqdm import tqdm

            self._bar = tqdm(
                total=total,
                desc=desc,
                unit=unit,
                unit_scale=unit == "B",
                unit_divisor=1024 if unit == "B" else 1000,
                leave=False,
            )

    def update(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def callback(show: bool, desc: str) -> Any:
    """An fsspec callback for dvc's transfers: a file counter bar, or ``None`` (silent; no
    fsspec import, which a DCC's Python may not have)."""
    if not show:
        return None
    from fsspec.callbacks import TqdmCallback

    return TqdmCallback(tqdm_kwargs={"desc": desc, "unit": "file", "leave": False})
