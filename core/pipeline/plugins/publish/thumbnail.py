"""A thumbnail for every revision a publish makes: the host's viewport (or a render),
captured once into the staging folder after the checks passed, and stored by the
integrator as each revision's ``thumbnail`` artifact, in the same transaction.

A host that cannot capture (headless, no viewport) or a capture that fails is a log line
("thumbnail skipped: <reason>"), never a failed publish. An instance whose ``thumbnail``
option is False publishes none.
"""

import os

import pyblish.api

from splice.pipeline import thumbnails


def _publishing(context):
    return [i for i in context if i.data.get("publish", True) and "splice.instance" in i.data]


class ExtractThumbnail(pyblish.api.ContextPlugin):
    """Capture one thumbnail for the whole publish (the scene is the same for every instance)."""

    label = "Thumbnail"
    order = pyblish.api.ExtractorOrder + 0.4  # after the content is written: nothing waits on it

    def process(self, context):
        if not [i for i in _publishing(context) if i.data["options"].get("thumbnail", True) is not False]:
            self.log.info("thumbnail skipped: nothing to publish asks for one")
            return
        host = context.data["splice.pipeline"]
        try:
            path = os.path.join(context.data["stagingRoot"], f"{thumbnails.ARTIFACT}.png")
            written, reason = thumbnails.capture(host, path)
        except Exception as exc:  # never fails the publish
            written, reason = None, f"{type(exc).__name__}: {exc}"
        if written is None:
            self.log.warning("thumbnail skipped: %s", reason)
            return
        context.data["thumbnail"] = str(written)
        width, height = thumbnails.png_size(written) or (0, 0)
        self.log.info("thumbnail captured: %s×%s", width, height)


class IntegrateThumbnail(pyblish.api.ContextPlugin):
    """Give every publishing instance the thumbnail as one more file, which the core
    integrator (next) stores with the others, in the revision's one transaction."""

    label = "Thumbnail into each revision"
    order = pyblish.api.IntegratorOrder - 0.1

    def process(self, context):
        path = context.data.get("thumbnail")
        if not path or not os.path.isfile(path):
            return
        size = thumbnails.png_size(path) or (0, 0)
        for instance in _publishing(context):
            representations = instance.data.get("representations")
            if not representations:  # the integrator says why it has no files; no thumbnail-only revision
                continue
            if instance.data["options"].get("thumbnail", True) is False:
                continue
            if any(r.get("name") == thumbnails.ARTIFACT for r in representations):
                continue  # the instance brings its own (e.g. a listed file)
            meta = {"role": "thumbnail", "width": str(size[0]), "height": str(size[1])}
            representations.append({"name": thumbnails.ARTIFACT, "path": path, "metadata": meta})
            self.log.info("%s: thumbnail added", instance.name)
