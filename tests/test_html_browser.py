"""The HTML browser page in headless Chromium, offline: it draws, searches, shows
details and runs none of the scripts hidden in paper text.

Needs ``apt-get install -y chromium chromium-driver`` (skipped with the reason otherwise).
"""

from __future__ import annotations

import time
from pathlib import Path

import headless
import pytest
from test_html import star_graph, xss_graph

from kg.export.html import write_html
from kg.samples import build_example_graph, synthetic_graph

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(headless.missing() is not None, reason=f"no browser: {headless.missing()}"),
]


@pytest.fixture(scope="module")
def driver():
    with headless.chrome(offline=True) as d:
        yield d


def open_page(driver, path: Path, timeout: float = 20.0) -> float:
    """Load `path` from file://, wait until the network is drawn; return the time (ms)."""
    driver.get("about:blank")
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(headless.file_url(path))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = driver.execute_script("return window.__kg && window.__kg.ready ? window.__kg.readyAt : null")
        if ready is not None:
            return float(ready)
        time.sleep(0.05)
    raise AssertionError(f"page not ready after {timeout} s: {headless.browser_errors(driver)}")


def assert_clean(driver, url: str) -> None:
    """No console error and no request except the page itself."""
    assert headless.browser_errors(driver) == []
    requests = [u for u in headless.page_requests(driver) if not u.startswith("chrome://")]
    assert set(requests) <= {url, "about:blank"}, requests
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0


def js(driver, script: str):
    return driver.execute_script(script)


