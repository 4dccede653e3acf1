"""The HTML browser page in headless Chromium, offline: it draws, searches, shows
details and runs none of the scripts hidden in paper text.

Needs ``apt-get install -y chromium chromium-driver`` (skipped with the reason otherwise).
"""

from __future__ import annotations

import time
from pathlib import Path

import headless
import pytest
from test_html import mixed_graph, results_graph, star_graph, xss_graph

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


def js(driver, script: str, *args):
    return driver.execute_script(script, *args)


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
    # the address is data too: a crafted link shows its text and runs nothing
    from urllib.parse import quote

    hostile = "<img src=x onerror=window.__xss=9>"
    driver.get("about:blank")
    driver.get(headless.file_url(path) + "#q=" + quote(hostile) + "&node=" + quote("<svg onload=window.__xss=10>")
               + "&off=" + quote("<b>x</b>") + "&sort=" + quote("<i>"))
    while not js(driver, "return !!(window.__kg && window.__kg.ready)"):
        time.sleep(0.05)
    time.sleep(0.3)
    assert js(driver, "return window.__xss") is None
    assert js(driver, "return document.querySelectorAll('img, svg, iframe, object, b, i').length") == 0
    assert driver.find_element(By.ID, "search").get_attribute("value") == hostile
    assert hostile in driver.find_element(By.ID, "list-filter").text


def test_thousands_of_nodes_are_interactive_quickly(driver, tmp_path):
    path = tmp_path / "big.html"
    G = synthetic_graph(3000)
    write_html(G, path)
    ready_ms = open_page(driver, path, timeout=60)
    assert js(driver, "return window.__kg.nodes.length") == G.number_of_nodes()
    assert ready_ms < 10000, f"interactive after {ready_ms:.0f} ms"
    assert js(driver, "return window.__kg.search('Me0-').length") > 0
    assert_clean(driver, headless.file_url(path))


# --------------------------------------------------------------------------- overview


# JavaScript: the DOM position of node i and the graph's size
DOM = ("var n = window.__kg.network, g = document.getElementById('graph');"
       "function dom(i) { return n.canvasToDOM(n.getPositions([i])[i]); }")


