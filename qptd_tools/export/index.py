"""``reports/index.html``: every unit's report with its run status and the deadline board."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from qptd_tools.analytics import deadlines
from qptd_tools.catalog import Catalog
from qptd_tools.core import vnformat
from qptd_tools.core.fsutil import atomic_write_bytes

STATUS = {"ok": "Đã lập", "skipped": "Đã lập (không đổi)", "failed": "Lỗi", "timeout": "Quá thời gian",
          "interrupted": "Dừng giữa chừng"}  # fmt: skip

_PAGE = jinja2.Environment(autoescape=True).from_string("""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Báo cáo sơ kết QPTD — danh sách</title>
<style>
body { font-family: "Times New Roman", "Liberation Serif", "Tinos", serif; margin: 12mm; color: #000; }
h1 { font-size: 16pt; } .sample { color: #c00000; font-weight: bold; }
table { border-collapse: collapse; width: 100%; font-size: 11pt; }
th, td { border: 1px solid #999; padding: 3px 6px; } th { background: #dde7f0; }
td.late, td.failed, td.timeout, td.missing { color: #c00000; font-weight: bold; }
@page { size: A4 landscape; margin: 12mm; }
</style></head><body>
<h1>{{ title }}</h1>
{% if sample %}<p class="sample">DỮ LIỆU MẪU — không phải số liệu thật</p>{% endif %}
<p>{{ summary }}</p>
<table><thead><tr><th>Mã</th><th>Đơn vị</th><th>Cấp</th><th>Báo cáo</th><th>Tệp</th>
<th>Ngày hội nghị</th><th>Hội nghị</th><th>Ngày gửi báo cáo</th><th>Gửi báo cáo</th></tr></thead><tbody>
{% for r in rows %}<tr><td>{{ r.code }}</td><td>{{ r.name }}</td><td>{{ r.level }}</td>
<td class="{{ r.status_key }}">{{ r.status }}</td>
<td>{% for label, href in r.links %}<a href="{{ href }}">{{ label }}</a> {% endfor %}</td>
<td>{{ r.conf_date }}</td><td class="{{ r.conf_key }}">{{ r.conf }}</td>
<td>{{ r.rep_date }}</td><td class="{{ r.rep_key }}">{{ r.rep }}</td></tr>
{% endfor %}</tbody></table></body></html>
""")


def _date(value: Any) -> str:
    return (
        vnformat.date_short(pd.Timestamp(value).date())
        if value is not None and pd.notna(value)
        else "–"
    )


def write_index(reports: Path, entries: dict[str, dict[str, Any]], cat: Catalog, board: pd.DataFrame,
                sample: bool) -> Path:  # fmt: skip
    """Write ``reports/index.html`` for the units in the manifest (registry order)."""
    by_unit = board.set_index("unit_code")
    rows = []
    for unit in cat.units.itertuples():
        entry = entries.get(unit.unit_code)
        if entry is None:
            continue
        b = by_unit.loc[unit.unit_code] if unit.unit_code in by_unit.index else None
        links = [(label, f"{unit.unit_code}/{name}") for label, name in
                 (("HTML", "bao-cao.html"), ("DOCX", "bao-cao.docx"), ("Sổ tay", f"{unit.unit_code}.ipynb"))
                 if (reports / unit.unit_code / name).is_file()]  # fmt: skip
        late = {"late": "late", "missing": "missing"}
        rows.append({
            "code": unit.unit_code, "name": unit.name, "level": cat.level_name(unit.level, "short_name"),
            "status": STATUS.get(str(entry.get("status")), entry.get("status")), "status_key": entry.get("status"),
            "links": links,
            "conf_date": _date(b["conference_date"]) if b is not None else "–",
            "conf": deadlines.STATUS.get(b["conference_status"], "") if b is not None else "",
            "conf_key": late.get(b["conference_status"], "") if b is not None else "",
            "rep_date": _date(b["report_date"]) if b is not None else "–",
            "rep": deadlines.STATUS.get(b["report_status"], "") if b is not None else "",
            "rep_key": late.get(b["report_status"], "") if b is not None else "",
        })  # fmt: skip
    done = sum(e.get("status") in ("ok", "skipped") for e in entries.values())
    html = _PAGE.render(
        title=f"Báo cáo {cat.review.title.lower()} — {cat.review.province_name}",
        sample=sample,
        summary=f"Đã lập {done}/{len(rows)} báo cáo.",
        rows=rows,
    )
    path = reports / "index.html"
    atomic_write_bytes(path, html.encode("utf-8"))
    return path
