"""Collect who publishes what from where: project, space, task, user, host, scene, loaded containers."""

import tempfile

import pyblish.api


class CollectSpliceContext(pyblish.api.ContextPlugin):
    """The host's context and scene, the store's user, and every container in the scene."""

    label = "Collect splice context"
    order = pyblish.api.CollectorOrder - 0.4

    def process(self, context):
        host = context.data["splice.pipeline"]
        client = context.data["splice.client"]
        ctx = host.get_context()
        current = host.current_file()
        context.data.update(
            {
                "project": ctx.project,
                "space": ctx.space,
                "task": ctx.task,
                "user": client.backend.actor,  # pyblish's CollectCurrentUser may set the OS login later
                "host": host.name,
                "hostVersion": host.version,
                "currentFile": None if current is None else str(current),
                "containers": host.ls_containers(),
                "stagingRoot": tempfile.mkdtemp(prefix="splice-publish-"),
            }
        )
