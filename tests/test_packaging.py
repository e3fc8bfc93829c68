"""A normal (non-editable) install behaves like the checkout: the wheel carries the rulebook and the
schemas, and pre-commit (which installs the hook repository with pip) fails on a faulty report.

Both tests build a wheel from a copy of the repository. They are marked ``packaging`` and run in CI;
``pytest -m 'not packaging'`` skips them for a quick local run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FAULTY = ROOT / "examples" / "report-2021-faulty.txt"
SHIPPED = ("pyproject.toml", "setup.py", "README.md", ".pre-commit-hooks.yaml", "auditor", "rules", "schemas")

pytestmark = pytest.mark.packaging


def copy_project(target: Path) -> Path:
    """The files a source distribution holds, copied as a user's checkout would have them."""
    target.mkdir(parents=True)
    for name in SHIPPED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, target / name)
    return target


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed (``--no-index --no-deps``); the dependencies come from
    the test environment through a .pth file, so no download happens and the code that runs is
    only the wheel's (the repository is not on the path)."""
    base = tmp_path_factory.mktemp("wheel")
    project = copy_project(base / "project")
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(base / "dist"),
                  str(project)], cwd=base)
    assert built.returncode == 0, built.stderr
    wheel = next((base / "dist").glob("gk_audit-*.whl"))
    environment = base / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=base).stdout.strip())
    dependency_dirs = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_gk_audit_test_dependencies.pth").write_text("\n".join(sorted(dependency_dirs)) + "\n")
    done = _run([str(python), "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", str(wheel)], cwd=base)
    assert done.returncode == 0, done.stderr
    return environment


def _gk_audit(environment: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GK_AUDIT_CACHE_DIR": str(cwd / "cache")}
    return _run([str(environment / "bin" / "gk-audit"), *args], cwd=cwd, env=env)


def test_wheel_ships_the_rulebook_and_finds_the_faults(installed: Path, tmp_path: Path) -> None:
    where = _run([str(installed / "bin" / "python"), "-c", "import auditor; print(auditor.__file__)"], cwd=tmp_path)
    assert str(installed) in where.stdout  # the wheel's code, not the checkout's
    report = tmp_path / "report.txt"
    shutil.copy(FAULTY, report)
    result = _gk_audit(installed, "check", "--no-color", str(report), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[GK801]" in result.stdout and "[GK201]" in result.stdout
    listing = _gk_audit(installed, "rules", "--format", "json", cwd=tmp_path)
    assert listing.returncode == 0 and len(listing.stdout.splitlines()) > 2
    assert "GK801" in listing.stdout


def test_wheel_validates_config_and_user_rulebook_with_the_shipped_schemas(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "gk-audit.yaml").write_text("fail-on: [warning]\n", encoding="utf-8")
    shutil.copy(FAULTY, tmp_path / "report.txt")
    bad_config = _gk_audit(installed, "check", "report.txt", cwd=tmp_path)
    assert bad_config.returncode == 2 and "gk-audit.yaml:1:" in bad_config.stderr, bad_config.stderr
    (tmp_path / "gk-audit.yaml").unlink()
    (tmp_path / "local.yaml").write_text("rules:\n  - id: GK201\n    severity: warning\n", encoding="utf-8")
    overridden = _gk_audit(installed, "check", "--rulebook", "local.yaml", "--select", "GK201", "report.txt",
                           cwd=tmp_path)
    assert overridden.returncode == 0 and "[GK201]" in overridden.stdout, overridden.stderr


def test_empty_builtin_rulebook_is_an_error_not_a_pass(installed: Path, tmp_path: Path) -> None:
    python = installed / "bin" / "python"
    rules = Path(_run([str(python), "-c", "import importlib.resources as r; print(r.files('auditor.rules'))"],
                      cwd=tmp_path).stdout.strip())
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    for file in rules.glob("*.yaml"):
        file.rename(hidden / file.name)
    try:
        shutil.copy(FAULTY, tmp_path / "report.txt")
        result = _gk_audit(installed, "check", "report.txt", cwd=tmp_path)
        assert result.returncode == 2 and "内置规则库为空" in result.stderr
    finally:
        for file in hidden.iterdir():
            file.rename(rules / file.name)


def _git(*args: str, cwd: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    done = _run(["git", *args], cwd=cwd, env=env)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_try_repo_fails_on_a_faulty_report(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit", reason="pre-commit is in the test extra")
    hook_repository = copy_project(tmp_path / "gk-audit")
    _git("init", "-q", cwd=hook_repository)
    _git("add", "-A", cwd=hook_repository)
    _git("commit", "-q", "-m", "hook", cwd=hook_repository)
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(FAULTY, reports / "report-2021.txt")
    _git("init", "-q", cwd=reports)
    _git("add", "-A", cwd=reports)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "GK_AUDIT_CACHE_DIR": str(tmp_path)}
    env.pop("VIRTUAL_ENV", None)
    result = _run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repository), "gk-audit", "--all-files"],
                  cwd=reports, env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Failed" in output and "GK801" in output


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "```sh" and lines[3] == "```"
    install_and_run, install_and_test = lines[1], lines[2]
    assert install_and_run.startswith("python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/gk-audit check")
    assert install_and_test.startswith("python3 -m venv .venv && ")
    assert install_and_test in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
