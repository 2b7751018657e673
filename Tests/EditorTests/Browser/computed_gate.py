"""Drives headless Chromium over the DevTools protocol through the data-driven gates of `flowstudy edit`.

Opens the editor URL, selects a data-driven population, reads how its computed gate is drawn (read-only: no
handles, no coordinate boxes, a label saying where the gate came from), switches to the sample given as overridden
and reads the override's label, the table's badges and the "Overrides and fallbacks" list, then selects a fixed
gate (it must have handles). Prints what the page showed as JSON, with every console error and uncaught
exception. Screenshots go to the folder given. Used by Tests/EditorTests/EditorBrowserTests.swift.

    python computed_gate.py CHROMIUM URL POPULATION OVERRIDDEN_SAMPLE FIXED_POPULATION SCREENSHOT_DIR
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from drag_threshold import drive  # noqa: E402

PLOT = """(() => {
  const plot = document.getElementById('plot');
  const label = plot.querySelector('.decision-label');
  return {
    title: document.getElementById('gate-title').textContent,
    label: label ? label.textContent : null,
    source: (plot.querySelector('.decided-gate') || { dataset: {} }).dataset.source || null,
    decided_shapes: plot.querySelectorAll('.decided-gate .decided').length,
    handles: plot.querySelectorAll('.handle, .edge').length,
    inputs: document.querySelectorAll('#coordinates input').length,
    help: document.getElementById('help').textContent,
  };
})()"""


def select_sample(browser, sample):
    browser.evaluate(f"(() => {{ const s = document.getElementById('sample'); s.value = '{sample}';"
                     " s.dispatchEvent(new Event('change')); })()")


def main():
    chromium, url, population, overridden, fixed, folder = sys.argv[1:7]

    def steps(browser, out):
        out["tree"] = browser.evaluate("[...document.querySelectorAll('.node.data-driven')].map(n => n.dataset.id)")
        browser.evaluate(f"document.querySelector('.node[data-id=\"{population}\"]').click()")
        browser.wait(f"document.getElementById('gate-title').textContent.startsWith('{population} on') && "
                     "document.querySelector('#plot .decided-gate') !== null", what="the computed gate's plot")
        time.sleep(0.3)
        out["sample"] = browser.evaluate("document.getElementById('sample').value")
        out["computed"] = browser.evaluate(PLOT)
        browser.screenshot(os.path.join(folder, "1-computed.png"))

        select_sample(browser, overridden)
        browser.wait(f"document.getElementById('gate-title').textContent.startsWith('{population} on {overridden}') && "
                     "document.querySelector('#plot .decided-gate[data-source=\"override\"]') !== null", what="the override's plot")
        time.sleep(0.3)
        out["override"] = browser.evaluate(PLOT)
        out["badges"] = browser.evaluate(
            "[...document.querySelectorAll('#counts tbody tr')].map(r => { const b = r.querySelector('.badge');"
            " return [r.dataset.sample, b ? b.dataset.source : null, b ? b.title : null, b ? b.textContent : null]; })")
        out["listed"] = browser.evaluate(
            "[...document.querySelectorAll('#decisions li')].map(li => [li.dataset.sample, li.dataset.population, li.textContent])")
        out["strip_badges"] = browser.evaluate(
            "[...document.querySelectorAll('#strip .cell')].map(c => { const b = c.querySelector('.badge'); return [c.dataset.sample, b ? b.dataset.source : null]; })")
        browser.wait("[...document.querySelectorAll('#strip img')].every(i => i.complete && i.naturalWidth > 0)", timeout=60, what="thumbnails")
        browser.screenshot(os.path.join(folder, "2-override.png"))

        browser.evaluate(f"document.querySelector('.node[data-id=\"{fixed}\"]').click()")
        browser.wait(f"document.getElementById('gate-title').textContent.startsWith('{fixed} on') && "
                     "document.querySelector('#plot .handle, #plot .edge') !== null", what="the fixed gate's plot")
        time.sleep(0.3)
        out["fixed"] = browser.evaluate(PLOT)
        browser.screenshot(os.path.join(folder, "3-fixed.png"))

    drive(chromium, url, folder, steps)


if __name__ == "__main__":
    main()
