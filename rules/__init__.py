"""The built-in rulebook, shipped as package data ``auditor.rules`` (see setup.py); read with
importlib.resources by auditor.rulebook. Only the ``*.yaml`` files here are rulebook files."""
