"""Layer 7, batches: unit selection, papermill runs in local workers or on Dask, warm kernels.

May import every layer below; the worker modules (``runner``, ``pool``, ``warm``) never import pandas or the analytics.
"""

import sys

# Every batch process imports nbformat (papermill, nbconvert), which imports jsonschema, which
# imports ``rfc3987_syntax`` when it is installed: that package builds about 35 Lark parsers at
# import, 0,9 s of CPU per process here (python-jsonschema/jsonschema#1428), for the "iri"
# formats no notebook schema uses. A batch process does without it; jsonschema then skips
# those two formats. Measured: worker start 2,0 → 1,1 s of CPU (issue #16).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
