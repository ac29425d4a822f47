"""The web page in a real browser: headless Chromium, driven over the DevTools protocol.

The page is opened from a file with the network off; the test reads console errors and exceptions, network
requests, the computed direction and visibility of each edition, switches the language with a real mouse
click on the switcher, and takes screenshots (saved in the test's tmp folder). Skipped, with the reason,
only when Chromium is not installed (`scripts/setup --test` installs it; CI runs it).
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from digest import render

from .test_render import rich_briefing

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian package chromium; scripts/setup --test installs it)"
)
websockets_client = pytest.importorskip("websockets.sync.client", reason="pip install websockets (test extra)")


class DevTools:
    """A minimal DevTools-protocol client: commands by id, events kept for later reading."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.last_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self.last_id += 1
        message: dict[str, Any] = {"id": self.last_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv(timeout=120))
            if reply.get("id") == self.last_id:
                assert "error" not in reply, f"{method}: {reply['error']}"
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def wait_for(self, method: str) -> dict[str, Any]:
        for event in self.events:
            if event.get("method") == method:
                self.events.remove(event)
                return event
        while True:
            event = json.loads(self.ws.recv(timeout=120))
            if event.get("method") == method:
                return event
            self.events.append(event)


class Page:
    """One tab of the browser, attached through a flat session."""

    def __init__(self, tools: DevTools) -> None:
        self.tools = tools
        target = tools.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = tools.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=1000, height=1400, deviceScaleFactor=1, mobile=False)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        return self.tools.call(method, self.session, **params)

    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)
        self.tools.wait_for("Page.loadEventFired")

    def eval(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        box = self.eval(f"(() => {{ const r = document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
                        " return [r.x + r.width / 2, r.y + r.height / 2]; })()")  # fmt: skip
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)

    def screenshot(self, path: Path) -> bytes:
        data = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        path.write_bytes(data)
        return data

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions and log errors seen so far in this tab."""
        found = []
        for event in self.tools.events:
            if event.get("sessionId") != self.session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"])[:300])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(json.dumps(params.get("args"))[:300])
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(params["entry"].get("text", "")[:300])
        return found

    def requests(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self.tools.events
            if e.get("sessionId") == self.session and e.get("method") == "Network.requestWillBeSent"
        ]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    """Headless Chromium on a free DevTools port (written by Chromium to DevToolsActivePort), stopped after."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    args = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank",
    ]  # fmt: skip
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    port_file = profile / "DevToolsActivePort"
    try:
        for _ in range(600):  # Chromium writes the file once it listens; give a loaded machine a minute
            if port_file.is_file() and len(port_file.read_text().splitlines()) >= 2:
                break
            if proc.poll() is not None:
                pytest.fail(f"chromium exited with code {proc.returncode} before listening")
            time.sleep(0.1)
        else:
            pytest.fail("chromium did not open its DevTools port within a minute")
        port, path = port_file.read_text().splitlines()[:2]
        with websockets_client.connect(f"ws://127.0.0.1:{port}{path}", max_size=None, open_timeout=60) as ws:
            yield DevTools(ws)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # our own process group: the browser and its children
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def _page_file(folder: Path, hostile: bool = False) -> Path:
    path = folder / "briefing.html"
    path.write_text(render.render_html(rich_briefing(hostile=hostile)), encoding="utf-8")
    return path


DISPLAY = "[...document.querySelectorAll('section.edition')].map(s => [s.id, getComputedStyle(s).display])"


def _shown(page: Page) -> list[str]:
    return [name for name, display in page.eval(DISPLAY) if display != "none"]


def test_switcher_directions_no_errors_and_screenshots(browser: DevTools, tmp_path: Path) -> None:
    page = Page(browser)
    url = _page_file(tmp_path).as_uri()
    page.open(url)
    assert page.eval("getComputedStyle(document.getElementById('edition-ar')).direction") == "rtl"
    assert page.eval("getComputedStyle(document.getElementById('edition-en')).direction") == "ltr"
    align = page.eval("getComputedStyle(document.querySelector('#edition-ar .headline')).textAlign")
    assert align in ("right", "start")
    assert page.eval("document.documentElement.lang") == "ar"
    assert dict(page.eval(DISPLAY)) == {"edition-ar": "block", "edition-en": "none", "edition-es": "none"}
    shot = page.screenshot(tmp_path / "briefing-ar.png")
    assert shot.startswith(b"\x89PNG") and len(shot) > 20_000

    for lang in ("en", "es", "ar"):
        page.click(f".switch-{lang}")
        assert _shown(page) == [f"edition-{lang}"]
        assert page.eval("location.hash") == f"#edition-{lang}"
        active = page.eval(f"getComputedStyle(document.querySelector('.switch-{lang}')).color")
        assert active == "rgb(255, 255, 255)"  # the chosen language is marked in the switcher
    page.click(".switch-es")
    assert "miércoles, 11 de mayo de 2022" in page.eval("document.body.innerText")
    page.screenshot(tmp_path / "briefing-es.png")

    # The back button returns to the edition read before.
    page.eval("history.back()")
    page.eval("new Promise(r => setTimeout(r, 200))")
    assert _shown(page) == ["edition-ar"]

    # Keyboard: the switcher entries are links, reached with Tab and followed with Enter.
    page.eval("document.querySelector('.switch-en').focus()")
    for kind in ("rawKeyDown", "char", "keyUp"):
        page.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13, text="\r")
    assert _shown(page) == ["edition-en"]

    assert page.problems() == []
    assert {u.split("#")[0] for u in page.requests()} == {url}  # one file, nothing else fetched