@pytest.fixture(scope="module")
def example_page(tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "kg.html"
    write_html(build_example_graph(), path)
    return path


def index_of(driver, node_id: str) -> int:
    return js(driver, f"return window.__kg.info.findIndex(x => x.id === {node_id!r})")


def test_loads_offline_without_errors_or_requests(driver, example_page):
    open_page(driver, example_page)
    assert js(driver, "return window.__kg.nodes.length") == 9
    assert js(driver, "return window.__kg.edges.length") == 11
    assert js(driver, "return window.__kg.nodeView.length") == 9
    assert js(driver, "return document.getElementById('note').textContent").startswith("Showing 9")
    legend = js(driver, "return document.getElementById('legend').textContent")
    assert "Paper" in legend and "Repository" in legend
    assert_clean(driver, headless.file_url(example_page))


def test_search_by_alias_selects_and_focuses(driver, example_page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    open_page(driver, example_page)
    box = driver.find_element(By.ID, "search")
    box.clear()
    box.send_keys("lora")
    results = driver.find_elements(By.CSS_SELECTOR, "#results button")
    assert results and any("LoRA" in r.text for r in results)
    box.send_keys(Keys.ENTER)
    lora = index_of(driver, "method:lora")
    assert js(driver, "return window.__kg.network.getSelectedNodes()") == [lora]
    panel = driver.find_element(By.ID, "panel")
    assert panel.is_displayed()
    assert "Proposed by" in panel.text and "Used by" in panel.text
    assert "LoRA" in panel.text  # the alias is listed
    # the proposing paper's code link is shown with the entity
    hrefs = js(driver, "return [...document.querySelectorAll('#panel a')].map(a => a.href)")
    assert "https://github.com/microsoft/lora" in hrefs
    assert_clean(driver, headless.file_url(example_page))


def test_paper_panel_links_and_highlighted_mentions(driver, example_page):
    from selenium.webdriver.common.by import By

    open_page(driver, example_page)
    box = driver.find_element(By.ID, "search")
    box.clear()
    box.send_keys("Low-Rank Adaptation of Large")
    driver.find_element(By.CSS_SELECTOR, "#results button").click()
    p1 = index_of(driver, "paper:p1")
    assert js(driver, "return window.__kg.network.getSelectedNodes()") == [p1]
    links = js(driver, "return [...document.querySelectorAll('#panel a')].map(a => [a.textContent, a.href])")
    assert ["https://github.com/microsoft/lora", "https://github.com/microsoft/lora"] in links
    assert any(href == "https://arxiv.org/abs/2106.09685" for _, href in links)
    marks = js(driver, "return [...document.querySelectorAll('#panel .abstract mark')].map(m => m.textContent)")
    assert {"LoRA", "GLUE", "top-1 accuracy"} <= set(marks)
    # paper p3 has a javascript: URL, which must not become a link
    js(driver, f"window.__kg.select({index_of(driver, 'paper:p3')})")
    assert js(driver, "return document.querySelectorAll('#panel a').length") == 0
    assert "(not a web link)" in driver.find_element(By.ID, "panel").text


def test_click_on_node_and_hover_edge(driver, example_page):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    open_page(driver, example_page)
    js(driver, "document.getElementById('panel').hidden = true")
    glue = index_of(driver, "dataset:glue")
    graph = driver.find_element(By.ID, "graph")

    def dom(node: int) -> dict:
        return js(driver, f"var n = window.__kg.network, p = n.getPositions([{node}])[{node}];"
                          "return n.canvasToDOM(p)")

    def move_to(point: dict):
        rect = graph.rect
        ActionChains(driver).move_to_element_with_offset(
            graph, int(point["x"] - rect["width"] / 2), int(point["y"] - rect["height"] / 2)
        ).perform()

    move_to(dom(glue))
    ActionChains(driver).click().perform()
    assert js(driver, "return window.__kg.network.getSelectedNodes()") == [glue]
    panel = driver.find_element(By.ID, "panel")
    assert panel.is_displayed() and "Papers evaluated on it (3)" in panel.text
    # hover the middle of the edge paper p2 -> GLUE: the tooltip shows its evidence sentence
    p2 = index_of(driver, "paper:p2")
    a, b = dom(p2), dom(glue)
    move_to({"x": (a["x"] + b["x"]) / 2, "y": (a["y"] + b["y"]) / 2})
    time.sleep(0.3)
    tip = driver.find_element(By.ID, "tooltip")
    assert tip.is_displayed()
    assert "We fine-tune BERT with LoRA on GLUE" in tip.text and "evaluatedOn" in tip.text


def test_type_and_confidence_filters(driver, tmp_path):
    from selenium.webdriver.common.by import By

    path = tmp_path / "star.html"
    write_html(star_graph(40), path)
    open_page(driver, path)
    total = js(driver, "return window.__kg.nodeView.length")
    driver.find_element(By.CSS_SELECTOR, "#legend input[data-type=Paper]").click()
    assert js(driver, "return window.__kg.nodeView.length") == total - 40
    driver.find_element(By.ID, "reset").click()
    assert js(driver, "return window.__kg.nodeView.length") == total
    js(driver, "var s = document.getElementById('min-score'); s.value = '0.85';"
               "s.dispatchEvent(new Event('input'))")
    assert js(driver, "return window.__kg.edgeView.length") == 0  # all scores are 0.8
    js(driver, "var s = document.getElementById('min-degree'); s.value = '5';"
               "s.dispatchEvent(new Event('input'))")
    assert js(driver, "return window.__kg.nodeView.length") == 5  # BERT and four datasets


def test_summarized_view_says_what_is_hidden(driver, tmp_path):
    path = tmp_path / "summary.html"
    write_html(star_graph(40), path, max_nodes=10)
    open_page(driver, path)
    assert js(driver, "return window.__kg.nodes.length") == 10
    note = js(driver, "return document.getElementById('note').textContent")
    assert "Showing 10 of" in note and "hidden by the 10-node limit" in note


def test_xss_payloads_do_not_run(driver, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    path = tmp_path / "xss.html"
    write_html(xss_graph(), path, title="<img src=x onerror=window.__xss=7>")
    open_page(driver, path)
    n = js(driver, "return window.__kg.info.length")
    for i in range(n):  # open every panel; show every edge's evidence
        js(driver, f"window.__kg.select({i})")
    for e in range(js(driver, "return window.__kg.edges.length")):
        js(driver, f"window.__kg.network.selectEdges([{e}]);"
                   f"window.__kg.network.body.emitter.emit('click', {{nodes: [], edges: [{e}]}})")
    box = driver.find_element(By.ID, "search")
    box.send_keys("<")
    time.sleep(0.2)
    assert js(driver, "return window.__xss") is None
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018
    assert js(driver, "return document.querySelectorAll('img, svg, iframe, object').length") == 0
    hrefs = js(driver, "return [...document.querySelectorAll('a')].map(a => a.href)")
    assert all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
    assert js(driver, "return document.title") == "<img src=x onerror=window.__xss=7>"
    assert "<svg onload=window.__xss=6>" in driver.find_element(By.ID, "results").text
    assert_clean(driver, headless.file_url(path))


def test_thousands_of_nodes_are_interactive_quickly(driver, tmp_path):
    path = tmp_path / "big.html"
    G = synthetic_graph(3000)
    write_html(G, path)
    ready_ms = open_page(driver, path, timeout=60)
    assert js(driver, "return window.__kg.nodes.length") == G.number_of_nodes()
    assert ready_ms < 10000, f"interactive after {ready_ms:.0f} ms"
    assert js(driver, "return window.__kg.search('Me0-').length") > 0
    assert_clean(driver, headless.file_url(path))
