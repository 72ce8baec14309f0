"""Load a published image (a ``texture`` item) as a Blender image data-block."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import bpy

from splice.hosts.blender.lib import MANAGED_KEY, discard_holder, one_file
from splice.hosts.blender.pipeline import BlenderHost
from splice.pipeline import Container, Loader

SUFFIXES = (".png", ".jpg", ".jpeg", ".exr", ".tif", ".tiff", ".tga", ".hdr", ".bmp")


def managed_image(key: str) -> bpy.types.Image | None:
    """The image the container ``key`` loaded."""
    for image in bpy.data.images:
        if image.get(MANAGED_KEY) == key:
            return image
    return None


class ImageLoader(Loader):
    """An image data-block named after the container (kept with a fake user, marked as
    splice's); its container lives on an empty holder collection. Materials use it by name."""

    kinds = ("texture",)
    representations = ("image", *(s[1:] for s in SUFFIXES))
    hosts = ("blender",)

    def load(
        self, host: BlenderHost, revision: Any, representation: str, path: Path, name: str, namespace: str
    ) -> Container:
        file = one_file(Path(path), SUFFIXES)
        holder = host.new_holder(name, namespace)
        key = holder.name
        try:
            image = bpy.data.images.load(str(file), check_existing=False)
        except BaseException:
            discard_holder(holder)
            raise
        image.name = key
        image[MANAGED_KEY] = key
        image.use_fake_user = True
        kref = str(revision.item_kref.with_revision(revision.number))
        return host.write_container(
            Container(name, kref, self.name, representation, namespace, {"image": image.name})
        )

    def update(self, host: BlenderHost, container: Container, revision: Any, path: Path) -> None:
        host.holder(container.key)
        image = managed_image(container.key)
        if image is None:
            from splice.errors import NotFoundError

            raise NotFoundError(f"the image of container {container.key!r} is gone from the scene")
        image.filepath = str(one_file(Path(path), SUFFIXES))
        image.reload()

    switch = update

    def remove(self, host: BlenderHost, container: Container) -> None:
        host.holder(container.key)
        image = managed_image(container.key)
        if image is not None:
            bpy.data.images.remove(image)
