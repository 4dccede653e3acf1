"""The query page of `kg serve` (GET /): served with a strict CSP, offline (it loads nothing but
itself and calls only /sparql), and in headless Chromium a typed query runs into an escaped
table, a syntax error is shown where it is, and the results download as CSV and JSON.

The browser tests need ``apt-get install -y chromium chromium-driver`` (skipped otherwise).
"""

from __future__ import annotations

import json
import re
import signal
import time
import urllib.request
from pathlib import Path

import headless
import pytest
from rdf_fixture import fixture_graph

from kg.export.rdf import write_turtle
from kg.sparql.page import example_queries, render_page
from tests.conftest import serve_kg

ROOT = Path(__file__).resolve().parents[1]


def test_packaged_queries_equal_the_query_pack():
    """The page offers kg/data/queries/ (package data, so installed wheels have it): it must equal queries/."""
    top = sorted(p.name for p in (ROOT / "queries").glob("*.rq"))
    packaged = sorted(p.name for p in (ROOT / "kg" / "data" / "queries").glob("*.rq"))
    assert packaged == top, "copy queries/*.rq to kg/data/queries/"
    for name in top:
        assert (ROOT / "kg" / "data" / "queries" / name).read_bytes() == (ROOT / "queries" / name).read_bytes(), (
            f"copy queries/{name} to kg/data/queries/")
    examples = example_queries()
    assert [q["name"] + ".rq" for q in examples] == top
    assert examples[0]["title"] == "Most used datasets"


def test_the_page_files_are_package_data():
    import tomllib
    from fnmatch import fnmatch

    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    page = ROOT / "kg" / "sparql" / "page"
    for f in ("index.html", "page.css", "page.js"):
        assert any(fnmatch(f, g) for g in data["kg.sparql.page"]), f
        assert (page / f).is_file()
    assert "data/**/*" in data["kg"]  # kg/data/queries/*.rq


def test_the_page_is_one_offline_document_with_a_strict_csp():
    html, csp = render_page()
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp and "unsafe" not in csp
    assert "frame-ancestors 'none'" in csp
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # nothing loaded from elsewhere
    assert "@@" not in html
    assert html.count("<script") == 2  # the data block and the inline script
    script = (ROOT / "kg" / "sparql" / "page" / "page.js").read_text()
    assert not re.search(r"\.(inner|outer)HTML|insertAdjacentHTML|document\.write|eval\(", script)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("page") / "kg.ttl"
    write_turtle(fixture_graph(), path)
    proc, base = serve_kg(path, "--workers", "1")
    yield f"{base}/"
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)


