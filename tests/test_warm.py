"""The warm kernel engine: units run in the same kernel, and nothing leaks between them."""

from __future__ import annotations

import json
import sys

import nbformat
import papermill as pm
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import qptd_tools.batch.warm as warm
from qptd_tools.batch import zygote


def _notebook(path, source):
    params = new_code_cell('out = ""')
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[params, new_code_cell(source)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


FIRST = """
import os, json, matplotlib as mpl, matplotlib.pyplot as plt
from qptd_tools.catalog import load_catalog
leak = 1
mpl.rcParams["lines.linewidth"] = 9
plt.figure()
load_catalog()
json.dump({"pid": os.getpid()}, open(out, "w"))
secret = "first unit's value"
secret
"""
SECOND = """
import os, json, matplotlib as mpl, matplotlib.pyplot as plt
import qptd_tools.catalog as c
json.dump({"pid": os.getpid(), "leak": "leak" in globals(), "linewidth": mpl.rcParams["lines.linewidth"],
           "figures": plt.get_fignums(), "cache": c._load_cached.cache_info().currsize,
           "warm": "qptd_tools.report.unit" in __import__("sys").modules, "cwd": os.getcwd(),
           "history": [k for k, v in globals().items() if "first" + " unit" in str(v) or "sec" + "ret =" in str(v)],
           "hooks": [e.__name__ for e in get_ipython().custom_exceptions],
           "png": getattr(get_ipython().display_formatter.formatters["image/png"].lookup_by_type(
               __import__("matplotlib.figure").figure.Figure), "func", None).__name__,
           "parent": __import__("psutil").Process(os.getppid()).cmdline()[1:3]},
          open(out, "w"))
"""


@pytest.mark.parametrize("forked", [False, pytest.param(True, marks=pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the zygote: Linux only"))], ids=["own", "forked"])  # fmt: skip
def test_units_share_a_kernel_and_leak_nothing(tmp_path, monkeypatch, forked):
    """The same in a kernel started on its own and in one forked by the batch's zygote."""
    if forked:
        monkeypatch.setattr(warm, "ZYGOTE", zygote.start())
    first = _notebook(tmp_path / "a.ipynb", FIRST)
    second = _notebook(tmp_path / "b.ipynb", SECOND)
    try:
        pm.execute_notebook(str(first), str(tmp_path / "a-out.ipynb"), parameters={"out": str(tmp_path / "a.json")},
                            engine_name="qptd_warm", progress_bar=False, kernel_name="python3")  # fmt: skip
        (tmp_path / "b-dir").mkdir()
        pm.execute_notebook(str(second), str(tmp_path / "b-out.ipynb"), parameters={"out": str(tmp_path / "b.json")},
                            engine_name="qptd_warm", progress_bar=False, kernel_name="python3",
                            cwd=str(tmp_path / "b-dir"))  # fmt: skip
    finally:
        warm.discard("python3")
        zygote.stop()
    a = json.loads((tmp_path / "a.json").read_text())
    b = json.loads((tmp_path / "b.json").read_text())
    assert a["pid"] == b["pid"]  # the same warm kernel
    assert b == {
        "pid": a["pid"],
        "leak": False,
        "linewidth": 1.5,
        "figures": [],
        "cache": 0,
        "warm": True,
        "cwd": str(tmp_path / "b-dir"),  # papermill's cwd of this unit, not the first one's
        "history": [],  # no name, output (Out, _) or input history (In, _i…) of the first unit
        # the toolkit's display hooks: a coded error as its message, a Figure as its image
        "hooks": ["QptdError"],
        "png": "print_figure",  # a Figure's image, once matplotlib's inline backend is in use
        "parent": ["-m", "qptd_tools.batch.zygote"] if forked else b["parent"],
    }
    assert (b["parent"] == ["-m", "qptd_tools.batch.zygote"]) == forked
    assert (tmp_path / "a-out.ipynb").is_file() and (
        tmp_path / "b-out.ipynb"
    ).is_file()  # one notebook each


def test_the_engine_module_can_be_imported_before_papermill():
    """papermill loads the ``qptd_warm`` entry point while this module is still importing."""
    import subprocess
    import sys

    code = (
        "import qptd_tools.batch.warm as warm, papermill.engines as e\n"
        "print(e.papermill_engines.get_engine('qptd_warm') is warm.WarmEngine)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "True"
