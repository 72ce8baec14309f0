"""Integrate: store every representation's files, then write every instance's revision in
ONE transaction (``batch_create_revisions``): metadata, artifacts, a ``DEPENDS_ON`` edge to
each revision loaded in the scene, tags, and their events. A failure anywhere writes nothing.
"""

import pyblish.api

from splice.files import records, upload
from splice.files.config import store_config
from splice.kref import Kref
from splice.pipeline.publish import PublishValidationError


def _metadata(context, instance):
    meta = {
        "artist": context.data["splice.client"].backend.actor,  # who the store knows, not the OS login
        "host": context.data["host"],
        "host_version": context.data["hostVersion"],
        "instance": instance.name,
    }
    optional = {
        "scene": context.data.get("currentFile"),
        "task": context.data.get("task"),
        "space": context.data.get("space"),
        "frame_start": instance.data.get("frameStart"),
        "frame_end": instance.data.get("frameEnd"),
        "comment": instance.data["options"].get("comment"),
    }
    meta.update({k: str(v) for k, v in optional.items() if v is not None})
    return meta


def _loaded(containers):
    """One DEPENDS_ON edge per loaded revision, saying which representations the scene used
    (loading the published revision elsewhere fetches those files too: the scene file refers
    to them by their checkout paths)."""
    used = {}
    for container in containers:
        used.setdefault(container.kref, set()).add(container.representation)
    return [(kref, {"representations": ",".join(sorted(reps))}) for kref, reps in sorted(used.items())]


def _edges(loaded, extra):
    """The DEPENDS_ON edges of one instance: the scene's loaded revisions, and the instance's
    own (``splice.dependencies``: a USD layer's krefs), one edge per target, metadata merged."""
    edges = {kref: dict(meta) for kref, meta in loaded}
    for edge in extra:
        meta = edges.setdefault(edge["target"], {})
        both = f"{meta.get('representations', '')},{edge['metadata'].get('representations', '')}"
        reps = {n for n in both.split(",") if n}
        meta.update(edge["metadata"])
        if reps:
            meta["representations"] = ",".join(sorted(reps))
    return [{"target": kref, "edge_type": "DEPENDS_ON", "metadata": meta} for kref, meta in edges.items()]


class IntegrateSplice(pyblish.api.ContextPlugin):
    """One revision per instance, all in one transaction."""

    label = "Integrate into splice"
    order = pyblish.api.IntegratorOrder

    def process(self, context):
        client = context.data["splice.client"]
        instances = [i for i in context if i.data.get("publish", True) and "splice.instance" in i.data]
        if not instances:
            raise PublishValidationError(
                "nothing to publish: the scene has no active instances",
                fix="mark content for publishing (create an instance) first",
            )
        loaded = _loaded(context.data.get("containers", []))
        stores = {}
        specs = []
        for instance in instances:
            representations = instance.data["representations"]
            if not representations:
                raise PublishValidationError(
                    f"{instance.name} produced no files: no extractor serves kind {instance.data['kind']!r}",
                    fix="check the instance's representations option and that the host's plug-ins are found",
                )
            item = Kref(instance.data["item"])
            if item.project not in stores:
                project = client.get_project(item.project)
                stores[item.project] = store_config(project.name, project.metadata)
            store = stores[item.project]
            artifacts = []
            offline = getattr(client.backend, "offline", False)  # a replica: the push waits for the server
            for rep in representations:
                # content-addressed: nothing to undo if the batch fails
                meta = upload(store, rep["path"], push=not offline)
                meta.update({k: str(v) for k, v in (rep.get("metadata") or {}).items()})
                artifacts.append(
                    {
                        "name": rep["name"],
                        "location": records.object_location(store, meta[records.CONTENT_HASH]),
                        "metadata": meta,
                    }
                )
                self.log.info("%s: stored %s (%s bytes)", instance.name, rep["name"], meta["size"])
            options = instance.data["options"]
            specs.append(
                {
                    "item": str(item),
                    "create_item": True,
                    "metadata": _metadata(context, instance),
                    "artifacts": artifacts,
                    "edges": _edges(loaded, instance.data.get("splice.dependencies", [])),
                    "tags": list(options.get("tags") or []),
                    "default_artifact": options.get("default") or artifacts[0]["name"],
                }
            )
        revisions = client.batch_create_revisions(specs)
        context.data["splice.published"] = [str(r.kref) for r in revisions]
        for instance, revision in zip(instances, revisions, strict=True):
            instance.data["revision"] = str(revision.kref)
            self.log.info("published %s", revision.kref)
