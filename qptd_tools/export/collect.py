"""Reading the report's blocks back out of an executed notebook."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import nbformat
from nbconvert.exporters import Exporter
from traitlets import default

from qptd_tools.report.blocks import MIME, unpack


class ReportExporter(Exporter):
    """What the report's exporters share: they read the executed notebook, never change it."""

    @default("optimistic_validation")
    def _optimistic_validation_default(self) -> bool:
        return True  # validate once, after the preprocessors, not after each of eleven

    def read(self, nb: Any, resources: dict | None = None, **kw: Any) -> tuple[Any, dict]:
        """Return the notebook to read and the resources, as nbconvert's conversion would.

        With no preprocessor enabled (the default), the notebook is validated once and read as
        it is: nbconvert deep-copies a notebook three times for preprocessors that might change
        it, a third of exporting a 1 MB report (issue #16). A preprocessor enabled by the
        user's configuration gets nbconvert's own path.
        """
        if any(getattr(p, "enabled", True) for p in self._preprocessors):
            return super().from_notebook_node(nb, resources, **kw)
        resources = self._init_resources(resources)
        if "language" in nb["metadata"]:
            resources["language"] = nb["metadata"]["language"].lower()
        nbformat.validate(nb, relax_add_props=True)
        return nb, resources


@dataclass
class Document:
    """A report as the exporters see it: metadata, body blocks, appendix blocks, errors."""

    meta: dict[str, Any]
    body: list[dict[str, Any]] = field(default_factory=list)
    appendix: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def collect(nb: Any) -> Document:
    """Split a notebook's report blocks into metadata, body and appendix.

    The body's last paragraph gets the closing mark "./." of an administrative document.
    A cell error (a unit that failed) is kept, so the export shows that the report is
    incomplete instead of hiding it.
    """
    doc = Document(meta={})
    target = doc.body
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                doc.errors.append(f"{output.get('ename', '')}: {output.get('evalue', '')}")
                continue
            value = output.get("data", {}).get(MIME)
            if not value:
                continue
            for block in unpack(value):
                if block["kind"] == "meta":
                    doc.meta = dict(block["document"])
                elif block["kind"] == "marker" and block.get("name") == "appendix":
                    target = doc.appendix
                else:
                    target.append(block)
    if not doc.meta:
        raise ValueError(
            "Sổ tay không có khối báo cáo qptd: hãy xuất sổ tay notebooks/unit_report.ipynb đã chạy."
        )
    for block in reversed(doc.body):
        if block["kind"] == "paragraph" and block.get("style") in ("body", "placeholder"):
            text = str(block["text"]).rstrip()
            block["text"] = text if text.endswith("./.") else text.rstrip(".") + "./."
            break
    return doc
