"""Layer 7, batches: unit selection, papermill runs in local workers or on Dask, warm kernels.

May import every layer below; the worker modules (``runner``, ``pool``, ``warm``) never import pandas or the analytics.
"""