def wait_idle(driver, timeout: float = 5.0) -> None:
    """Wait until the view stops moving (fit and focus animations)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if js(driver, "return window.__kg.idle()"):
            time.sleep(0.05)  # the frame after the animation
            return
        time.sleep(0.05)
    raise AssertionError("the view kept moving")


def state(driver) -> dict:
    return js(driver, "return window.__kg.state()")


def overlapping(labels: list[dict]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            if a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and \
                    a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]:
                out.append((a["text"], b["text"]))
    return out


@pytest.fixture(scope="module")
def hub_page(tmp_path_factory):
    path = tmp_path_factory.mktemp("hubs") / "hubs.html"
    write_html(synthetic_graph(800), path)
    return path


def test_overview_labels_the_hubs_without_overlap(driver, hub_page):
    open_page(driver, hub_page)
    wait_idle(driver)
    labels = js(driver, "return window.__kg.labels()")
    assert len(labels) >= 15
    assert overlapping(labels) == []
    w, h = js(driver, "var g = document.getElementById('graph'); return [g.clientWidth, g.clientHeight]")
    assert all(r["x"] >= 0 and r["x"] + r["w"] <= w and r["y"] >= 0 and r["y"] + r["h"] <= h for r in labels)
    # the ten entities named by most papers are all labelled, and entities come first
    top = js(driver, "var I = window.__kg.info; return I.map((x, i) => i)"
                     ".filter(i => I[i].t !== 'Paper').sort((a, b) => I[b].p - I[a].p || a - b).slice(0, 10)")
    labelled = [r["node"] for r in labels]
    assert set(top) <= set(labelled)
    kinds = js(driver, "return window.__kg.labels().map(r => window.__kg.info[r.node].t)")
    assert kinds.count("Paper") <= len(kinds) // 4
    # node size grows with degree
    sizes = js(driver, "var I = window.__kg.info; return window.__kg.nodes.get()"
                       ".map(v => [I[v.id].d, v.size]).sort((a, b) => a[0] - b[0])")
    assert sizes[0][1] < sizes[-1][1]
    # zoomed in, the middle of the map gets more labels than it had
    def middle(rows):
        return [r for r in rows if w / 4 < r["x"] + r["w"] / 2 < 3 * w / 4 and h / 4 < r["y"] < 3 * h / 4]
    before = len(middle(labels))
    js(driver, "var n = window.__kg.network; n.moveTo({scale: n.getScale() * 2.5})")
    time.sleep(0.2)
    after = js(driver, "return window.__kg.labels()")
    assert len(after) > before and overlapping(after) == []


def test_overview_fills_the_canvas(driver, hub_page):
    open_page(driver, hub_page)
    box = js(driver, DOM + "var ids = window.__kg.nodeView.getIds(), xs = ids.map(i => dom(i).x);"
                     "var ys = ids.map(i => dom(i).y);"
                     "return [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys),"
                     " g.clientWidth, g.clientHeight]")
    x0, x1, y0, y1, w, h = box
    assert x0 >= 0 and x1 <= w and y0 >= 0 and y1 <= h
    assert (x1 - x0) / w > 0.8 or (y1 - y0) / h > 0.8  # fit: one side fills the canvas
    assert (x1 - x0) * (y1 - y0) > 0.5 * w * h  # and the drawing is the canvas's shape


def pixel(driver, node: int) -> list[int]:
    return js(driver, DOM + "var p = dom(arguments[0]), c = g.querySelector('canvas'), r = c.width / c.clientWidth;"
                      "var px = c.getContext('2d').getImageData(Math.round(p.x * r), Math.round(p.y * r), 1, 1);"
                      "return Array.from(px.data)", node)


def test_search_enter_focuses_and_dims(driver, example_page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    open_page(driver, example_page)
    bert = index_of(driver, "method:bert")
    before = pixel(driver, bert)
    box = driver.find_element(By.ID, "search")
    box.clear()
    box.send_keys("glue", Keys.ENTER)
    wait_idle(driver)
    glue = index_of(driver, "dataset:glue")
    s = state(driver)
    assert s["focus"] == glue
    papers = {index_of(driver, f"paper:p{k}") for k in (1, 2, 3)}
    assert set(s["bright"]) == {glue} | papers
    assert s["dimmed"] == s["nodes"] - 4 > 0
    assert js(driver, "return window.__kg.network.getSelectedNodes()") == [glue]
    # drawn: a node outside the neighbourhood is faded towards the background
    after = pixel(driver, bert)
    assert sum(after[:3]) > sum(before[:3]) + 150, (before, after)
    bright = pixel(driver, glue)
    assert sum(bright[:3]) < 600  # GLUE keeps its colour
    # the view is centred on the neighbourhood, and only it is labelled
    x, y, w, h = js(driver, DOM + "var p = dom(arguments[0]); return [p.x, p.y, g.clientWidth, g.clientHeight]", glue)
    assert 0.1 * w < x < 0.9 * w and 0.1 * h < y < 0.9 * h
    assert {r["node"] for r in js(driver, "return window.__kg.labels()")} <= {glue} | papers
    # Escape or a click on the background ends the focus
    js(driver, "window.__kg.clear()")
    assert state(driver)["focus"] == -1 and state(driver)["dimmed"] == 0


def test_click_focuses_and_panel_expands_and_hides(driver, tmp_path):
    from selenium.webdriver.common.by import By

    path = tmp_path / "mixed.html"
    write_html(mixed_graph(), path, show_singletons=False)
    open_page(driver, path)
    total = state(driver)
    solo = index_of(driver, "task:solo7")
    paper = index_of(driver, "paper:m7")
    assert js(driver, f"return window.__kg.nodeView.get({solo})") is None  # single-paper: hidden
    js(driver, f"window.__kg.network.body.emitter.emit('click', {{nodes: [{paper}], edges: []}})")
    wait_idle(driver)
    assert state(driver)["focus"] == paper
    expand = driver.find_element(By.CSS_SELECTOR, "#panel button[data-action=expand]")
    assert "1 hidden neighbour" in expand.text
    expand.click()
    wait_idle(driver)
    s = state(driver)
    assert solo in s["bright"] and s["nodes"] == total["nodes"] + 1 and s["edges"] == total["edges"] + 1
    assert "expand=paper%3Am7" in js(driver, "return window.__kg.hash()")
    driver.find_element(By.CSS_SELECTOR, "#panel button[data-action=hide]").click()
    s = state(driver)
    assert s["focus"] == -1 and js(driver, f"return window.__kg.nodeView.get({paper})") is None
    assert s["nodes"] == total["nodes"] - 1  # the paper is hidden, and its single-paper task again
    assert "1 node you hid" in s["note"]
    hidden = driver.find_element(By.ID, "hidden-nodes")
    assert hidden.is_displayed() and "1 node" in hidden.text
    driver.find_element(By.ID, "unhide").click()
    assert state(driver)["nodes"] == total["nodes"]


def visible_counts(driver) -> tuple[int, int]:
    """Nodes and edges the network holds, counted independently of the page's own counters."""
    return tuple(js(driver, "var k = window.__kg, ids = new Set(k.nodeView.getIds());"
                            "var es = k.edgeView.get().filter(e => ids.has(e.from) && ids.has(e.to));"
                            "return [ids.size, es.length, k.edgeView.length]"))[:2]