@pytest.mark.slow
def test_get_slash_serves_the_page_with_its_csp(server):
    with urllib.request.urlopen(server, timeout=30) as r:
        body = r.read().decode()
        assert r.status == 200 and r.headers["Content-Type"] == "text/html; charset=utf-8"
        assert r.headers["Content-Security-Policy"] == render_page()[1]
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert body == render_page()[0]
    req = urllib.request.Request(server, data=b"x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=30)
    assert info.value.code == 405


browser = pytest.mark.skipif(headless.missing() is not None, reason=f"no browser: {headless.missing()}")


@pytest.fixture(scope="module")
def driver():
    # the page must reach 127.0.0.1, so the network is not emulated offline; the test checks
    # instead that the page requests nothing but itself and /sparql
    with headless.chrome(offline=False) as d:
        yield d


def _open(driver, url: str) -> None:
    driver.get("about:blank")
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(url)
    _wait(driver, "return window.__kgq && window.__kgq.ready")


def _wait(driver, script: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {script}; console: {headless.browser_errors(driver)}")


def _run(driver, text: str, keyboard: bool = False) -> None:
    """Type `text` into the editor and run it (the Run button, or Ctrl+Enter)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    runs = driver.execute_script("return window.__kgq.runs")
    editor = driver.find_element(By.ID, "query")
    editor.clear()
    editor.send_keys(text)
    if keyboard:
        editor.send_keys(Keys.CONTROL, Keys.ENTER)
    else:
        driver.find_element(By.ID, "run").click()
    _wait(driver, f"return window.__kgq.runs > {runs}")


def _table(driver) -> list[list[str]]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#results tr')).map("
        "r => Array.from(r.children).map(c => c.textContent))")


@pytest.mark.slow
@pytest.mark.browser
@browser
def test_type_a_query_run_it_see_a_table(driver, server):
    _open(driver, server)
    assert driver.execute_script("return document.getElementById('query').value").startswith(
        "# Most used datasets")
    _run(driver, "SELECT ?name WHERE { ?d a kg:Dataset ; skos:prefLabel ?name } ORDER BY ?name", keyboard=True)
    assert _table(driver) == [["name"], ["CIFAR-10"], ["ImageNet"], ["SQuAD"]]
    assert driver.execute_script("return document.getElementById('status').textContent").startswith("3 rows")
    # an example from the pack, chosen in the list
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, "examples")).select_by_value("7")  # 08-best-result-per-dataset-metric
    driver.find_element(By.ID, "run").click()
    _wait(driver, "return window.__kgq.runs >= 2")
    rows = _table(driver)
    assert rows[0] == ["dataset", "metric", "best", "unit", "direction", "method", "paper"]
    assert ["ImageNet", "FID", "2.9", "", "lower", "Transformer", "p3"] in rows
    assert headless.browser_errors(driver) == []
    origin = server.rstrip("/")
    requests = {u for u in headless.page_requests(driver) if not u.startswith(("chrome://", "data:"))}
    assert requests <= {"about:blank", server, origin + "/sparql"}, requests


@pytest.mark.slow
@pytest.mark.browser
@browser
def test_values_are_text_never_markup(driver, server):
    _open(driver, server)
    evil = '<img src=x onerror="window.__pwned=1">'
    _run(driver, f"SELECT ?x WHERE {{ VALUES ?x {{ '{evil}' <javascript:alert(1)> }} }}")
    assert _table(driver) == [["x"], [evil], ["javascript:alert(1)"]]
    assert driver.execute_script("return document.querySelectorAll('#results img, #results a').length") == 0
    assert driver.execute_script("return window.__pwned === undefined")


@pytest.mark.slow
@pytest.mark.browser
@browser
def test_a_syntax_error_is_shown_where_it_is(driver, server):
    _open(driver, server)
    _run(driver, "SELECT ?x WHERE {\n  ?x kg:title\n}")
    status = driver.execute_script("return document.getElementById('status')")
    assert status.get_attribute("class") == "error"
    assert status.text == ("SPARQL syntax error at line 3, column 1: expected an object after the predicate "
                           "kg:title, found '}'")
    assert driver.execute_script("return document.getElementById('query').selectionStart") == len(
        "SELECT ?x WHERE {\n  ?x kg:title\n")
    assert _table(driver) == [] and driver.execute_script("return document.getElementById('csv').disabled")


@pytest.mark.slow
@pytest.mark.browser
@browser
def test_download_csv_and_json(driver, server):
    from selenium.webdriver.common.by import By

    _open(driver, server)
    _run(driver, 'SELECT ?name ?note WHERE { ?d a kg:Dataset ; skos:prefLabel ?name . '
                 'BIND(IF(?name = "SQuAD", "a, \\"quoted\\" note", "") AS ?note) } ORDER BY ?name')
    driver.find_element(By.ID, "csv").click()
    got = driver.execute_script("return window.__kgq.lastDownload")
    assert got["name"] == "results.csv" and got["type"] == "text/csv"
    assert got["text"] == 'name,note\r\nCIFAR-10,\r\nImageNet,\r\nSQuAD,"a, ""quoted"" note"\r\n'
    driver.find_element(By.ID, "json").click()
    got = driver.execute_script("return window.__kgq.lastDownload")
    assert got["name"] == "results.json"
    assert [b["name"]["value"] for b in json.loads(got["text"])["results"]["bindings"]] == [
        "CIFAR-10", "ImageNet", "SQuAD"]
    assert headless.browser_errors(driver) == []
