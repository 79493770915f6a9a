"""The HTML exporter: a self-contained page of the report, printable on A4.

No code, no prompts, no request to any other host; ``lang="vi"``; readable offline.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import jinja2
from traitlets import default

from qptd_tools.export.collect import Document, ReportExporter, collect
from qptd_tools.report import blocks

_TEMPLATES = resources.files("qptd_tools.export") / "templates"
_ENV = jinja2.Environment(
    autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
)


@functools.cache
def _page() -> tuple[jinja2.Template, str]:
    """Return the page template and its CSS, read and compiled once per process."""
    template = _ENV.from_string((_TEMPLATES / "report.html.j2").read_text(encoding="utf-8"))
    return template, (_TEMPLATES / "report.css").read_text(encoding="utf-8")


def render(doc: Document) -> str:
    """Render a collected report as one self-contained HTML page."""
    template, css = _page()
    return template.render(
        meta=doc.meta,
        css=css,
        errors=doc.errors,
        number_text=doc.meta.get("number") or "\u00a0" * 8,
        body=[blocks.to_html(b) for b in doc.body],
        appendix=[blocks.to_html(b) for b in doc.appendix],
    )


class QptdHTMLExporter(ReportExporter):
    """``jupyter nbconvert --to qptd_html report.ipynb``: the report as a web page."""

    export_from_notebook = "Báo cáo QPTD (HTML)"
    output_mimetype = "text/html"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".html"

    def from_notebook_node(  # type: ignore[override]
        self, nb: Any, resources: dict | None = None, **kw: Any
    ) -> tuple[str, dict]:
        """Convert an executed report notebook to HTML."""
        nb_copy, resources = self.read(nb, resources, **kw)
        return render(collect(nb_copy)), resources
