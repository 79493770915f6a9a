"""Layer 7, batches: unit selection, papermill runs in local workers or on Dask, warm kernels.

May import every layer below; the worker modules (``runner``, ``pool``, ``warm``) never import pandas or the analytics.
"""

from qptd_tools.core.lazy import defer_slow_imports

# Every batch process imports nbformat (papermill, nbconvert), which imports jsonschema, which
# imports ``rfc3987_syntax`` when it is installed (JupyterLab installs it): that package builds
# about 35 Lark parsers at import, 0,9–1,1 s of CPU per process here
# (python-jsonschema/jsonschema#1428), for the "iri" formats no notebook schema uses. A stand-in
# takes its place until something uses it (:mod:`qptd_tools.core.lazy`; before 2026-11-28 the
# module was blocked, and jsonschema then skipped those formats).
defer_slow_imports()
