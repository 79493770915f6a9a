"""A batch worker's (and the CLI's) import of nbformat does not pay for parsers it never uses."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys, time
from qptd_tools.core.lazy import defer_slow_imports
deferred = defer_slow_imports()
again = defer_slow_imports()
start = time.process_time()
import nbformat, papermill
imported = time.process_time() - start
early = type(sys.modules["rfc3987_syntax"]).__name__
import importlib.util
spec = importlib.util.find_spec("rfc3987_syntax")  # as a module asking "is it installed?"
assert spec is not None and spec.origin.endswith("__init__.py"), spec
nbformat.validate(nbformat.v4.new_notebook())
after_validate = type(sys.modules["rfc3987_syntax"]).__name__
from jsonschema import FormatChecker
checker = FormatChecker()
verdicts = [checker.conforms("http://example.com/đường-dẫn", "iri"),
            checker.conforms("không phải iri ::", "iri"),
            checker.conforms("#/a/b", "iri-reference")]
import rfc3987_syntax
print(json.dumps({"deferred": deferred, "again": again, "imported_cpu_s": imported,
                  "early": early, "after_validate": after_validate, "verdicts": verdicts,
                  "later": type(sys.modules["rfc3987_syntax"]).__name__,
                  "real": hasattr(rfc3987_syntax, "RFC3987_SYNTAX_TERMS")}))
"""


@pytest.mark.skipif(
    importlib.util.find_spec("rfc3987_syntax") is None,
    reason="rfc3987-syntax not installed (JupyterLab's jupyter-events installs it)",
)
def test_nbformat_is_imported_without_building_the_iri_parsers_and_iri_is_still_checked():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["deferred"] == ["rfc3987_syntax"] and seen["again"] == []
    # nbformat, papermill and a notebook's validation leave the stand-in in place …
    assert seen["early"] == "_Deferred" and seen["after_validate"] == "_Deferred"
    assert seen["imported_cpu_s"] < 1.0  # 1,1 s more with the parsers built (issue #16)
    # … and the first check of an IRI imports the real module and answers as it would
    assert seen["verdicts"] == [True, False, True]
    assert seen["later"] == "module"


CLI_PROBE = """
import sys
from qptd_tools.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
import nbformat
print(type(sys.modules["rfc3987_syntax"]).__name__)
"""


def _in_worker() -> tuple[str, bool, str, bool]:
    return (
        type(sys.modules["rfc3987_syntax"]).__name__,
        "papermill" in sys.modules,
        type(sys.modules["pyarrow.fs"]).__name__,
        "numpy" in sys.modules,
    )


@pytest.mark.skipif(importlib.util.find_spec("rfc3987_syntax") is None, reason="not installed")
def test_a_batch_worker_and_the_cli_start_with_the_stand_in(tmp_path):
    """A worker of the batch's pool (started as the batch starts it, with its warm kernel) and
    the ``qptd`` command import nbformat with the stand-in in place."""
    import concurrent.futures as cf
    import multiprocessing

    from qptd_tools.batch.pool import _start_worker

    with cf.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                initializer=_start_worker,
                                initargs=("qptd_warm", ("html",), str(tmp_path))) as pool:  # fmt: skip
        # the worker imported papermill (and made its exporters) without pyarrow or numpy
        assert pool.submit(_in_worker).result(timeout=180) == (
            "_Deferred",
            True,
            "_Deferred",
            False,
        )
    done = subprocess.run([sys.executable, "-c", CLI_PROBE], capture_output=True, text=True,
                          check=True, timeout=120)  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "_Deferred"


WORKER_PROBE = """
import json, sys
from qptd_tools.core.lazy import defer_slow_imports
deferred = defer_slow_imports(worker=True)
import papermill.iorw as iorw
light = "pyarrow" not in sys.modules and "numpy" not in sys.modules
selector = iorw.FileSelector("/tmp", recursive=False)  # as papermill's HDFS handler calls it
import pyarrow.fs
print(json.dumps({"deferred": sorted(deferred), "light": light,
                  "selector": type(selector).__name__, "base_dir": selector.base_dir,
                  "module": type(sys.modules["pyarrow.fs"]).__name__,
                  "attribute": pyarrow.fs.LocalFileSystem.__name__}))
"""

PARENT_PROBE = """
import json, sys
import pyarrow
from qptd_tools.core.lazy import defer_slow_imports
deferred = defer_slow_imports(worker=True)
import pyarrow.parquet
print(json.dumps({"deferred": deferred, "module": type(sys.modules["pyarrow.fs"]).__name__}))
"""


@pytest.mark.skipif(importlib.util.find_spec("pyarrow") is None, reason="pyarrow not installed")
def test_a_worker_imports_papermill_without_pyarrow_and_gets_it_on_first_use():
    done = subprocess.run([sys.executable, "-c", WORKER_PROBE], capture_output=True, text=True,
                          check=True, timeout=120)  # fmt: skip
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert "pyarrow.fs" in seen["deferred"] and seen["light"]
    # the first use imports the real module: the object papermill asked for, and the module
    assert seen["selector"] == "FileSelector" and seen["base_dir"] == "/tmp"
    assert seen["module"] == "module" and seen["attribute"] == "LocalFileSystem"
    # a process that imported pyarrow already (the batch's parent) keeps the real module
    done = subprocess.run([sys.executable, "-c", PARENT_PROBE], capture_output=True, text=True,
                          check=True, timeout=120)  # fmt: skip
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert "pyarrow.fs" not in seen["deferred"] and seen["module"] == "module"
