"""pyblish plug-ins every host runs: collect the context and instances, validate, integrate."""
