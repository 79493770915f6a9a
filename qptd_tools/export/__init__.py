"""Exporters of the report notebook: HTML and DOCX (registered with nbconvert)."""

from qptd_tools.export.docx import QptdDocxExporter
from qptd_tools.export.html import QptdHTMLExporter

__all__ = ["QptdDocxExporter", "QptdHTMLExporter"]
