"""Publish files that already exist (a render, a review movie, a texture) listed in the
instance's ``files`` option: ``{"artifact name": "/path/to/file or folder"}``."""

import os

import pyblish.api

from splice.pipeline.publish import PublishValidationError


class ExtractListedFiles(pyblish.api.InstancePlugin):
    """Each entry of ``options["files"]`` becomes a representation as it is on disk."""

    label = "Listed files"
    order = pyblish.api.ExtractorOrder - 0.1

    def process(self, instance):
        files = instance.data["options"].get("files") or {}
        if not isinstance(files, dict):
            raise PublishValidationError(
                f"the files option of {instance.name} must map artifact names to paths, not {files!r}",
                fix="set files to {'name': '/path'} on the instance",
            )
        for name, path in sorted(files.items()):
            if not os.path.exists(path):
                raise PublishValidationError(
                    f"{instance.name}: the file of {name!r} is missing: {path}",
                    fix="render or write the file first, or remove it from the instance's files",
                )
            instance.data["representations"].append({"name": name, "path": path, "metadata": {}})
