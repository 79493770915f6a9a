"""The DOCX exporter: the report in the Vietnamese administrative format, ready to edit and sign."""

from __future__ import annotations

from typing import Any

from traitlets import default

from qptd_tools.export.collect import ReportExporter, collect
from qptd_tools.export.docx_build import build

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class QptdDocxExporter(ReportExporter):
    """``jupyter nbconvert --to qptd_docx report.ipynb``: the report as a Word document."""

    export_from_notebook = "Báo cáo QPTD (DOCX)"
    output_mimetype = DOCX_MIME

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".docx"

    def from_notebook_node(  # type: ignore[override]
        self, nb: Any, resources: dict | None = None, **kw: Any
    ) -> tuple[bytes, dict]:
        """Convert an executed report notebook to DOCX bytes."""
        nb_copy, resources = self.read(nb, resources, **kw)
        return build(collect(nb_copy)), resources
