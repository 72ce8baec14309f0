"""splice as an OpenAssetIO manager: ``kref://`` entity references for any OpenAssetIO host.

Install the extra (``pip install splice[openassetio]``); OpenAssetIO's plug-in system finds
the manager by the entry point ``openassetio.manager_plugin`` (:mod:`.plugin`), identifier
``io.splice.manager``. ``docs/openassetio.md`` says what it answers. Nothing here is imported
by ``import splice``.
"""
