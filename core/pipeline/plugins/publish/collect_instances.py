"""Collect one pyblish instance per active splice instance the host marks for publishing."""

import os

import pyblish.api


class CollectSpliceInstances(pyblish.api.ContextPlugin):
    """Instances from ``host.list_instances()``: family = kind, an empty staging folder each."""

    label = "Collect splice instances"
    order = pyblish.api.CollectorOrder - 0.3

    def process(self, context):
        host = context.data["splice.pipeline"]
        for marked in host.list_instances():
            if not marked.active:
                self.log.info("%s is inactive: not published", marked.name)
                continue
            staging = os.path.join(context.data["stagingRoot"], marked.name)
            os.makedirs(staging)
            instance = context.create_instance(marked.name)
            options = dict(marked.options)
            instance.data.update(
                {
                    "family": marked.kind,
                    "families": [marked.kind],
                    "kind": marked.kind,
                    "item": marked.item,
                    "options": options,
                    "splice.instance": marked,
                    "stagingDir": staging,
                    "representations": [],
                }
            )
            for key in ("frameStart", "frameEnd"):
                if key in options:
                    instance.data[key] = options[key]