def assert_counts_shown(driver) -> tuple[int, int]:
    nodes, edges = visible_counts(driver)
    assert js(driver, "return window.__kg.edgeView.length") == edges  # no edge to a hidden node
    s = state(driver)
    assert (s["nodes"], s["edges"]) == (nodes, edges)
    note = js(driver, "return document.getElementById('note').textContent")
    assert note.startswith(f"Showing {nodes:,} of ") and f" nodes and {edges:,} of " in note, note
    counts = js(driver, "return document.getElementById('counts').textContent")
    assert counts.startswith(f"{nodes:,} of ") and f" nodes and {edges:,} of " in counts
    # re-fitted: every visible node is on screen
    wait_idle(driver)
    inside = js(driver, "var k = window.__kg, n = k.network, ids = k.nodeView.getIds(), p = n.getPositions(ids);"
                        "var g = document.getElementById('graph');"
                        "return ids.every(i => { var d = n.canvasToDOM(p[i]);"
                        " return d.x >= 0 && d.y >= 0 && d.x <= g.clientWidth && d.y <= g.clientHeight; })")
    assert inside
    return nodes, edges


def test_every_filter_recounts_updates_the_note_and_refits(driver, tmp_path):
    from selenium.webdriver.common.by import By

    path = tmp_path / "mixed.html"
    G = mixed_graph()
    write_html(G, path, show_singletons=False)
    open_page(driver, path)
    n_all, e_all = G.number_of_nodes(), G.number_of_edges()
    nodes, edges = assert_counts_shown(driver)
    # by default: 12 single-paper tasks, LoneNet and its paper hidden; links of 0.3 hidden with their tasks
    assert (nodes, edges) == (n_all - 14, e_all - 13)
    note = state(driver)["note"]
    assert "Hidden: 13 single-paper entities and 1 paper that shares none" in note
    toggle = driver.find_element(By.ID, "singletons-label").text
    assert toggle.startswith("Show 13 single-paper entities")
    driver.find_element(By.ID, "singletons").click()
    nodes, edges = assert_counts_shown(driver)
    assert nodes == n_all and edges == e_all - 4  # the four links of confidence 0.3 stay hidden
    assert "4 links below confidence 0.50" in state(driver)["note"]
    low = driver.find_element(By.ID, "low-conf")
    assert "Show 4 low-confidence links" in driver.find_element(By.ID, "low-conf-label").text
    low.click()
    assert assert_counts_shown(driver) == (n_all, e_all)
    assert js(driver, "return document.getElementById('min-score').value") == "0"
    low.click()
    assert assert_counts_shown(driver) == (n_all, e_all - 4)
    # the slider keeps working
    js(driver, "var s = document.getElementById('min-score'); s.value = '0.95'; s.dispatchEvent(new Event('input'))")
    nodes, edges = assert_counts_shown(driver)
    assert edges == 0 and "below confidence 0.95" in state(driver)["note"]
    js(driver, "var s = document.getElementById('min-score'); s.value = '0.5'; s.dispatchEvent(new Event('input'))")
    # minimum degree: edges are recounted (none to a hidden node)
    js(driver, "var s = document.getElementById('min-degree'); s.value = '3'; s.dispatchEvent(new Event('input'))")
    assert assert_counts_shown(driver) == (15, 24)  # the papers, HubNet and the two datasets
    js(driver, "var s = document.getElementById('min-degree'); s.value = '5'; s.dispatchEvent(new Event('input'))")
    nodes, edges = assert_counts_shown(driver)
    assert (nodes, edges) == (3, 0) and "degree below 5" in state(driver)["note"]  # no paper left
    driver.find_element(By.ID, "reset").click()
    assert assert_counts_shown(driver) == (n_all - 14, e_all - 13)
    driver.find_element(By.CSS_SELECTOR, "#legend input[data-type=Dataset]").click()
    nodes, edges = assert_counts_shown(driver)
    assert nodes == n_all - 16 and edges == e_all - 25 and "type Dataset" in state(driver)["note"]
    assert_clean(driver, headless.file_url(path))


