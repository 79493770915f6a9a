"""The project as installed: one source of dependencies, README commands run by CI."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_environment_lists_the_same_packages():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert conda == wanted
    assert env["dependencies"][-1] == {"pip": ["-e ."]}
    assert env["channels"] == ["conda-forge"]


def test_ci_runs_the_readme_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", readme, flags=re.S)
    install_run, install_test = blocks[0].strip(), blocks[1].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in (install_run, install_test):
        for line in command.splitlines():
            assert line.strip() in ci, line
    assert "venv" in ci and "qptd demo" in install_run and "pytest" in install_test


def test_catalogue_files_are_packaged():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = data["tool"]["setuptools"]["package-data"]["qptd_tools.catalog"]
    shipped = {p.name for p in (ROOT / "qptd_tools" / "catalog" / "data").iterdir()}
    assert all(any(Path(name).match(g.split("/")[-1]) for g in globs) for name in shipped)
