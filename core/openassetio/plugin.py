"""The plug-in OpenAssetIO's PythonPluginSystem loads (entry point ``openassetio.manager_plugin``)."""

from __future__ import annotations

from openassetio.pluginSystem import PythonPluginSystemManagerPlugin


class SplicePlugin(PythonPluginSystemManagerPlugin):
    @classmethod
    def identifier(cls) -> str:
        from .interface import IDENTIFIER

        return IDENTIFIER

    @classmethod
    def interface(cls):
        from .interface import SpliceManagerInterface  # the store is opened by initialize

        return SpliceManagerInterface()


openassetioPlugin = SplicePlugin
