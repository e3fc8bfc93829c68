"""gk-audit: a compliance linter for 政府信息公开工作年度报告."""

from auditor import lazymethods

__version__ = "0.1.0"

lazymethods.install()  # before any module of the package defines a dataclass (see auditor/lazymethods.py)