def test_the_address_keeps_the_state_and_restores_it(driver, tmp_path):
    from selenium.webdriver.common.by import By

    path = tmp_path / "mixed.html"
    write_html(mixed_graph(), path, show_singletons=False)
    url = headless.file_url(path)
    open_page(driver, path)
    assert js(driver, "return location.hash") == ""
    js(driver, "var s = document.getElementById('min-degree'); s.value = '2'; s.dispatchEvent(new Event('input'))")
    driver.find_element(By.CSS_SELECTOR, "#legend input[data-type=Task]").click()
    driver.find_element(By.ID, "search").send_keys("Mixed paper 05\n")
    driver.find_element(By.ID, "tab-papers").click()
    js(driver, "var c = document.getElementById('colour-by'); c.value = 'community';"
               "c.dispatchEvent(new Event('change'))")
    time.sleep(0.4)
    shared = js(driver, "return location.href")
    want = state(driver)
    assert "node=paper%3Am5" in shared and "deg=2" in shared and "off=Task" in shared
    assert "colour=community" in shared and "list=papers" in shared and "q=Mixed" in shared
    # a fresh load of the shared address shows the same view
    driver.get("about:blank")
    driver.get(shared)
    deadline = time.monotonic() + 20
    while not js(driver, "return !!(window.__kg && window.__kg.ready)") and time.monotonic() < deadline:
        time.sleep(0.05)
    wait_idle(driver)
    got = state(driver)
    for key in ("focus", "bright", "nodes", "edges", "note", "hash"):
        assert got[key] == want[key], key
    assert js(driver, "return window.__kg.network.getSelectedNodes()") == [index_of(driver, "paper:m5")]
    assert driver.find_element(By.ID, "panel").is_displayed()
    assert js(driver, "return document.getElementById('min-degree').value") == "2"
    assert not driver.find_element(By.CSS_SELECTOR, "#legend input[data-type=Task]").is_selected()
    assert js(driver, "return document.getElementById('colour-by').value") == "community"
    assert driver.find_element(By.ID, "search").get_attribute("value") == "Mixed paper 05"
    assert driver.find_element(By.ID, "tab-papers").get_attribute("aria-selected") == "true"
    # a hand-written address works too, and a change of it is followed
    driver.get(url + "#single=1&conf=0&hide=task%3Asolo1&expand=method%3Ahubnet")
    open_ready = time.monotonic() + 20
    while not js(driver, "return !!(window.__kg && window.__kg.ready)") and time.monotonic() < open_ready:
        time.sleep(0.05)
    s = state(driver)
    assert js(driver, f"return window.__kg.nodeView.get({index_of(driver, 'task:solo1')})") is None
    assert s["nodes"] == mixed_graph().number_of_nodes() - 1
    js(driver, "location.hash = 'deg=99'")
    time.sleep(0.3)
    assert state(driver)["nodes"] == 0
    assert_clean(driver, url)


