"""What the analyst does: JupyterLab on localhost, the notebooks opened in headless Chromium
(Playwright's Python package, the system browser: no download), every cell run from the app.

The assertions are on what the user sees: an image in the explore widget that changes when
the unit changes, no error output in any notebook, figures present, headings that read right.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
TOKEN = "qptd-test"
DONE = """() => { const w = window.jupyterapp.shell.currentWidget;
    const cells = w.content.widgets.filter(c => c.model.type === 'code');
    return cells.every(c => c.model.executionCount !== null)
        && w.sessionContext.session.kernel.status === 'idle'; }"""
READY = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel
        && w.sessionContext.session.kernel.status === 'idle'; }"""
OUTPUTS = """() => window.jupyterapp.shell.currentWidget.content.widgets
    .filter(c => c.model.type === 'code').map(c => c.model.outputs.toJSON())"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def lab(tmp_path_factory, sample_store_dir):
    """JupyterLab serving a workspace (the sample's store, the notebooks in ``notebooks/``)."""
    src, _ = sample_store_dir
    root = tmp_path_factory.mktemp("lab") / "ws"
    shutil.copytree(src, root / "data" / "processed")
    shutil.copytree(NOTEBOOKS, root / "notebooks")
    port = _free_port()
    env = {
        k: v for k, v in os.environ.items() if k != "QPTD_ROOT"
    }  # found from the notebook's folder
    env["JUPYTER_CONFIG_DIR"] = str(root / ".jupyter")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={root}",
         "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start")
    yield base, root
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def _run_all(browser, base: str, notebook: str):
    """Open a notebook in JupyterLab (a fresh workspace), run all its cells, wait until done."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(
        f"{base}/lab/workspaces/t-{notebook}/tree/notebooks/{notebook}.ipynb?reset&token={TOKEN}"
    )
    page.wait_for_function(READY, timeout=120_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(DONE, timeout=240_000)
    return page, page.evaluate(OUTPUTS)


def _visible_widget_image(page) -> str | None:
    return page.evaluate("""(() => { const i = [...document.querySelectorAll('.widget-output img')]
        .find(i => i.offsetParent && i.naturalWidth > 100); return i ? i.src : null; })()""")


def test_explore_draws_and_redraws_in_the_browser(lab, browser):
    base, _ = lab
    page, outputs = _run_all(browser, base, "explore")
    flat = [o for cell in outputs for o in cell]
    assert not [o for o in flat if o.get("output_type") == "error"]
    page.wait_for_function("document.querySelector('.widget-output img')", timeout=60_000)
    before = _visible_widget_image(page)
    assert before and before.startswith("data:image/png")  # an image, not "<Figure size …>"
    assert "<Figure size" not in page.inner_text(".widget-output")
    # what the controls show is whole: the years' readout, the tab titles
    cut = page.evaluate("""[...document.querySelectorAll('.widget-readout, .lm-TabBar-tabLabel')]
        .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)""")
    assert cut == []
    clipped = page.evaluate("""[...document.querySelectorAll('.widget-dropdown select')].filter(s => {
        const c = document.createElement('canvas').getContext('2d');
        c.font = getComputedStyle(s).font;
        return c.measureText(s.selectedOptions[0].text).width + 24 > s.clientWidth; })
        .map(s => s.selectedOptions[0].text)""")
    assert clipped == []  # the unit's and the indicator's names are shown whole
    # tables read as in the reports: codes on one line, text from the left, numbers right
    cells = page.evaluate("""[...document.querySelectorAll('.jp-OutputArea-output table td')]
        .filter(td => td.offsetParent).map(td => { const r = document.createRange();
        r.selectNodeContents(td); return [td.textContent.trim(), getComputedStyle(td).textAlign,
        new Set([...r.getClientRects()].map(b => Math.round(b.top))).size]; })""")
    words = [c for c in cells if re.fullmatch(r"[^\W\d_][^\d]*", c[0])]
    assert words and [w for w in words if w[1] not in ("left", "start")] == []
    numbers = [c for c in cells if re.fullmatch(r"(0|[1-9][\d.]*)(,\d+)?", c[0]) and not re.fullmatch(r"20[01]\d", c[0])]  # fmt: skip
    assert numbers and [n for n in numbers if n[1] not in ("right", "end")] == []
    page.locator(".widget-dropdown select").first.select_option(label="Huyện Chợ Đồn (064)")
    page.wait_for_function(
        """(b) => { const i = [...document.querySelectorAll('.widget-output img')]
            .find(i => i.offsetParent && i.naturalWidth > 100); return i && i.src !== b; }""",
        arg=before,
        timeout=60_000,
    )
    assert page.locator(".widget-dropdown select").first.input_value() == "Huyện Chợ Đồn (064)"
    # the library cells, run from notebooks/, found the workspace: tables with rows
    tables = [o["data"]["text/html"] for o in flat if "text/html" in o.get("data", {})]
    assert tables and all(t.count("<tr") > 2 for t in tables[2:])
    assert sum("image/png" in o.get("data", {}) for o in flat) == 2
    page.close()


@pytest.mark.parametrize("notebook", ["unit_report", "overview", "awards"])
def test_the_other_notebooks_run_in_the_browser(lab, browser, notebook):
    base, _ = lab
    page, outputs = _run_all(browser, base, notebook)
    flat = [o for cell in outputs for o in cell]
    assert not [o for o in flat if o.get("output_type") == "error"], notebook
    html = "".join(o["data"].get("text/html", "") for o in flat if "data" in o)
    assert html.count("data:image/png;base64,") >= (5 if notebook == "unit_report" else 1), notebook
    if notebook == "unit_report":  # "Phần I" and the part's title on two lines, not "Phần IKẾT QUẢ"
        heading = page.locator("h1.part").first.inner_text()
        assert heading.split("\n")[0].strip() == "Phần I" and "KẾT QUẢ" in heading.split("\n")[-1]
    if notebook == "awards":  # the checks' codes on one line ("QPTD-A005", not "QPTD-/A005")
        lines = page.evaluate("""[...document.querySelectorAll('.jp-OutputArea-output td')]
            .filter(td => /^QPTD-/.test(td.textContent.trim())).map(td => {
            const r = document.createRange(); r.selectNodeContents(td);
            return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; })""")
        assert lines and set(lines) == {1}, lines
    page.close()
