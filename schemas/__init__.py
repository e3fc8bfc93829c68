"""The JSON Schemas (rulebook, config, output), shipped as package data ``auditor.schemas`` (see
setup.py); read with importlib.resources."""
