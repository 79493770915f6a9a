"""Layer 6, documents out: the HTML and DOCX exporters (nbconvert), the DOCX builder, award lists, the index.

May import every layer below (``core`` … ``report``), never ``batch`` or the CLI.
"""

from qptd_tools.export.docx import QptdDocxExporter
from qptd_tools.export.html import QptdHTMLExporter

__all__ = ["QptdDocxExporter", "QptdHTMLExporter"]
