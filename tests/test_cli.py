"""The command line as a user meets it: the installed `qptd` script, exit codes, messages."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qptd_tools.cli import main
from qptd_tools.store.workspace import WorkspaceData

from .conftest import COMMUNE, write_workbook

QPTD = shutil.which("qptd") or str(Path(sys.executable).with_name("qptd"))


def run(*args, root: Path, check: bool = False):
    env = {**os.environ, "QPTD_ROOT": str(root)}
    return subprocess.run(
        [QPTD, "--quiet", *args], capture_output=True, text=True, env=env, check=check
    )


def test_demo_from_scratch(tmp_path):
    done = run("demo", "--district", "058", root=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Kết quả (168 tệp): nhận 167, bỏ qua 1." in done.stdout  # the sample's listing
    assert "BỎ QUA" in done.stdout and "deliberate_problems.json — ghi chú" in done.stdout
    assert "167/167 đơn vị đã gửi số liệu" in done.stdout
    assert "QPTD-C002 01864" in done.stdout
    assert (tmp_path / "data" / "processed" / "CURRENT").is_file()
    for unit in ("058", "01834", "01855"):
        for name in ("bao-cao.html", "bao-cao.docx", f"{unit}.ipynb"):
            assert (tmp_path / "reports" / unit / name).is_file()
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "058/bao-cao.docx" in index and "DỮ LIỆU MẪU" in index
    # the example it names is a report it wrote: the district's, not the province's
    example = next(line for line in done.stdout.splitlines() if line.startswith("Ví dụ báo cáo"))
    assert (
        example
        == f"Ví dụ báo cáo của thành phố Bắc Kạn: {tmp_path / 'reports' / '058' / 'bao-cao.docx'}"
    )
    again = run("demo", "--district", "058", root=tmp_path)
    assert "Kết quả (168 tệp): không đổi 167, bỏ qua 1." in again.stdout
    assert "bỏ qua (không đổi) 9" in again.stdout


def test_ingest_bad_file_exit_code_and_json(tmp_path, cat):
    bad = tmp_path / "raw" / "bang.csv"
    bad.parent.mkdir()
    bad.write_text("unit_code,year,indicator,value\n061,2010,TT_BUOI,nhiều\n", encoding="utf-8")
    done = subprocess.run([QPTD, "--root", str(tmp_path), "--quiet", "ingest", str(bad), "--format", "json"],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 1
    data = json.loads(done.stdout)
    problem = data["files"][0]["problems"][0]
    assert data["rejected"] == 1 and problem["code"] == "QPTD-E030" and problem["row"] == 2
    assert "Traceback" not in done.stderr


def test_usage_error_is_vietnamese(tmp_path, capsys):
    assert main(["--root", str(tmp_path), "ingest"]) == 2
    err = capsys.readouterr().err
    assert "QPTD-E082" in err and "Tham số không hợp lệ" in err and "Traceback" not in err


def test_unknown_unit_is_a_clean_error(tmp_path, capsys):
    assert main(["--root", str(tmp_path), "template", "--unit", "99999"]) == 2
    assert "QPTD-E081" in capsys.readouterr().err


def test_help_is_vietnamese(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "Cách dùng:" in out and "Tùy chọn" in out and "demo" in out


def test_template_and_check_json(tmp_path, cat, capsys):
    assert main(["--root", str(tmp_path), "--quiet", "template", "--unit", "061", COMMUNE]) == 0
    assert sorted(p.name for p in (tmp_path / "data" / "templates").iterdir()) == [
        "01849.xlsx",
        "061.xlsx",
    ]
    write_workbook(cat, tmp_path / "data" / "raw" / f"{COMMUNE}.xlsx")
    assert main(["--root", str(tmp_path), "--quiet", "ingest", str(tmp_path / "data" / "raw")]) == 0
    capsys.readouterr()
    assert main(["--root", str(tmp_path), "check", "--unit", COMMUNE, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    row = data["summary"][0]
    assert row["unit_code"] == COMMUNE and row["submitted"] is True
    assert row["cells_expected"] == 29 * 11 and row["cells_missing"] == 29 * 11 - 5
    assert any(f["code"] == "QPTD-C003" for f in data["findings"])


def test_analytics_commands(tmp_path, workspace, capsys):
    assert main(["--root", str(tmp_path), "indicators", "--unit", "061"]) == 2
    assert "QPTD-E093" in capsys.readouterr().err  # nothing loaded yet: a clear message
    root = str(workspace)  # the sample ingested (what `qptd demo` loads; demo has its own test)
    assert main(["--root", root, "indicators", "--unit", "061", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].split(",")[:5] == ["unit_code", "indicator", "name", "unit", "section_id"]
    # a district: its 36 input indicators, 5 ratios, and VM_CO_SO counted over its communes
    assert len(rows) == 1 + 36 + 5 + 1
    assert main(["--root", root, "indicators", "--unit", "061"]) == 0
    table = capsys.readouterr().out
    assert "Huyện Ba Bể — giai đoạn 2009 - 2019" in table and "Cả giai đoạn" in table
    assert (
        main(["--root", root, "awards", "--unit", "063", "--view", "checks", "--format", "json"])
        == 0
    )
    found = json.loads(capsys.readouterr().out)
    assert [f["code"] for f in found] == ["QPTD-A005"]
    assert main(["--root", root, "awards", "--view", "money", "--format", "csv"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert (
        header
        == "paid_by,payer_code,payer,records,amount,unconfirmed_records,unconfirmed_amount,unknown_records,complete"
    )
    assert main(["--root", root, "awards", "--by", "nope"]) == 2
    assert "QPTD-E082" in capsys.readouterr().err
    assert main(["--root", root, "deadlines", "--district", "060"]) == 0
    assert "Trễ hạn" in capsys.readouterr().out
    assert main(["--root", root, "check", "--format", "json"]) == 0
    codes = {f["code"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert {"QPTD-C101", "QPTD-C102", "QPTD-A005", "QPTD-S001", "QPTD-S002"} <= codes


# --- the CLI speaks like the reports (issue #13) ---------------------------------------------
@pytest.mark.parametrize("command", ["sample", "check", "run", "awards"])
def test_each_subcommand_help_starts_once_with_the_usage(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert out.startswith(f"Cách dùng: qptd {command}") and "Cách dùng: Cách dùng" not in out


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["chek"], "không có lựa chọn “chek”"),
        (["chek"], "có lẽ định gõ “check”"),
        (["indicators"], "thiếu tham số bắt buộc: --unit"),
        (["run", "--unit"], "tham số --unit: cần ghi ít nhất một giá trị"),
        (["check", "--bogus"], "không hiểu tham số: --bogus"),
        (["run", "--level", "tinhh"], "có lẽ định gõ “tinh”"),
        (["run", "--timeout", "0"], "--timeout: cần một số lớn hơn 0"),
        (["run", "--timeout", "-5"], "--timeout: cần một số lớn hơn 0"),
        (["run", "--timeout", "mười"], "“mười” không phải là số"),
    ],
)
def test_usage_errors_are_all_vietnamese(tmp_path, capsys, argv, said):
    assert main(["--root", str(tmp_path), *argv]) == 2
    err = capsys.readouterr().err
    assert "QPTD-E082" in err and said in err
    for english in (
        "invalid choice",
        "the following arguments",
        "expected",
        "unrecognized",
        "argument ",
    ):
        assert english not in err


def test_check_in_an_empty_folder_says_so_and_fails(tmp_path, capsys):
    assert main(["--root", str(tmp_path), "check"]) == 2
    captured = capsys.readouterr()
    assert "QPTD-E093" in captured.err and "PHÁT HIỆN" not in captured.out


def test_tables_for_people_and_formats_for_programs(workspace, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    root = ["--root", str(workspace)]
    assert main([*root, "indicators", "--unit", "61", "--series"]) == 0  # 61 is 061
    text = capsys.readouterr().out
    assert "000000" not in text and "54058" not in text and "37.343" in text  # Vietnamese numbers
    assert max(len(line) for line in text.splitlines()) <= 100  # cut to the terminal's width
    assert "Mã chỉ tiêu" in text and "Dân số trung bình" in text
    assert main([*root, "awards", "--unit", "61", "--view", "money"]) == 0
    money = capsys.readouterr().out
    assert "Cấp chi" in money and "Số tiền (đồng)" in money and "paid_by" not in money
    assert re.search(r"\d{1,3}(\.\d{3})+", money) and not re.search(
        r"\d\.0(?!\d)", money
    )  # no "1370.0"
    assert main([*root, "deadlines", "--summary"]) == 0
    summary = capsys.readouterr().out
    assert "Hội nghị không áp dụng" in summary and "conference_" not in summary
    assert main([*root, "awards", "--view", "money", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)  # for programs: English names, plain numbers
    assert {"paid_by", "amount"} <= set(rows[0]) and isinstance(rows[0]["amount"], float)
    assert main([*root, "awards", "--format", "table"]) == 0
    stats = capsys.readouterr().out
    assert "Cá nhân" in stats and "ca_nhan" not in stats and "de_nghi" not in stats


def test_progress_bars_count_in_vietnamese_and_hide_when_nothing_runs(workspace, capsys):
    root = ["--root", str(workspace)]
    assert main([*root, "run", "--unit", "01858", "--formats", "html"]) == 0
    first = capsys.readouterr().err
    assert "Chạy báo cáo" in first and "1/1 [" in first and " đơn vị/" in first
    assert main([*root, "run", "--unit", "01858", "--formats", "html"]) == 0  # nothing changed
    again = capsys.readouterr().err
    assert "it/s" not in again and "0/0" not in again and "0đơn vị" not in again


def test_the_provinces_award_numbers_are_checked_and_their_absence_is_said(workspace, capsys):
    """Guidance 297, III.C: the province sets the numbers in a separate document. Without them
    `qptd check` says so once; with the workspace's award_quotas.csv it counts per unit."""
    root = ["--root", str(workspace)]
    main([*root, "check", "--format", "json"])
    codes = [f["code"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert codes.count("QPTD-A010") == 1 and "QPTD-A006" not in codes
    (workspace / "catalog").mkdir()
    (workspace / "catalog" / "award_quotas.csv").write_text(
        "form,level,recipient_type,max_count,criteria,source\n"
        "GK_UBX,xa,ca_nhan,2,Tiêu biểu trong phong trào thi đua ở cơ sở,HD297.III.B\n"
        "GK_UBX,xa,tap_the,50,,HD297.III.B\n",
        encoding="utf-8",
    )
    main([*root, "check", "--format", "json"])
    found = json.loads(capsys.readouterr().out)["findings"]
    over = [f for f in found if f["code"] == "QPTD-A006"]
    assert "QPTD-A010" not in {f["code"] for f in found}
    data = WorkspaceData(workspace)
    people = data.awards.loc[
        (data.awards["form"] == "GK_UBX") & (data.awards["recipient_type"] == "ca_nhan")
    ]
    expected = {u for u, n in people.groupby("unit_code").size().items() if n > 2}
    assert expected and {f["unit_code"] for f in over} == expected  # collectives (≤ 50) never
