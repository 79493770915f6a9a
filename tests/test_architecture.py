"""The package's layers (ARCHITECTURE.md) hold: checked by import-linter and at run time."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "core",
    "catalog",
    "store",
    "intake",
    "analytics",
    "sample",
    "report",
    "export",
    "batch",
)
LINT = [
    sys.executable,
    "-c",
    "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())",
]


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"}
    return subprocess.run([*LINT, "--no-logo", "--no-cache"], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=120)  # fmt: skip


def test_the_contracts_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("analytics/awards.py", "from qptd_tools.report import narrative", "Layers:"),
        ("core/vnformat.py", "from qptd_tools.catalog import Catalog", "Layers:"),
        ("export/docx_build.py", "from qptd_tools.intake import layout", "never from the intake"),
        ("analytics/indicators.py", "import matplotlib", "Analytics are pure"),
        ("batch/runner.py", "import pandas", "Batch workers start light"),
    ],
)
def test_a_wrong_import_breaks_its_contract(tmp_path, module, line, contract):
    shutil.copytree(ROOT / "qptd_tools", tmp_path / "qptd_tools",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / "qptd_tools" / module).open("a", encoding="utf-8") as handle:
        handle.write(f"\n{line}  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert contract in broken
    assert "0 broken" not in result.stdout


def test_every_package_says_what_it_is_for_and_what_it_may_import():
    for name in PACKAGES:
        doc = importlib.import_module(f"qptd_tools.{name}").__doc__ or ""
        first, _, rest = doc.strip().partition("\n\n")
        assert first.startswith("Layer "), name
        assert "import" in rest.split("\n\n")[0], name


def test_a_batch_worker_loads_neither_pandas_nor_the_analytics():
    code = (
        "import sys, papermill, qptd_tools.batch.runner, qptd_tools.batch.pool, "
        "qptd_tools.batch.warm, qptd_tools.export\n"
        "bad = [m for m in sys.modules if m == 'pandas' or m.startswith('qptd_tools.analytics')]\n"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_nothing_inside_the_package_imports_its_root():
    """import-linter cannot see imports of the root package, so this is checked on the source."""
    import ast

    for path in (ROOT / "qptd_tools").rglob("*.py"):
        if path == ROOT / "qptd_tools" / "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "qptd_tools":
                raise AssertionError(f"{path}:{node.lineno} imports qptd_tools")
            if isinstance(node, ast.Import):
                assert all(a.name != "qptd_tools" for a in node.names), f"{path}:{node.lineno}"