@pytest.mark.parametrize(("fragment", "shown"), [("#edition-es", "edition-es"), ("#en-s-marrakesh", "edition-en")])
def test_links_into_an_edition_open_it(browser: DevTools, tmp_path: Path, fragment: str, shown: str) -> None:
    page = Page(browser)
    page.open(_page_file(tmp_path).as_uri() + fragment)
    assert _shown(page) == [shown]
    assert page.problems() == []


def test_article_markup_is_inert_text_in_the_browser(browser: DevTools, tmp_path: Path) -> None:
    page = Page(browser)
    url = _page_file(tmp_path, hostile=True).as_uri()
    page.open(url)
    assert page.eval("document.scripts.length") == 0
    assert page.eval("document.images.length") == 0
    assert '<script>alert("x")</script>' in page.eval("document.getElementById('edition-ar').innerText")
    assert page.problems() == []
    assert set(page.requests()) == {url}
    page.screenshot(tmp_path / "hostile-ar.png")


def test_email_body_in_the_browser(browser: DevTools, tmp_path: Path) -> None:
    path = tmp_path / "email.html"
    path.write_text(render.render_email_html(rich_briefing()), encoding="utf-8")
    page = Page(browser)
    page.open(path.as_uri())
    assert page.eval("document.scripts.length") == 0
    assert page.eval("document.querySelectorAll('style, link').length") == 0
    assert page.eval("getComputedStyle(document.getElementById('edition-ar')).direction") == "rtl"
    assert page.eval("getComputedStyle(document.getElementById('edition-es')).direction") == "ltr"
    assert page.problems() == []
    assert set(page.requests()) == {path.as_uri()}
    page.screenshot(tmp_path / "email.png")


def test_index_of_a_big_day_in_the_browser(browser: DevTools, tmp_path: Path) -> None:
    """Past `web_stories`, the index: its lines follow the edition's direction, a story's link opens its
    edition at its line, the contents lead to the index, and an Arabic headline in another edition stays RTL."""
    from dataclasses import replace

    from digest.options import RenderOptions

    from .test_render_scale import many_stories

    briefing = many_stories(300)
    untranslated = replace(briefing.stories[7], headline={"ar": "خبر بلا ترجمة", "en": "", "es": ""})
    briefing = replace(briefing, stories=(*briefing.stories[:7], untranslated, *briefing.stories[8:]))
    path = tmp_path / "big.html"
    path.write_text(render.render_html(briefing, options=RenderOptions(web_stories=3)), encoding="utf-8")
    page = Page(browser)
    page.open(path.as_uri() + "#en-s-0250")
    assert _shown(page) == ["edition-en"]
    top = page.eval("document.getElementById('en-s-0250').getBoundingClientRect().top")
    switcher = page.eval("document.querySelector('.switcher').getBoundingClientRect().bottom")
    assert page.eval("scrollY") > 2000 and switcher <= top < 200  # scrolled to, below the sticky switcher
    assert page.eval("document.querySelectorAll('#edition-en .index li').length") == 297
    assert page.eval("document.querySelector('#edition-en .index ol').start") == 4
    assert page.eval("getComputedStyle(document.querySelector('#en-s-0008 a')).direction") == "rtl"
    page.eval("document.querySelector('#edition-en .index-link a').scrollIntoView({block: 'center'})")
    page.click("#edition-en .index-link a")
    assert page.eval("location.hash") == "#en-index" and _shown(page) == ["edition-en"]
    page.click(".switch-ar")
    assert page.eval("getComputedStyle(document.querySelector('#ar-s-0006')).direction") == "rtl"
    assert "خبر رقم 6" in page.eval("document.getElementById('ar-index').innerText")
    assert page.problems() == []
    assert {u.split("#")[0] for u in page.requests()} == {path.as_uri()}
    page.screenshot(tmp_path / "index-ar.png")


SOURCE_BOXES = """(sel => [...document.querySelectorAll(sel)].map(li => {
  const box = q => { const e = li.querySelector(q); if (!e) return null; const r = e.getBoundingClientRect();
                     return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  return {outlet: box('bdi.outlet'), author: box('bdi.author'), when: box('bdi.when'), title: box('.title')};
}))"""


def _in_reading_order(lines: list[dict[str, Any]], rtl: bool) -> None:
    """Outlet, author, date on one line in the edition's direction; the title after them (below)."""
    assert lines
    for line in lines:
        pieces = [line[k] for k in ("outlet", "author", "when") if line[k]]
        assert len(pieces) >= 2, line
        for before, after in itertools.pairwise(pieces):
            assert abs(before["top"] - after["top"]) < 8, line  # one line
            if rtl:
                assert before["left"] >= after["right"] - 1, line
            else:
                assert before["right"] <= after["left"] + 1, line
        if line["title"]:
            assert line["title"]["top"] > pieces[0]["top"] + 5, line  # its own line, after them


@pytest.mark.parametrize("lang", ["ar", "en", "es"])
def test_sources_read_in_order_on_the_web_page_and_in_the_email(browser: DevTools, tmp_path: Path, lang: str) -> None:
    """Each source line: outlet, author, date in the edition's direction, the Arabic or English title after
    them, in the page (each edition) and in the email body."""
    page = Page(browser)
    page.open(_page_file(tmp_path).as_uri() + f"#edition-{lang}")
    lines = page.eval(SOURCE_BOXES + f"('#{lang}-s-marrakesh ul.articles li:not(.more)')")
    _in_reading_order(lines, rtl=lang == "ar")
    assert len(lines) == 3
    mail = tmp_path / "email.html"
    mail.write_text(render.render_email_html(rich_briefing()), encoding="utf-8")
    page.open(mail.as_uri())
    selector = f"#edition-{lang} li"
    lines = [line for line in page.eval(SOURCE_BOXES + f"({json.dumps(selector)})") if line["when"]]
    _in_reading_order(lines, rtl=lang == "ar")
    assert page.problems() == []
