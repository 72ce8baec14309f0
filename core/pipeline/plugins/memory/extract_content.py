"""MemoryHost's extractor: an instance's members (names in ``host.content``) as one JSON file."""

import json
import os

import pyblish.api

from splice.pipeline.publish import PublishValidationError


class ExtractMemoryContent(pyblish.api.InstancePlugin):
    """Writes ``{member: content}`` to ``<name>.json``: the ``json`` representation."""

    label = "Scene content as JSON"
    order = pyblish.api.ExtractorOrder
    hosts = ["memory"]

    def process(self, instance):
        host = instance.context.data["splice.pipeline"]
        options = instance.data["options"]
        members = options.get("members", [] if "files" in options else [instance.name])
        if not members:
            return  # only listed files (ExtractListedFiles)
        missing = [m for m in members if m not in host.content]
        if missing:
            raise PublishValidationError(
                f"{instance.name}: members {missing} are not in the scene; it has {sorted(host.content)}",
                fix="remove them from the instance's members, or load / make them first",
            )
        path = os.path.join(instance.data["stagingDir"], f"{instance.name}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({m: host.content[m] for m in members}, f, indent=2, sort_keys=True)
        representation = {"name": "json", "path": path, "metadata": {"format": "json"}}
        instance.data["representations"].append(representation)
