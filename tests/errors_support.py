"""Every error class of splice, found by importing every module of it.

The walk runs in a subprocess (it imports the Blender, Qt and server modules, ~10 s),
which names each :class:`~splice.errors.SpliceError` subclass; the test process then
imports only the modules that define them.
"""

from __future__ import annotations

import functools
import importlib
import json
import subprocess
import sys

from splice.errors import SpliceError

ROOTS = ("splice", "splice.launcher", "splice.hosts")  # the three folders of the distribution
MARK = "splice-errors: "
WALK = f"""
import importlib, json, pkgutil
from splice.errors import SpliceError

for root in {ROOTS!r}:
    package = importlib.import_module(root)
    for module in pkgutil.walk_packages(package.__path__, root + "."):
        if not module.name.endswith(".__main__"):
            importlib.import_module(module.name)

def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)

found = {{(c.__module__, c.__qualname__) for c in (SpliceError, *subclasses(SpliceError))}}
print({MARK!r} + json.dumps(sorted(found)))
"""


@functools.cache
def error_classes() -> tuple[type[SpliceError], ...]:
    """Every SpliceError class defined in splice (SpliceError included)."""
    done = subprocess.run(
        [sys.executable, "-c", WALK], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith(MARK))
    pairs = json.loads(line[len(MARK) :])
    assert not [q for _m, q in pairs if "<locals>" in q], "an error class defined inside a function"
    return tuple(getattr(importlib.import_module(m), q) for m, q in pairs)
