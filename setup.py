"""Packaging glue that pyproject.toml cannot express: the rulebook (rules/) and the JSON Schemas
(schemas/) stay at the top of the repository, where rule authors edit them, and ship inside the
wheel as the data packages ``auditor.rules`` and ``auditor.schemas`` (package-dir mapping). The
code reads them with importlib.resources, so an installed wheel, an editable install and a source
checkout find the same files. Everything else is declared in pyproject.toml."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["auditor", "auditor.*"]), "auditor.rules", "auditor.schemas"],
    package_dir={"auditor.rules": "rules", "auditor.schemas": "schemas"},
)
