"""How a report the toolkit wrote marks itself, so that an edited draft can come back in.

The exporter writes them (:mod:`qptd_tools.export.docx_build`); intake reads them
(:mod:`qptd_tools.intake.document`): the report's unit in the core property ``identifier``,
and a hidden bookmark on every paragraph it generated, carrying a digest of that text.
"""

from __future__ import annotations

import hashlib

DRAFT_MARK = "qptd:"  # core property ``identifier`` of a report: "qptd:<unit code>"
GENERATED = "_qptd_a_"  # hidden bookmark (Word hides names starting "_"): "_qptd_a_<digest>"
GENERATED_TABLE = "_qptd_t"  # hidden bookmark in the first cell of a generated table


def text_digest(text: str) -> str:
    """Return the digest a generated paragraph's bookmark carries (its text, spaces folded)."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]
