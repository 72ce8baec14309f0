"""MemoryHost's validator: an instance must have members (with repair: take the selection)."""

import pyblish.api

from splice.pipeline.publish import PublishValidationError, RepairAction


class ValidateMembers(pyblish.api.InstancePlugin):
    """An instance with no members publishes nothing useful."""

    label = "Instance has members"
    order = pyblish.api.ValidatorOrder
    hosts = ["memory"]
    actions = [RepairAction]

    def process(self, instance):
        options = instance.data["options"]
        if "files" not in options and not options.get("members", [instance.name]):
            raise PublishValidationError(
                f"{instance.name} has no members: it would publish an empty file",
                fix="add content to the instance (repair adds the current selection)",
            )

    @classmethod
    def repair(cls, instance):
        import dataclasses

        host = instance.context.data["splice.pipeline"]
        marked = instance.data["splice.instance"]
        options = {**marked.options, "members": host.get_selection()}
        host.update_instance(dataclasses.replace(marked, options=options))
