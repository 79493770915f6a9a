"""``reports/index.html``: the coordinator's board (seed V.2: "theo dõi, đôn đốc").

What the provincial military command opens to follow the review: a summary per level first
(workbooks received and missing, conferences and reports on time, late or unknown, the
findings of ``qptd check`` by kind, reports built or failed), then the province, one
collapsible section per district with its communes, the departments and the military
commands; each unit's row shows its dates, its open findings (linked to their list) and its
documents. One self-contained page: no script, nothing fetched, printable.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from qptd_tools.catalog import Catalog
from qptd_tools.core import vnformat
from qptd_tools.core.fsutil import atomic_write_bytes

STATUS = {"ok": "Đã lập", "skipped": "Đã lập (không đổi)", "failed": "Lỗi", "timeout": "Quá thời gian",
          "interrupted": "Dừng giữa chừng"}  # fmt: skip
BUILT = ("ok", "skipped")
# the findings of `qptd check` by kind, by their code's prefix
KINDS = (("QPTD-C00", "Thiếu số liệu, thuyết minh"), ("QPTD-C1", "Không khớp, bất thường"),
         ("QPTD-A", "Khen thưởng"), ("QPTD-S", "Hạn nộp"))  # fmt: skip
EVENTS = ("on_time", "late", "missing", "not_applicable")

_PAGE = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string("""\
<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body { font-family: "Times New Roman", "Liberation Serif", "Tinos", serif; margin: 10mm; color: #000; font-size: 12pt; }
h1 { font-size: 16pt; margin: 0 0 2mm; } h2 { font-size: 14pt; margin: 6mm 0 2mm; }
.sample { color: #c00000; font-weight: bold; }
table { border-collapse: collapse; width: 100%; font-size: 11pt; margin: 2mm 0 4mm; }
th, td { border: 1px solid #999; padding: 2px 5px; vertical-align: top; }
th { background: #dde7f0; text-align: center; }
td.n { text-align: right; white-space: nowrap; } td.code { white-space: nowrap; }
.bad { color: #c00000; font-weight: bold; } .ok { color: #1e6b1e; }
details { margin: 1mm 0; border: 1px solid #ccc; padding: 1mm 3mm; }
summary { cursor: pointer; font-weight: bold; padding: 1mm 0; }
summary .counts { font-weight: normal; }
a { color: #1f4e79; } ul.findings { margin: 0 0 3mm; } .files a { white-space: nowrap; }
@page { size: A4 landscape; margin: 10mm; }
@media print { details::details-content { content-visibility: visible; display: block; } a { color: #000; } }
</style></head><body>
<h1>{{ title }}</h1>
{% if sample %}<p class="sample">DỮ LIỆU MẪU — không phải số liệu thật</p>{% endif %}
<p>Theo dõi, đôn đốc các cơ quan, đơn vị, địa phương tổ chức sơ kết (Hướng dẫn số 297/HD-UBND, mục V.2).
Hạn hội nghị: {{ deadlines }}.</p>
<h2 id="tong-hop">Tổng hợp theo cấp</h2>
<table id="summary"><thead>
<tr><th rowspan="2">Cấp</th><th rowspan="2">Số đơn vị</th><th colspan="2">Biểu mẫu số liệu</th>
<th colspan="4">Hội nghị sơ kết</th><th colspan="3">Gửi báo cáo</th>
<th colspan="{{ kinds|length }}">Phát hiện của qptd check</th><th colspan="3">Báo cáo sơ kết</th></tr>
<tr><th>Đã gửi</th><th>Chưa gửi</th><th>Đúng hạn</th><th>Trễ hạn</th><th>Chưa rõ</th><th>Không tổ chức</th>
<th>Đúng hạn</th><th>Trễ hạn</th><th>Chưa rõ</th>
{% for _, label in kinds %}<th>{{ label }}</th>{% endfor %}<th>Đã lập</th><th>Lỗi</th><th>Chưa lập</th></tr>
</thead><tbody>
{% for s in summary %}<tr{% if s.total %} class="total"{% endif %}><td>{% if s.total %}<b>{{ s.label }}</b>{% else %}{{ s.label }}{% endif %}</td>
{% for key in columns %}<td class="n{% if s.bad.get(key) %} bad{% endif %}" data-key="{{ key }}">{{ s.counts[key] }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>
{% for group in groups %}
<details id="{{ group.anchor }}"{% if group.open %} open{% endif %}><summary>{{ group.title }} <span class="counts">— {{ group.counts }}</span></summary>
<table><thead><tr><th>Mã</th><th>Đơn vị</th><th>Biểu mẫu</th><th>Hội nghị sơ kết</th><th>Gửi báo cáo</th>
<th>Phát hiện</th><th>Báo cáo sơ kết</th><th>Tệp</th></tr></thead><tbody>
{% for r in group.rows %}<tr id="u-{{ r.code }}"><td class="code">{{ r.code }}</td><td>{{ r.name }}</td>
<td class="{{ 'ok' if r.submitted else 'bad' }}">{{ 'Đã gửi' if r.submitted else 'Chưa gửi' }}</td>
<td class="{{ r.conf_class }}">{{ r.conf }}</td><td class="{{ r.rep_class }}">{{ r.rep }}</td>
<td class="n">{% if r.findings %}<a href="#f-{{ r.code }}">{{ r.findings }}</a>{% else %}–{% endif %}</td>
<td class="{{ r.status_class }}">{{ r.status }}</td>
<td class="files">{% for label, href, download in r.links %}<a href="{{ href }}"{% if download %} download{% endif %}>{{ label }}</a>{% if not loop.last %} · {% endif %}{% endfor %}</td></tr>
{% endfor %}</tbody></table></details>
{% endfor %}
<h2 id="phat-hien">Phát hiện theo đơn vị</h2>
{% if not found %}<p>Không có phát hiện nào.</p>{% endif %}
{% for unit in found %}<h3 id="f-{{ unit.code }}">{{ unit.code }} {{ unit.name }} (<a href="#u-{{ unit.code }}">về dòng của đơn vị</a>)</h3>
<ul class="findings">{% for code, message in unit.entries %}<li><span class="code">{{ code }}</span>: {{ message }}</li>{% endfor %}</ul>
{% endfor %}
</body></html>
""")


def _when(date: Any, status: str) -> tuple[str, str]:
    """Say a date and its status ("12/9/2019, đúng hạn"; "chưa rõ"), with its CSS class."""
    if status == "not_applicable":
        return "Không tổ chức" if pd.isna(date) else vnformat.date_prose(
            pd.Timestamp(date).date()
        ), ""
    if pd.isna(date):
        return "Chưa rõ", "bad"
    day = vnformat.date_prose(pd.Timestamp(date).date())
    return (f"{day}, trễ hạn", "bad") if status == "late" else (f"{day}, đúng hạn", "ok")


def _list_label(stem: str, authorities: Mapping[str, str]) -> str:
    """Name an award document by its file: "DS kèm QĐ 225", "Tờ trình Tư lệnh Quân khu 1"."""
    if stem.startswith("quyet-dinh-khen-thuong-"):
        number = stem.split("-")[-3] if not stem.endswith("du-thao") else "dự thảo"
        return f"QĐ khen thưởng {number}"
    if stem.startswith("to-trinh-"):
        authority = stem.removeprefix("to-trinh-").replace("-", "_")
        return f"Tờ trình {authorities.get(authority, authority)}"
    if stem.startswith("danh-sach-kem-du-thao-"):
        return "DS kèm dự thảo QĐ"
    if stem.startswith("danh-sach-kem-quyet-dinh-"):
        number = stem.removeprefix("danh-sach-kem-quyet-dinh-").split("-")[0]
        return f"DS khen thưởng kèm QĐ {number}"
    authority = stem.removeprefix("danh-sach-de-nghi-").replace("-", "_")
    return f"DS đề nghị {authorities.get(authority, authority)}"


def _links(reports: Path, code: str, authorities: Mapping[str, str]) -> list[tuple[str, str, bool]]:
    """Return the unit's documents that exist: (label, relative link, download rather than open)."""
    candidates = [("Báo cáo HTML", f"{code}/bao-cao.html", False), ("DOCX", f"{code}/bao-cao.docx", False),
                  ("Nguồn số liệu", f"{code}/nguon-so-lieu.xlsx", False)]  # fmt: skip
    folder = reports / "khen-thuong" / code
    lists = [*sorted(folder.glob("quyet-dinh-*.docx")), *sorted(folder.glob("to-trinh-*.docx")),
             *sorted(folder.glob("danh-sach-*.docx"))]  # fmt: skip
    candidates += [
        (_list_label(p.stem, authorities), f"khen-thuong/{code}/{p.name}", False) for p in lists
    ]
    for label, path in (("Kế hoạch hội nghị", f"ke-hoach/{code}/ke-hoach-hoi-nghi"),
                        ("Dự toán kinh phí", f"du-toan/{code}/du-toan"),
                        ("Công văn đôn đốc", f"don-doc/{code}/cong-van-don-doc")):  # fmt: skip
        # the HTML opens in the browser; with --formats docx only, the DOCX
        html_file = reports / f"{path}.html"
        candidates.append((label, f"{path}.html" if html_file.is_file() else f"{path}.docx", False))
    candidates.append(("Sổ tay (.ipynb)", f"{code}/{code}.ipynb", True))
    return [c for c in candidates if (reports / c[1]).is_file()]


def write_index(reports: Path, entries: Mapping[str, Mapping[str, Any]], cat: Catalog, board: pd.DataFrame,
                sample: bool, findings: pd.DataFrame | None = None, submitted: set[str] | None = None) -> Path:  # fmt: skip
    """Write ``reports/index.html``, the coordinator's board (every unit of the registry).

    Parameters
    ----------
    reports
        The reports folder.
    entries
        The manifest's entries (each unit's last run).
    cat
        The catalogues.
    board
        The deadline board (:func:`qptd_tools.analytics.deadlines.board`).
    sample
        Whether the data are the synthetic sample.
    findings
        The findings of ``qptd check`` (all units).
    submitted
        The units whose workbook has been received.
    """
    findings = (
        findings if findings is not None else pd.DataFrame(columns=["code", "unit_code", "message"])
    )
    submitted = submitted if submitted is not None else set()
    by_unit = board.set_index("unit_code")
    units = cat.units
    authorities = dict(zip(cat.authorities["code"], cat.authorities["name"], strict=True))
    rows: dict[str, dict[str, Any]] = {}
    # each unit's findings, grouped once (a filter per unit costs units × findings)
    found_of = {str(code): list(zip(part["code"], part["message"], strict=True))
                for code, part in findings.groupby("unit_code", sort=False)}  # fmt: skip
    for unit in units.itertuples():
        b = by_unit.loc[unit.unit_code]
        entry = entries.get(unit.unit_code, {})
        status = str(entry.get("status", ""))
        conf, conf_class = _when(b["conference_date"], str(b["conference_status"]))
        rep, rep_class = _when(b["report_date"], str(b["report_status"]))
        mine = found_of.get(unit.unit_code, [])
        rows[unit.unit_code] = {
            "code": unit.unit_code, "name": unit.name, "level": unit.level,
            "submitted": unit.unit_code in submitted, "conf": conf, "conf_class": conf_class,
            "rep": rep, "rep_class": rep_class, "findings": len(mine), "items": mine,
            "status": STATUS.get(status, "Chưa lập"), "status_class": "ok" if status in BUILT else "bad",
            "run": status, "links": _links(reports, unit.unit_code, authorities),
            "conference_status": str(b["conference_status"]), "report_status": str(b["report_status"]),
        }  # fmt: skip
    columns, summary = _summary(cat, rows, findings)
    html = _PAGE.render(
        title=f"Bảng theo dõi {cat.review.title[:1].lower() + cat.review.title[1:]} — {cat.review.province_name}",
        sample=sample, deadlines=_deadline_text(cat), summary=summary, columns=columns, kinds=KINDS,
        groups=_groups(cat, rows),
        found=[{"code": r["code"], "name": r["name"], "entries": r["items"]} for r in rows.values() if r["items"]],
    )  # fmt: skip
    path = reports / "index.html"
    atomic_write_bytes(path, html.encode("utf-8"))
    return path


def _deadline_text(cat: Catalog) -> str:
    rules = cat.deadlines.loc[cat.deadlines["event"] == "conference"]
    return "; ".join(f"{cat.level_name(str(r.level), 'plural')} trước {vnformat.date_prose(pd.Timestamp(r.deadline).date())}"
                     for r in rules.itertuples())  # fmt: skip


def _summary(cat: Catalog, rows: Mapping[str, Mapping[str, Any]], findings: pd.DataFrame
             ) -> tuple[list[str], list[dict[str, Any]]]:  # fmt: skip
    """Count per level, then in all: the numbers the summary table shows."""
    columns = ["units", "submitted", "missing",
               *[f"conference_{e}" for e in EVENTS], *[f"report_{e}" for e in EVENTS[:3]],
               *[f"findings_{i}" for i in range(len(KINDS))], "built", "failed", "not_built"]  # fmt: skip
    out = []
    levels = [(str(lv.code), str(lv.name)) for lv in cat.levels.sort_values("order").itertuples()]
    for code, label in [*levels, ("", "Tổng số")]:
        part = [r for r in rows.values() if not code or r["level"] == code]
        found = findings.loc[findings["unit_code"].isin([r["code"] for r in part])]
        values = {
            "units": len(part), "submitted": sum(r["submitted"] for r in part),
            "missing": sum(not r["submitted"] for r in part),
            **{f"conference_{e}": sum(r["conference_status"] == e for r in part) for e in EVENTS},
            **{f"report_{e}": sum(r["report_status"] == e for r in part) for e in EVENTS[:3]},
            **{f"findings_{i}": int(found["code"].str.startswith(prefix).sum()) for i, (prefix, _) in enumerate(KINDS)},
            "built": sum(r["run"] in BUILT for r in part),
            "failed": sum(r["run"] not in BUILT and r["run"] != "" for r in part),
            "not_built": sum(r["run"] == "" for r in part),
        }  # fmt: skip
        if not values["units"]:
            continue
        bad = {k: bool(values[k]) for k in ("missing", "conference_late", "conference_missing", "report_late",
                                               "report_missing", "failed")}  # fmt: skip
        out.append({"label": label, "counts": values, "bad": bad, "total": not code})
    return columns, out


def _groups(cat: Catalog, rows: Mapping[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the board's sections, each in registry order.

    The province, each district with its communes, the departments, the military commands.
    """
    units = cat.units
    groups = []
    province = units.loc[units["level"] == "tinh", "unit_code"].tolist()
    if province:
        groups.append(("tinh", f"Cấp tỉnh: {cat.place(province[0])}", province, True))
    for district in units.loc[units["level"] == "huyen"].itertuples():
        codes = [district.unit_code, *units.loc[(units["parent_code"] == district.unit_code)
                                               & (units["level"] == "xa"), "unit_code"]]  # fmt: skip
        groups.append((f"h-{district.unit_code}", str(district.name), codes, False))
    for level in ("nganh", "donvi"):
        codes = units.loc[units["level"] == level, "unit_code"].tolist()
        if codes:
            title = str(cat.levels.set_index("code").at[level, "group_title"]) or cat.level_name(
                level
            )
            groups.append((level, title, codes, False))
    out = []
    for anchor, title, codes, open_ in groups:
        part = [rows[c] for c in codes if c in rows]
        late = sum(r["conference_status"] == "late" or r["report_status"] == "late" for r in part)
        counts = (f"{len(part)} đơn vị; đã gửi biểu mẫu {sum(r['submitted'] for r in part)}; "
                  f"trễ hạn {late}; phát hiện {sum(r['findings'] for r in part)}; "
                  f"đã lập báo cáo {sum(r['run'] in BUILT for r in part)}")  # fmt: skip
        out.append(
            {"anchor": anchor, "title": title, "rows": part, "counts": counts, "open": open_}
        )
    return out
