"""USD layers' krefs as dependencies: a published layer records a ``DEPENDS_ON`` edge to
every revision its krefs select (sublayers, references, payloads, asset attributes), so
impact and inventory see USD dependencies (:mod:`splice.usd.deps`).

A kref that selects nothing fails the publish, naming it and where it is: a listed file's
at validation, an extracted file's right after extraction (nothing is written either way).
There is no repair: which revision the artist meant is not something a check can choose.
"""

import logging
import os

import pyblish.api

from splice.errors import SpliceError
from splice.pipeline.publish import PublishValidationError

SUFFIXES = (".usd", ".usda", ".usdc", ".usdz")
FIX = "publish the missing asset (or tag the revision the kref asks for), or correct the kref in the layer"
log = logging.getLogger(__name__)


def _usd_files(paths):
    """The USD files among ``paths`` (a folder: the files directly in it)."""
    out = []
    for path in paths:
        path = os.fspath(path)
        if os.path.isdir(path):
            out += sorted(os.path.join(path, n) for n in os.listdir(path) if n.lower().endswith(SUFFIXES))
        elif path.lower().endswith(SUFFIXES) and os.path.isfile(path):
            out.append(path)
    return out


def _holds_kref(path):
    with open(path, "rb") as f:
        return b"kref://" in f.read()


def _dependencies(instance, files):
    """The DEPENDS_ON edge specs of ``files``; PublishValidationError naming what is wrong."""
    from splice.usd import UsdUnavailableError, dependencies

    client = instance.context.data["splice.client"]
    try:
        return dependencies(files, client)
    except UsdUnavailableError as exc:
        if any(_holds_kref(f) for f in files if os.path.isfile(f)):
            raise PublishValidationError(
                f"{instance.name}: its USD files hold krefs, but USD cannot be read here: {exc}",
                fix="install the usd extra where this publish runs (pip install 'splice[usd]')",
            ) from None
        log.warning("%s: USD cannot be read here, its files hold no krefs: %s", instance.name, exc)
        return []
    except SpliceError as exc:  # krefs that select nothing, bad krefs, an unreadable layer
        raise PublishValidationError(f"{instance.name}: {exc}", fix=FIX) from None


class ValidateUsdKrefs(pyblish.api.InstancePlugin):
    """Every kref in the instance's listed USD files (the ``files`` option) selects a revision."""

    label = "USD krefs resolve"
    order = pyblish.api.ValidatorOrder

    def process(self, instance):
        files = (instance.data.get("options") or {}).get("files")
        usd = _usd_files(files.values()) if isinstance(files, dict) else []
        if usd:
            edges = _dependencies(instance, usd)
            self.log.info("%s: %d revision(s) referred to from USD", instance.name, len(edges))


class CollectUsdDependencies(pyblish.api.InstancePlugin):
    """After extraction: each USD representation's krefs → the instance's dependencies."""

    label = "USD dependencies"
    order = pyblish.api.ExtractorOrder + 0.45  # after every extractor, before integration

    def process(self, instance):
        files = _usd_files(rep["path"] for rep in instance.data.get("representations") or [])
        if not files:
            return
        edges = _dependencies(instance, files)
        instance.data.setdefault("splice.dependencies", []).extend(edges)
        for edge in edges:
            self.log.info("%s depends on %s (%s)", instance.name, edge["target"], edge["metadata"]["usd"])
