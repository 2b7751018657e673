"""Drives headless Chromium over the DevTools protocol through one editing session of `flowstudy edit`.

Opens the editor URL, selects a gate, drags its threshold line with real mouse events, reads the % shown while
dragging and after release, saves, and prints what the page showed as JSON (with every console error and
uncaught exception). Screenshots go to the folder given. Used by Tests/EditorTests/EditorBrowserTests.swift.

    python drag_threshold.py CHROMIUM URL POPULATION DRAG_PIXELS SCREENSHOT_DIR
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket  # websocket-client


class Browser:
    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="editor-chromium-")
        self.process = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-port=0",
             "--remote-allow-origins=*", f"--user-data-dir={self.profile}", "--window-size=1400,1700", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while not os.path.exists(port_file) or os.path.getsize(port_file) == 0:
            if time.time() > deadline:
                raise RuntimeError("Chromium did not open its DevTools port")
            time.sleep(0.05)
        port = int(open(port_file).read().split()[0])
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.errors = []
        self.console = []

    def close(self):
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)

    def _event(self, message):
        method = message.get("method")
        params = message.get("params", {})
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            self.console.append(f"{params.get('type')}: {text}")
            if params.get("type") in ("error", "assert"):
                self.errors.append("console." + params["type"] + ": " + text)
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.errors.append("exception: " + details.get("exception", {}).get("description", details.get("text", "")))
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            if entry.get("level") == "error":
                self.errors.append(f"log: {entry.get('text')} {entry.get('url', '')}")

    def call(self, method, **params):
        self.next_id += 1
        ident = self.next_id
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._event(message)

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait(self, expression, timeout=120, what=None):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise RuntimeError(f"timed out waiting for {what or expression}")

    def mouse(self, kind, x, y, buttons):
        self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", buttons=buttons, clickCount=1 if kind != "mouseMoved" else 0)

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))


def drive(chromium, url, folder, steps):
    """Opens `url` in headless Chromium, waits until every sample is gated, runs `steps(browser, out)` and prints
    `out` as JSON with every console error and uncaught exception (a failure, with a screenshot, is reported in
    `out`, not raised: the Swift test fails with it)."""
    browser = Browser(chromium)
    out = {}
    try:
        for domain in ("Runtime", "Log", "Page"):
            browser.call(f"{domain}.enable")
        browser.call("Emulation.setDeviceMetricsOverride", width=1400, height=1700, deviceScaleFactor=1, mobile=False)
        browser.call("Page.navigate", url=url)
        browser.wait("document.readyState === 'complete' && document.body && document.body.dataset.settled === 'true'", what="every sample gated")
        steps(browser, out)
    except Exception as error:  # reported to the Swift test, which fails with it
        out["failure"] = str(error)
        try:
            browser.screenshot(os.path.join(folder, "failure.png"))
        except Exception:
            pass
    finally:
        out["errors"] = browser.errors
        out["console"] = browser.console
        browser.close()
    print(json.dumps(out))


def main():
    chromium, url, population, drag, folder = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]

    def steps(browser, out):
        out["address_after_load"] = browser.evaluate("location.href")
        browser.evaluate(f"document.querySelector('.node[data-id=\"{population}\"]').click()")
        browser.wait(f"document.getElementById('gate-title').textContent.startsWith('{population} on') && "
                     "document.querySelector('line.edge.threshold') !== null && document.getElementById('live-percent').dataset.percent !== ''",
                     what="the gate's plot")
        time.sleep(0.3)
        out["sample"] = browser.evaluate("document.getElementById('sample').value")
        out["percent_before"] = float(browser.evaluate("document.getElementById('live-percent').dataset.percent"))
        out["count_before"] = int(browser.evaluate("document.getElementById('live-percent').dataset.count"))
        browser.screenshot(os.path.join(folder, "1-loaded.png"))
        box = browser.evaluate("(() => { const r = document.querySelector('line.edge.threshold').getBoundingClientRect();"
                               " return [r.left + r.width / 2, r.top + r.height / 2]; })()")
        x, y = box
        browser.mouse("mouseMoved", x, y, 0)
        browser.mouse("mousePressed", x, y, 1)
        moves = 12
        seen = []
        for k in range(1, moves + 1):
            browser.mouse("mouseMoved", x + drag * k / moves, y, 1)
            time.sleep(0.03)
            seen.append(browser.evaluate("document.getElementById('live-percent').dataset.percent"))
        # The % shown while the button is still down: the server's preview of the last dragged position (on a
        # loaded machine an earlier position's preview can still be on screen after a fixed pause).
        browser.wait("document.body.dataset.previewing === 'false'", what="the preview of the last position")
        time.sleep(0.3)
        out["percents_seen"] = seen
        out["percent_while_dragging"] = float(browser.evaluate("document.getElementById('live-percent').dataset.percent"))
        out["preview_detail"] = browser.evaluate("document.getElementById('live-detail').textContent")
        browser.screenshot(os.path.join(folder, "2-dragging.png"))
        browser.mouse("mouseReleased", x + drag, y, 0)
        generation = int(browser.evaluate("document.body.dataset.generation"))
        browser.wait(f"Number(document.body.dataset.generation) > {generation - 1} && document.body.dataset.settled === 'true' && "
                     "document.querySelectorAll('#counts tr.pending').length === 0 && document.getElementById('undo').disabled === false",
                     what="the re-gate after release")
        time.sleep(0.6)
        out["percent_after"] = float(browser.evaluate("document.getElementById('live-percent').dataset.percent"))
        out["count_after"] = int(browser.evaluate("document.getElementById('live-percent').dataset.count"))
        out["counts"] = browser.evaluate(
            f"Object.fromEntries([...document.querySelectorAll('#counts tbody tr')].map(r => [r.dataset.sample,"
            f" Number(r.querySelector('td.count[data-population=\"{population}\"]').dataset.count)]))")
        out["strip"] = browser.evaluate("[...document.querySelectorAll('#strip .cell')].map(c => c.querySelector('.pct').textContent)")
        browser.wait("[...document.querySelectorAll('#strip img')].every(i => i.complete && i.naturalWidth > 0)", timeout=60, what="thumbnails")
        browser.screenshot(os.path.join(folder, "3-released.png"))
        browser.evaluate("document.getElementById('save').click()")
        browser.wait("document.getElementById('save-dialog').open", what="the save report")
        out["changed"] = browser.evaluate("[...document.querySelectorAll('#changed-paths li')].map(li => li.textContent)")
        out["save_text"] = browser.evaluate("document.getElementById('save-report').textContent")
        browser.screenshot(os.path.join(folder, "4-saved.png"))
        out["thumbnail_widths"] = browser.evaluate("[...document.querySelectorAll('#strip img')].map(i => i.naturalWidth)")

    drive(chromium, url, folder, steps)


if __name__ == "__main__":
    main()
