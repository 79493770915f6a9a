"""Layer 5, what a reader sees: unit reports, blocks, narrative, figures, document metadata, notebook views.

May import ``core``, ``catalog``, ``store`` and ``analytics``. The notebooks' classes load on first use,
so that the exporters, which read ``report.blocks``, never load pandas in a batch worker.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qptd_tools.report.explore import Explorer
    from qptd_tools.report.unit import UnitReport
    from qptd_tools.report.views import AwardsView, Overview

_PUBLIC = {"UnitReport": "unit", "Overview": "views", "AwardsView": "views", "Explorer": "explore"}
__all__ = ["AwardsView", "Explorer", "Overview", "UnitReport"]


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(importlib.import_module(f"qptd_tools.report.{_PUBLIC[name]}"), name)
    raise AttributeError(f"module 'qptd_tools.report' has no attribute {name!r}")