def test_list_beside_the_graph(driver, tmp_path):
    from selenium.webdriver.common.by import By

    path = tmp_path / "mixed.html"
    write_html(mixed_graph(), path, show_singletons=False)
    open_page(driver, path)
    time.sleep(0.1)

    def rows():
        return js(driver, "return [...document.querySelectorAll('#list-body tr')]"
                          ".map(tr => [...tr.cells].map(td => td.textContent.trim()))")

    entities = rows()
    assert [r[0][-6:] for r in entities[:1]] == ["HubNet"] and entities[0][2] == "12"
    assert [r[2] for r in entities] == sorted((r[2] for r in entities), key=int, reverse=True)
    assert len(entities) == 3  # single-paper entities are hidden, so not listed
    assert "Entities (3)" in driver.find_element(By.ID, "tab-entities").text
    driver.find_element(By.CSS_SELECTOR, "#list-head button[data-sort=name]").click()
    names = [r[0][2:] for r in rows()]  # after the type's symbol
    assert names == sorted(names, key=str.lower) == ["Hub Dataset", "HubNet", "Other Set"]
    # in sync with the filters
    driver.find_element(By.CSS_SELECTOR, "#legend input[data-type=Dataset]").click()
    time.sleep(0.1)
    assert [r[1] for r in rows()] == ["Method"]
    driver.find_element(By.ID, "tab-papers").click()
    papers = rows()
    assert len(papers) == 12 and "HubNet" in papers[0][0]
    # and with the search box
    driver.find_element(By.ID, "search").send_keys("paper 07")
    time.sleep(0.2)
    assert len(rows()) == 1
    driver.find_element(By.CSS_SELECTOR, "#list-body tr").click()
    wait_idle(driver)
    m7 = index_of(driver, "paper:m7")
    assert state(driver)["focus"] == m7
    assert driver.find_element(By.CSS_SELECTOR, "#list-body tr.on").get_attribute("data-node") == str(m7)
    assert driver.find_element(By.ID, "panel").is_displayed()


@pytest.mark.slow
def test_seeds_overview_reads_at_a_glance(driver, tmp_path):
    """The seed corpus (rules and gazetteer, no model: a few seconds): hub labels at first sight."""
    from kg.build import build

    build([Path(__file__).resolve().parents[1] / "seeds"], tmp_path, use_model=False, show_progress=False)
    open_page(driver, tmp_path / "kg.html", timeout=30)
    wait_idle(driver)
    labels = js(driver, "return window.__kg.labels()")
    assert len(labels) >= 15 and overlapping(labels) == []
    s = state(driver)
    assert "single-paper entities" in s["note"] and s["nodes"] < js(driver, "return window.__kg.info.length") / 2
    hubs = js(driver, "var I = window.__kg.info; return window.__kg.labels().slice(0, 15)"
                      ".map(r => I[r.node]).filter(x => x.t !== 'Paper' && x.p >= 5).length")
    assert hubs >= 10  # most of the first labels are entities many papers name
    assert_clean(driver, headless.file_url(tmp_path / "kg.html"))


def test_results_table_of_a_dataset_and_a_task(driver, tmp_path):
    from selenium.webdriver.common.by import By

    for direction, order in (("lower", ["BetaNet", "AlphaNet", "GammaNet"]),
                             ("higher", ["GammaNet", "AlphaNet", "BetaNet"])):
        path = tmp_path / f"results-{direction}.html"
        write_html(results_graph(direction), path)
        open_page(driver, path)
        js(driver, f"window.__kg.focus({index_of(driver, 'dataset:imagenet')})")
        boards = js(driver, f"return window.__kg.leaderboards({index_of(driver, 'dataset:imagenet')})")
        assert [(b["metric"], b["direction"], len(b["rows"])) for b in boards] == [
            ("metric:fid", direction, 3), ("metric:accuracy", None, 1)]
        tables = driver.find_elements(By.CSS_SELECTOR, "#panel table.board")
        rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
                for tr in tables[0].find_elements(By.CSS_SELECTOR, "tr[data-result]")]
        assert [r[1] for r in rows] == order and [r[0] for r in rows] == ["1", "2", "3"]
        assert f"({direction} is better)" in driver.find_element(By.ID, "panel").text
        # a task's table: the results of the papers that address it, by dataset and metric
        task = index_of(driver, "task:imagegeneration")
        js(driver, f"window.__kg.focus({task})")
        boards = js(driver, f"return window.__kg.leaderboards({task})")
        assert boards[0]["dataset"] == "dataset:imagenet" and len(boards[0]["rows"]) == 3
        assert "FID on ImageNet" in driver.find_element(By.ID, "panel").text
        # a method's name in the table focuses the method
        driver.find_element(By.CSS_SELECTOR, "#panel table.board tr[data-result] button.node-link").click()
        assert js(driver, "return window.__kg.state().focus") == index_of(driver, "method:" + order[0].lower())
    assert_clean(driver, headless.file_url(path))
