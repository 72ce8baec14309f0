"""Validate that each instance can become a revision: its kind, name, item and space."""

import pyblish.api

from splice.errors import NotFoundError
from splice.kref import Kref
from splice.pipeline.creators import KINDS
from splice.pipeline.publish import PublishValidationError
from splice.pipeline.registry import registered_creators


class ValidateSpliceInstance(pyblish.api.InstancePlugin):
    """The item kref matches the kind, lives in the context's project, in a space that
    exists, and is not deprecated."""

    label = "Instance can be published"
    order = pyblish.api.ValidatorOrder - 0.1

    def process(self, instance):
        client = instance.context.data["splice.client"]
        project = instance.context.data.get("project")
        kind = instance.data["kind"]
        item = Kref(instance.data["item"])
        known = (*KINDS, *registered_creators())
        if kind not in known:
            self.log.warning("%s is of kind %r, not one of the standard kinds %s", instance.name, kind, known)
        if project and item.project != project:
            raise PublishValidationError(
                f"{instance.name} publishes to {item}, outside the scene's project {project!r}",
                fix=f"re-create the instance in the current context (project {project})",
            )
        parent = item.parent
        try:
            if parent is not None and parent.is_space:
                client.get_space(parent)
            else:
                client.get_project(item.project)
        except NotFoundError:
            raise PublishValidationError(
                f"{instance.name} publishes to {item}, but {parent} does not exist in the store",
                fix=f"create {parent} (splice create) or set the instance's item to an existing space",
            ) from None
        try:
            existing = client.get_item(item)
        except NotFoundError:
            return  # the integrator creates it with the first revision
        if existing.deprecated:
            raise PublishValidationError(
                f"{instance.name} publishes to {item}, which is deprecated",
                fix="publish to another item, or ask a supervisor to un-deprecate it",
            )
