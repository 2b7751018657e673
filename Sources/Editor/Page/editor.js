// FlowStudy gate editor: plain JavaScript, no libraries. The server (flowstudy edit) does all gating; this page
// draws the selected gate over the parent's events, turns drags into coordinates, and shows what the server says.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
// The top margin holds the label of a sample's own gate (computed, override, fallback) above the plot.
const MARGIN = { left: 72, right: 16, top: 28, bottom: 48 };

const ui = {
  snapshot: null,     // /api/state
  population: null,   // selected gate id
  sample: null,       // selected sample id
  plot: null,         // /api/plot
  shape: null,        // the selected gate's coordinates as shown (may be mid-drag)
  drag: null,         // { handle, start }
  preview: { busy: false, again: false },
  poll: null,
  plotGeneration: -1,
};

const $ = (id) => document.getElementById(id);

function el(name, attributes = {}, text) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(name, attributes = {}, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

async function api(method, path, body) {
  const options = { method, credentials: "same-origin", headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  if (!response.ok) {
    let message = response.status + " " + response.statusText;
    try {
      const text = await response.text();
      try { message = JSON.parse(text).error.message; } catch (_) { if (text) message = text; }
    } catch (_) { /* keep the status */ }
    throw new Error(message);
  }
  return response.json();
}

function say(message) { $("message").textContent = message || ""; }

function percentText(value) {
  return value === undefined || value === null || Number.isNaN(value) ? "NA" : value.toFixed(2) + " %";
}

// ---- state, tree, strip, table ----

async function refresh() {
  try {
    const snapshot = await api("GET", "/api/state");
    const first = ui.snapshot === null;
    ui.snapshot = snapshot;
    if (first) choosePopulationAndSample();
    renderState();
    if (ui.population && ui.sample && ui.plotGeneration !== snapshot.generation && !ui.drag && selectedRowReady()) loadPlot();
  } catch (error) {
    say("Could not read the editor's state: " + error.message);
  }
  schedulePoll();
}

function selectedRowReady() {
  const row = ui.snapshot.samples.find((r) => r.id === ui.sample);
  return row && !row.pending && !row.failure;
}

function schedulePoll() {
  clearTimeout(ui.poll);
  const busy = ui.snapshot && ui.snapshot.done < ui.snapshot.total;
  ui.poll = setTimeout(refresh, busy ? 250 : 2000);
}

function choosePopulationAndSample() {
  const nodes = ui.snapshot.nodes.filter((n) => n.kind !== "boolean");
  if (nodes.length) ui.population = nodes[0].id;
  const stained = ui.snapshot.samples.find((s) => !s.control) || ui.snapshot.samples[0];
  if (stained) ui.sample = stained.id;
}

function renderState() {
  const s = ui.snapshot;
  $("template-name").textContent = "— " + s.template + (s.saved ? "" : " (unsaved changes)");
  document.title = (s.saved ? "" : "• ") + s.template + " — FlowStudy gate editor";
  $("undo").disabled = !s.canUndo;
  $("redo").disabled = !s.canRedo;
  $("progress-bar").max = Math.max(s.total, 1);
  $("progress-bar").value = s.done;
  $("progress-text").textContent = s.done < s.total ? `gating ${s.done} of ${s.total} samples…` : `${s.total} samples gated`;
  document.body.dataset.settled = s.done === s.total ? "true" : "false";
  document.body.dataset.generation = String(s.generation);
  renderTree();
  renderSamples();
  renderStrip();
  renderTable();
  renderReadouts();
  renderDecisions();
  renderFailures();
}

function renderTree() {
  const tree = $("tree");
  tree.textContent = "";
  const nodes = ui.snapshot.nodes;
  const owner = {};
  for (const node of nodes) for (const id of node.results) owner[id] = node;
  const children = {};
  for (const node of nodes) {
    const key = node.parent || "";
    (children[key] = children[key] || []).push(node);
  }
  const add = (list, parentKey) => {
    for (const node of children[parentKey] || []) {
      const item = el("li");
      const label = el("span", { class: "node " + node.kind + (node.method ? " data-driven" : "") + (node.id === ui.population ? " selected" : ""),
        "data-id": node.id, tabindex: "0" }, node.id);
      const kind = node.method ? `${node.method}${node.pooledBy ? " pooled by " + node.pooledBy.join(", ") : ""} · computed per sample` : node.kind;
      label.appendChild(el("span", { class: "kind" }, kind + (node.dimensions.length ? " · " + node.dimensions.join(" × ") : "")));
      if (node.kind !== "boolean") {
        label.addEventListener("click", () => selectPopulation(node.id));
        label.addEventListener("keydown", (event) => { if (event.key === "Enter") selectPopulation(node.id); });
      }
      item.appendChild(label);
      const sub = el("ul");
      if (node.kind === "quadrant") {
        for (const result of node.results) {
          const q = el("li");
          q.appendChild(el("span", { class: "node boolean" }, result));
          const inner = el("ul");
          add(inner, result);
          if (inner.childNodes.length) q.appendChild(inner);
          sub.appendChild(q);
        }
      } else {
        add(sub, node.id);
      }
      if (sub.childNodes.length) item.appendChild(sub);
      list.appendChild(item);
    }
  };
  add(tree, "");
}

function renderSamples() {
  const select = $("sample");
  const wanted = ui.snapshot.samples.map((s) => s.id).join("\u001f");
  if (select.dataset.ids !== wanted) {
    select.textContent = "";
    for (const s of ui.snapshot.samples) {
      const option = el("option", { value: s.id }, s.id + (s.control ? " (" + s.control + ")" : "") + (s.failure ? " — failed" : ""));
      if (s.failure) option.disabled = true;
      select.appendChild(option);
    }
    select.dataset.ids = wanted;
  }
  select.value = ui.sample || "";
}

function selectedNode() { return ui.snapshot.nodes.find((n) => n.id === ui.population); }

function renderStrip() {
  const strip = $("strip");
  const node = selectedNode();
  if (!node) { strip.textContent = ""; return; }
  const result = node.results[0];
  $("strip-title").textContent = node.kind === "quadrant" ? `${node.id} (${result} shown)` : node.id;
  const outliers = new Set(ui.snapshot.outliers[result] || []);
  const key = `${node.id}|${ui.snapshot.generation}`;
  const rebuild = strip.dataset.key !== key;
  if (rebuild) strip.textContent = "";
  ui.snapshot.samples.forEach((row, index) => {
    let cell = rebuild ? null : strip.children[index];
    if (!cell) {
      cell = el("figure", { class: "cell", "data-sample": row.id });
      if (!row.failure) {
        const image = el("img", { alt: `${node.id} on ${row.id}`, loading: "lazy", width: "96", height: "96" });
        cell.appendChild(image);
        cell.addEventListener("click", () => selectSample(row.id));
      }
      cell.appendChild(el("div", { class: "name", title: row.id }, row.id));
      cell.appendChild(el("div", { class: "pct" }));
      cell.appendChild(el("div", { class: "flag" }));
      strip.appendChild(cell);
    }
    const image = cell.querySelector("img");
    const ready = !row.pending && !row.failure;
    if (image && ready && image.dataset.key !== key) {
      image.src = `/api/thumbnail?sample=${encodeURIComponent(row.id)}&population=${encodeURIComponent(node.id)}&v=${ui.snapshot.generation}`;
      image.dataset.key = key;
    }
    cell.classList.toggle("pending", row.pending);
    cell.classList.toggle("failed", !!row.failure);
    cell.classList.toggle("selected", row.id === ui.sample);
    cell.classList.toggle("outlier", outliers.has(row.id));
    cell.querySelector(".pct").textContent = row.failure ? "failed" : row.pending ? "…" : percentText(row.percent[result]);
    const flag = cell.querySelector(".flag");
    flag.textContent = outliers.has(row.id) ? "outlier" : row.control ? row.control : "";
    const decision = decisionOf(row, node.id);
    if (decision && (decision.source === "override" || decision.source === "fallback")) flag.appendChild(badge(decision));
  });
  strip.dataset.key = key;
}

function renderTable() {
  const node = selectedNode();
  const head = $("counts").tHead, body = $("counts").tBodies[0];
  head.textContent = "";
  body.textContent = "";
  if (!node) return;
  const header = el("tr");
  for (const title of ["sample", "events", "parent", "gate"]) header.appendChild(el("th", title === "gate" ? { class: "source" } : {}, title));
  for (const result of node.results) {
    header.appendChild(el("th", {}, result + " count"));
    header.appendChild(el("th", {}, result + " %"));
    header.appendChild(el("th", {}, "Δ since save"));
  }
  head.appendChild(header);
  for (const row of ui.snapshot.samples) {
    const tr = el("tr", { "data-sample": row.id });
    if (row.pending) tr.classList.add("pending");
    tr.appendChild(el("td", {}, row.id + (row.control ? " (" + row.control + ")" : "")));
    if (row.failure) {
      tr.appendChild(el("td", { colspan: String(3 + 3 * node.results.length) }, "failed: " + row.failure));
      body.appendChild(tr);
      continue;
    }
    tr.appendChild(el("td", {}, String(row.events)));
    const parentCount = node.parent ? row.counts[node.parent] : row.events;
    tr.appendChild(el("td", {}, parentCount === undefined ? "" : String(parentCount)));
    const gateCell = el("td", { class: "source" });
    const decision = decisionOf(row, node.id);
    gateCell.appendChild(decision ? badge(decision) : el("span", { class: "template-gate" }, row.pending ? "" : "template"));
    tr.appendChild(gateCell);
    for (const result of node.results) {
      const count = row.counts[result];
      const outlier = (ui.snapshot.outliers[result] || []).includes(row.id);
      tr.appendChild(el("td", { class: "count", "data-population": result, "data-count": count === undefined ? "" : String(count) },
        count === undefined ? "" : String(count)));
      tr.appendChild(el("td", { class: outlier ? "outlier" : "" }, percentText(row.percent[result])));
      const before = row.saved ? row.saved[result] : undefined, after = row.percent[result];
      let delta = "";
      let cls = "";
      if (before !== undefined && after !== undefined && Math.abs(after - before) > 1e-9) {
        delta = (after > before ? "+" : "") + (after - before).toFixed(2);
        cls = after > before ? "up" : "down";
      }
      tr.appendChild(el("td", { class: cls }, delta));
    }
    body.appendChild(tr);
  }
}

function decisionOf(row, population) { return (row.decisions || []).find((d) => d.population === population); }

// A decision as a badge: its source, coloured by kind; the tooltip gives the method and the flags (an override's reason).
function badge(decision) {
  const kind = sourceKind(decision.source);
  const reason = decision.flags.find((f) => f.startsWith("REASON:"));
  const text = kind === "override" ? "override" : kind === "fallback" ? "fallback" : decision.source;
  const node = el("span", { class: "badge " + kind, "data-source": decision.source, title: decisionTitle(decision) }, text);
  if (reason) node.appendChild(el("span", { class: "why" }, ": " + reason.slice(7)));
  else if (kind === "fallback") node.appendChild(el("span", { class: "why" }, ": " + decision.flags.join(", ")));
  return node;
}

// Overrides and fallbacks of every sample, as the review gallery lists them: each opens its plot.
function renderDecisions() {
  const list = $("decisions");
  list.textContent = "";
  let n = 0;
  for (const row of ui.snapshot.samples) {
    for (const d of row.decisions || []) {
      if (d.source !== "override" && d.source !== "fallback") continue;
      n += 1;
      const item = el("li", { class: "decision", "data-sample": row.id, "data-population": d.population, tabindex: "0" });
      item.appendChild(el("span", { class: "where" }, `${row.id} · ${d.population} `));
      item.appendChild(badge(d));
      item.addEventListener("click", () => { ui.sample = row.id; selectPopulation(d.population); });
      list.appendChild(item);
    }
  }
  $("decisions-panel").hidden = n === 0;
}

function renderReadouts() {
  const readouts = ui.snapshot.readouts;
  $("readouts-panel").hidden = readouts.length === 0;
  const box = $("readouts");
  if (box.querySelector("input:focus")) return;
  box.textContent = "";
  for (const r of readouts) {
    const label = el("label", { class: "readout" }, `${r.marker} on ${r.population} (${r.control}) `);
    const input = el("input", { type: "number", min: "0.1", max: "99.9", step: "0.1", value: String(r.percentile), "aria-label": `${r.marker} percentile` });
    input.style.width = "5em";
    input.addEventListener("change", async () => {
      try {
        ui.snapshot = await api("POST", "/api/readout", { index: r.index, percentile: Number(input.value) });
        say("");
        renderState();
      } catch (error) { say(error.message); }
    });
    label.appendChild(input);
    box.appendChild(label);
  }
}

function renderFailures() {
  const failed = ui.snapshot.samples.filter((s) => s.failure);
  $("failures-panel").hidden = failed.length === 0;
  const list = $("failures");
  list.textContent = "";
  for (const s of failed) list.appendChild(el("li", {}, `${s.id}: ${s.failure}`));
}

function selectPopulation(id) {
  ui.population = id;
  renderState();
  loadPlot();
}

function selectSample(id) {
  ui.sample = id;
  renderState();
  loadPlot();
}

// ---- the plot ----

async function loadPlot() {
  if (!ui.population || !ui.sample) return;
  const asked = { population: ui.population, sample: ui.sample };
  try {
    const plot = await api("GET", `/api/plot?sample=${encodeURIComponent(asked.sample)}&population=${encodeURIComponent(asked.population)}&size=400`);
    if (asked.population !== ui.population || asked.sample !== ui.sample || ui.drag) return;
    ui.plot = plot;
    ui.plotGeneration = plot.generation;
    // A data-driven gate is computed per sample: nothing to drag, its decision is drawn read-only.
    ui.shape = plot.editable ? JSON.parse(JSON.stringify(plot.gates[0].shape)) : null;
    say("");
    drawPlot();
    showCounts(plot.counts, plot.parentCount, null);
    renderCoordinates();
  } catch (error) {
    say("Could not draw the plot: " + error.message);
  }
}

function column(v) { const p = ui.plot; return MARGIN.left + (v - p.x.low) / (p.x.high - p.x.low) * (p.width - 1); }
function row(v) { const p = ui.plot; return MARGIN.top + (p.height - 1) - (v - p.y.low) / (p.y.high - p.y.low) * (p.height - 1); }
function valueX(px) { const p = ui.plot; return p.x.low + (px - MARGIN.left) / (p.width - 1) * (p.x.high - p.x.low); }
function valueY(py) { const p = ui.plot; return p.y.low + ((p.height - 1) - (py - MARGIN.top)) / (p.height - 1) * (p.y.high - p.y.low); }

function drawPlot() {
  const p = ui.plot;
  const plot = $("plot");
  const width = MARGIN.left + p.width + MARGIN.right, height = MARGIN.top + p.height + MARGIN.bottom;
  plot.setAttribute("viewBox", `0 0 ${width} ${height}`);
  plot.setAttribute("width", width);
  plot.setAttribute("height", height);
  plot.textContent = "";
  const defs = svg("defs", {}, plot);
  const clip = svg("clipPath", { id: "plot-area" }, defs);
  svg("rect", { x: MARGIN.left, y: MARGIN.top, width: p.width, height: p.height }, clip);
  svg("image", { href: "data:image/png;base64," + p.image, x: MARGIN.left, y: MARGIN.top, width: p.width, height: p.height }, plot);
  svg("rect", { x: MARGIN.left, y: MARGIN.top, width: p.width, height: p.height, fill: "none", stroke: "#999" }, plot);
  drawAxes(plot);
  const layer = svg("g", { id: "gates", "clip-path": "url(#plot-area)" }, plot);
  drawGates(layer);
  const node = selectedNode();
  $("gate-title").textContent = node ? `${node.id} on ${ui.sample} — parent ${node.parent || "all events"}` : "";
  $("help").textContent = helpText();
}

function helpText() {
  if (!ui.plot.editable) {
    const node = selectedNode();
    const how = node && node.pooledBy ? `Computed per group of tubes (${ui.plot.method}, pooled by ${node.pooledBy.join(", ")})` : `Computed per sample (${ui.plot.method})`;
    return `${how}: drawn read-only, dashed. To change it, edit the method's arguments in the template, ` +
      "or give a sample its own gate in the overrides file (<template>.overrides.json).";
  }
  switch (ui.shape.kind) {
    case "rectangle": return p1D() ? "Drag a threshold line." : "Drag an edge of the rectangle.";
    case "polygon": return "Drag a vertex; double-click an edge to add a vertex; right-click a vertex to remove it.";
    case "ellipse": return "Drag the centre to move, the outer handles to stretch and turn.";
    case "quadrant": return "Drag the centre or a line.";
    default: return "";
  }
}

function p1D() { return ui.plot.kind === "histogram"; }

function drawAxes(plot) {
  const p = ui.plot;
  const bottom = MARGIN.top + p.height;
  let last = -Infinity;
  // The server sends every tick with the labels already thinned (0 and the largest decades first); an empty label
  // is a tick without one, a minor tick is shorter.
  for (const tick of p.x.ticks) {
    const x = column(tick.position);
    svg("line", { class: "tick", x1: x, x2: x, y1: bottom, y2: bottom + (tick.minor ? 3 : 5) }, plot);
    const label = tickLabel(tick.label);
    if (!label) continue;
    // Labels that would overlap the previous one are left out (the tick stays).
    const half = label.length * 3.2;
    if (x - half < last + 4) continue;
    svg("text", { x, y: bottom + 17, "text-anchor": "middle" }, plot).textContent = label;
    last = x + half;
  }
  svg("text", { class: "axis-label", x: MARGIN.left + p.width / 2, y: bottom + 38, "text-anchor": "middle" }, plot).textContent = p.x.label;
  const yTicks = p1D() ? histogramTicks() : p.y.ticks.map((t) => ({ position: t.position, label: tickLabel(t.label), minor: t.minor }));
  let lastY = Infinity;
  for (const tick of yTicks) {
    const y = row(tick.position);
    svg("line", { class: "tick", x1: MARGIN.left - (tick.minor ? 3 : 5), x2: MARGIN.left, y1: y, y2: y }, plot);
    if (!tick.label || y > lastY - 12) continue;
    svg("text", { x: MARGIN.left - 8, y: y + 4, "text-anchor": "end" }, plot).textContent = tick.label;
    lastY = y;
  }
  const yLabel = p1D() ? "events per bin" : p.y.label;
  svg("text", { class: "axis-label", x: 14, y: MARGIN.top + p.height / 2, "text-anchor": "middle",
    transform: `rotate(-90 14 ${MARGIN.top + p.height / 2})` }, plot).textContent = yLabel;
}

// `10^3` → 10³.
function tickLabel(text) {
  const superscripts = { "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" };
  return text.replace(/\^(-?\d+)/, (_, power) => [...power].map((c) => superscripts[c]).join(""));
}

// Histogram bars are scaled to the tallest bin, drawn at 1/1.05 of the height: ticks in events per bin.
function histogramTicks() {
  const top = ui.plot.histogramTop || 0;
  if (top <= 0) return [];
  const raw = top / 4, magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= raw);
  const ticks = [];
  for (let v = 0; v <= top * 1.05; v += step) ticks.push({ position: v / top, label: v >= 1000 ? (v / 1000) + "K" : String(v) });
  return ticks;
}

function drawGates(layer) {
  const p = ui.plot;
  for (const drawn of p.editable ? p.gates.slice(1) : p.gates) drawShape(layer, drawn.shape, drawn, false);
  if (p.decision) drawDecision(layer, p.decision);
  if (p.editable) drawShape(layer, ui.shape, p.gates[0], true);
}

// The sample's own gate (computed, pooled, override, fallback): dashed, no handles, with where it came from.
function drawDecision(layer, decision) {
  const p = ui.plot;
  const kind = sourceKind(decision.source);
  const g = svg("g", { class: "decided-gate " + kind, "data-source": decision.source }, layer);
  svg("title", {}, g).textContent = decisionTitle(decision);
  if (decision.gate) {
    drawShape(g, decision.gate.shape, decision.gate, false, "decided " + kind);
  } else if (decision.bins) {
    const b = decision.bins;
    for (const [i, j0, j1] of b.runs) {
      const x0 = column(b.xEdges[i]), x1 = column(b.xEdges[i + 1]), y0 = row(b.yEdges[j0]), y1 = row(b.yEdges[j1 + 1]);
      svg("rect", { class: "decided bin " + kind, x: x0, y: y1, width: Math.max(x1 - x0, 0.5), height: Math.max(y0 - y1, 0.5) }, g);
    }
  }
  // Above the plot area (outside the clipped gate layer, which a drag redraws: the old label goes first).
  for (const old of $("plot").querySelectorAll(".decision-label")) old.remove();
  const text = svg("text", { class: "decision-label " + kind, x: MARGIN.left, y: MARGIN.top - 9 }, $("plot"));
  text.textContent = `${ui.sample}: ${decision.label}` + (decision.gate || decision.bins ? "" : " (no gate drawn)");
}

// `pooled:P1` → `pooled`: the class and badge of a decision's source.
function sourceKind(source) { return source.startsWith("pooled:") ? "pooled" : source; }

function decisionTitle(d) {
  return `${d.population ? d.population + ": " : ""}${d.source} (${d.method})` + (d.flags.length ? "\n" + d.flags.join("\n") : "");
}

function bound(value, fallback) { return value === null || value === undefined ? fallback : value; }

function drawShape(layer, shape, drawn, editable, style) {
  const p = ui.plot;
  const g = svg("g", { class: editable ? "selected-gate" : style ? "read-only-gate" : "sibling-gate" }, layer);
  const cls = editable ? "gate" : style || "sibling";
  const farLeft = p.x.low - (p.x.high - p.x.low), farRight = p.x.high + (p.x.high - p.x.low);
  const farDown = p.y.low - (p.y.high - p.y.low), farUp = p.y.high + (p.y.high - p.y.low);
  if (shape.kind === "rectangle") {
    const x0 = column(bound(shape.min[0], farLeft)), x1 = column(bound(shape.max[0], farRight));
    if (p1D()) {
      svg("rect", { class: editable ? "kept" : cls, x: x0, y: MARGIN.top, width: Math.max(x1 - x0, 0), height: p.height }, g);
      [["min", shape.min[0]], ["max", shape.max[0]]].forEach(([side, value]) => {
        if (value === null || value === undefined) return;
        const x = column(value);
        svg("line", { class: editable ? "line" : cls, x1: x, x2: x, y1: MARGIN.top, y2: MARGIN.top + p.height }, g);
        if (editable) {
          const hit = svg("line", { class: "edge threshold", "data-handle": `${side}:0`, x1: x, x2: x, y1: MARGIN.top, y2: MARGIN.top + p.height }, g);
          attachDrag(hit);
        }
      });
      label(g, drawn, (Math.max(x0, MARGIN.left) + Math.min(x1, MARGIN.left + p.width)) / 2, MARGIN.top + 14);
      return;
    }
    const y0 = row(bound(shape.min[1], farDown)), y1 = row(bound(shape.max[1], farUp));
    svg("rect", { class: cls, x: x0, y: y1, width: Math.max(x1 - x0, 0), height: Math.max(y0 - y1, 0) }, g);
    if (editable) {
      const edges = [["min:0", x0, y1, x0, y0, ""], ["max:0", x1, y1, x1, y0, ""], ["min:1", x0, y0, x1, y0, " horizontal"], ["max:1", x0, y1, x1, y1, " horizontal"]];
      for (const [handle, ax, ay, bx, by, extra] of edges) {
        const [side, d] = handle.split(":");
        if (shape[side][Number(d)] === null) continue;
        attachDrag(svg("line", { class: "edge" + extra, "data-handle": handle, x1: ax, y1: ay, x2: bx, y2: by }, g));
      }
    }
    label(g, drawn, (Math.max(x0, MARGIN.left) + Math.min(x1, MARGIN.left + p.width)) / 2, Math.max(y1, MARGIN.top) + 14);
  } else if (shape.kind === "polygon") {
    const points = shape.vertices.map((v) => `${column(v[0])},${row(v[1])}`).join(" ");
    const polygon = svg("polygon", { class: cls, points }, g);
    if (editable) {
      polygon.addEventListener("dblclick", addVertex);
      shape.vertices.forEach((v, i) => {
        const handle = svg("circle", { class: "handle", "data-handle": `vertex:${i}`, cx: column(v[0]), cy: row(v[1]), r: 5 }, g);
        attachDrag(handle);
        handle.addEventListener("contextmenu", (event) => { event.preventDefault(); removeVertex(i); });
      });
    }
    const top = shape.vertices.reduce((a, v) => (row(v[1]) < row(a[1]) ? v : a), shape.vertices[0]);
    label(g, drawn, column(top[0]), row(top[1]) - 6);
  } else if (shape.kind === "ellipse") {
    const e = ellipseAxes(shape);
    const points = [];
    for (let k = 0; k < 128; k++) {
      const t = (k / 128) * 2 * Math.PI;
      const u = e.r1 * Math.cos(t), w = e.r2 * Math.sin(t);
      points.push(`${column(shape.mean[0] + u * e.c - w * e.s)},${row(shape.mean[1] + u * e.s + w * e.c)}`);
    }
    svg("polygon", { class: cls, points: points.join(" ") }, g);
    if (editable) {
      attachDrag(svg("circle", { class: "handle", "data-handle": "centre", cx: column(shape.mean[0]), cy: row(shape.mean[1]), r: 6 }, g));
      attachDrag(svg("circle", { class: "handle", "data-handle": "major", cx: column(shape.mean[0] + e.r1 * e.c), cy: row(shape.mean[1] + e.r1 * e.s), r: 5 }, g));
      attachDrag(svg("circle", { class: "handle", "data-handle": "minor", cx: column(shape.mean[0] - e.r2 * e.s), cy: row(shape.mean[1] + e.r2 * e.c), r: 5 }, g));
    }
    label(g, drawn, column(shape.mean[0]), row(shape.mean[1]) - 14);
  } else if (shape.kind === "quadrant") {
    const axes = drawn.dividerAxes || [];
    let cx = null, cy = null;
    shape.cuts.forEach((cuts, d) => {
      cuts.forEach((cut, k) => {
        const vertical = axes[d] === 0;
        const at = vertical ? column(cut) : row(cut);
        const attributes = vertical ? { x1: at, x2: at, y1: MARGIN.top, y2: MARGIN.top + p.height } : { x1: MARGIN.left, x2: MARGIN.left + p.width, y1: at, y2: at };
        svg("line", Object.assign({ class: editable ? "line" : cls }, attributes), g);
        if (editable) attachDrag(svg("line", Object.assign({ class: "edge" + (vertical ? "" : " horizontal"), "data-handle": `cut:${d}:${k}` }, attributes), g));
        if (k === 0) { if (vertical) cx = [d, cut]; else cy = [d, cut]; }
      });
    });
    if (editable && cx && cy) attachDrag(svg("circle", { class: "handle", "data-handle": `centre:${cx[0]}:${cy[0]}`, cx: column(cx[1]), cy: row(cy[1]), r: 6 }, g));
    if (cx || cy) {
      const x = cx ? column(cx[1]) : MARGIN.left + p.width / 2, y = cy ? row(cy[1]) : MARGIN.top + p.height / 2;
      drawn.results.forEach((name, i) => {
        const [sx, sy] = (drawn.sides || [])[i] || [0, 0];
        const anchor = sx < 0 ? "end" : sx > 0 ? "start" : "middle";
        svg("text", { class: "gate-label", x: x + sx * 8, y: y - sy * 10 + (sy < 0 ? 12 : 0), "text-anchor": anchor }, g).textContent = name;
      });
    }
  }
}

function label(g, drawn, x, y) {
  svg("text", { class: "gate-label", x, y, "text-anchor": "middle" }, g).textContent = drawn.id;
}

function ellipseAxes(shape) {
  const [[a, b], [, c]] = shape.covariance;
  const mid = (a + c) / 2, radius = Math.sqrt(((a - c) / 2) ** 2 + b * b);
  const l1 = mid + radius, l2 = Math.max(mid - radius, 1e-300);
  const theta = 0.5 * Math.atan2(2 * b, a - c);
  return { r1: Math.sqrt(shape.distanceSquare * l1), r2: Math.sqrt(shape.distanceSquare * l2), c: Math.cos(theta), s: Math.sin(theta), theta };
}

function setEllipse(shape, r1, r2, theta) {
  const l1 = (r1 * r1) / shape.distanceSquare, l2 = (r2 * r2) / shape.distanceSquare;
  const c = Math.cos(theta), s = Math.sin(theta);
  const off = (l1 - l2) * s * c;
  shape.covariance = [[l1 * c * c + l2 * s * s, off], [off, l1 * s * s + l2 * c * c]];
}

// ---- dragging ----

function pointer(event) {
  const plot = $("plot");
  const point = plot.createSVGPoint();
  point.x = event.clientX;
  point.y = event.clientY;
  const local = point.matrixTransform(plot.getScreenCTM().inverse());
  return { x: valueX(local.x), y: valueY(local.y) };
}

// Redrawing replaces the handles, so the plot itself (which stays) captures the pointer and hears the drag.
function attachDrag(node) {
  node.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || ui.drag) return;
    event.preventDefault();
    const plot = $("plot");
    plot.setPointerCapture(event.pointerId);
    ui.drag = { handle: node.getAttribute("data-handle"), pointer: event.pointerId };
    const move = (e) => {
      if (e.pointerId !== ui.drag.pointer) return;
      moveHandle(ui.drag.handle, pointer(e));
      redrawGates();
      requestPreview();
    };
    const up = async (e) => {
      if (e.pointerId !== ui.drag.pointer) return;
      plot.removeEventListener("pointermove", move);
      plot.removeEventListener("pointerup", up);
      plot.removeEventListener("pointercancel", up);
      if (plot.hasPointerCapture(e.pointerId)) plot.releasePointerCapture(e.pointerId);
      ui.drag = null;
      await commit();
    };
    plot.addEventListener("pointermove", move);
    plot.addEventListener("pointerup", up);
    plot.addEventListener("pointercancel", up);
  });
}

function moveHandle(handle, at) {
  const shape = ui.shape;
  const parts = handle.split(":");
  if (shape.kind === "rectangle") {
    const side = parts[0], d = Number(parts[1]);
    const value = d === 0 ? at.x : at.y;
    const other = side === "min" ? shape.max[d] : shape.min[d];
    if (other !== null && other !== undefined && (side === "min" ? value >= other : value <= other)) return;
    shape[side][d] = value;
  } else if (shape.kind === "polygon") {
    shape.vertices[Number(parts[1])] = [at.x, at.y];
  } else if (shape.kind === "ellipse") {
    const e = ellipseAxes(shape);
    if (parts[0] === "centre") {
      shape.mean = [at.x, at.y];
    } else if (parts[0] === "major") {
      const dx = at.x - shape.mean[0], dy = at.y - shape.mean[1];
      const r1 = Math.hypot(dx, dy);
      if (r1 > 0) setEllipse(shape, r1, e.r2, Math.atan2(dy, dx));
    } else {
      const dx = at.x - shape.mean[0], dy = at.y - shape.mean[1];
      const r2 = Math.abs(-dx * e.s + dy * e.c);
      if (r2 > 0) setEllipse(shape, e.r1, r2, e.theta);
    }
  } else if (shape.kind === "quadrant") {
    const axes = ui.plot.gates[0].dividerAxes || [];
    const setCut = (d, k, value) => {
      const cuts = shape.cuts[d];
      if ((k > 0 && value <= cuts[k - 1]) || (k < cuts.length - 1 && value >= cuts[k + 1])) return;
      cuts[k] = value;
    };
    if (parts[0] === "centre") {
      setCut(Number(parts[1]), 0, at.x);
      setCut(Number(parts[2]), 0, at.y);
    } else {
      const d = Number(parts[1]);
      setCut(d, Number(parts[2]), axes[d] === 0 ? at.x : at.y);
    }
  }
}

function redrawGates() {
  const layer = $("gates");
  layer.textContent = "";
  drawGates(layer);
  renderCoordinates();
}

// `data-previewing` on the body is "true" until the preview of the latest shape is shown (tests wait on it).
async function requestPreview() {
  document.body.dataset.previewing = "true";
  if (ui.preview.busy) { ui.preview.again = true; return; }
  ui.preview.busy = true;
  const asked = { sample: ui.sample, population: ui.population, gate: JSON.parse(JSON.stringify(ui.shape)) };
  const start = performance.now();
  try {
    const result = await api("POST", "/api/preview", asked);
    if (asked.population === ui.population && asked.sample === ui.sample) showCounts(result.counts, result.parentCount, performance.now() - start);
  } catch (error) {
    say(error.message);
  }
  ui.preview.busy = false;
  if (ui.preview.again) { ui.preview.again = false; requestPreview(); } else { document.body.dataset.previewing = "false"; }
}

function showCounts(counts, parentCount, milliseconds) {
  const node = selectedNode();
  if (!node) return;
  const parts = node.results.map((id) => {
    const count = counts[id] || 0;
    const pct = parentCount > 0 ? (100 * count) / parentCount : NaN;
    return { id, count, pct };
  });
  const first = parts[0];
  const live = $("live-percent");
  live.textContent = parts.map((p) => `${p.id} ${percentText(p.pct)}`).join(" · ");
  live.dataset.percent = Number.isNaN(first.pct) ? "" : String(first.pct);
  live.dataset.count = String(first.count);
  $("live-detail").textContent = `${parts.map((p) => p.count).join(" / ")} of ${parentCount} parent events on ${ui.sample}` +
    (milliseconds === null ? "" : ` · ${milliseconds.toFixed(0)} ms`);
}

async function commit() {
  try {
    ui.snapshot = await api("POST", "/api/gate", { population: ui.population, gate: ui.shape });
    say("");
    renderState();
    schedulePoll();
  } catch (error) {
    say(error.message);
    loadPlot();
  }
}

function addVertex(event) {
  const at = pointer(event);
  const v = ui.shape.vertices;
  let best = 0, bestDistance = Infinity;
  for (let i = 0; i < v.length; i++) {
    const a = v[i], b = v[(i + 1) % v.length];
    const ax = column(a[0]), ay = row(a[1]), bx = column(b[0]), by = row(b[1]);
    const px = column(at.x), py = row(at.y);
    const length = (bx - ax) ** 2 + (by - ay) ** 2 || 1;
    const t = Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / length));
    const distance = Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
    if (distance < bestDistance) { bestDistance = distance; best = i; }
  }
  v.splice(best + 1, 0, [at.x, at.y]);
  redrawGates();
  commit();
}

function removeVertex(index) {
  if (ui.shape.vertices.length <= 3) { say("A polygon keeps at least 3 vertices."); return; }
  ui.shape.vertices.splice(index, 1);
  redrawGates();
  commit();
}

// ---- exact coordinates ----

function renderCoordinates() {
  const form = $("coordinates");
  if (form.contains(document.activeElement)) return;
  form.textContent = "";
  const shape = ui.shape;
  if (!shape) return;
  const node = selectedNode();
  const names = node ? node.dimensions : [];
  const field = (legend, inputs) => {
    const set = el("fieldset");
    set.appendChild(el("legend", {}, legend));
    for (const [labelText, value, write] of inputs) {
      const labelNode = el("label", {}, labelText + " ");
      const input = el("input", { type: "number", step: "any", value: value === null || value === undefined ? "" : String(round(value)),
        placeholder: value === null ? "open" : "" });
      input.addEventListener("change", () => {
        const text = input.value.trim();
        write(text === "" ? null : Number(text));
        redrawGates();
        commit();
      });
      labelNode.appendChild(input);
      set.appendChild(labelNode);
    }
    form.appendChild(set);
  };
  if (shape.kind === "rectangle") {
    shape.min.forEach((_, d) => field(names[d] || `dimension ${d + 1}`, [
      ["min", shape.min[d], (v) => { shape.min[d] = v; }],
      ["max", shape.max[d], (v) => { shape.max[d] = v; }],
    ]));
  } else if (shape.kind === "polygon") {
    field("vertices (x, y)", shape.vertices.flatMap((v, i) => [
      [`${i + 1}: x`, v[0], (value) => { if (value !== null) v[0] = value; }],
      ["y", v[1], (value) => { if (value !== null) v[1] = value; }],
    ]));
  } else if (shape.kind === "ellipse") {
    field("ellipse", [
      ["mean x", shape.mean[0], (v) => { if (v !== null) shape.mean[0] = v; }],
      ["mean y", shape.mean[1], (v) => { if (v !== null) shape.mean[1] = v; }],
      ["var x", shape.covariance[0][0], (v) => { if (v !== null) shape.covariance[0][0] = v; }],
      ["cov", shape.covariance[0][1], (v) => { if (v !== null) { shape.covariance[0][1] = v; shape.covariance[1][0] = v; } }],
      ["var y", shape.covariance[1][1], (v) => { if (v !== null) shape.covariance[1][1] = v; }],
      ["distance²", shape.distanceSquare, (v) => { if (v !== null) shape.distanceSquare = v; }],
    ]);
  } else if (shape.kind === "quadrant") {
    shape.cuts.forEach((cuts, d) => field(names[d] || `divider ${d + 1}`,
      cuts.map((cut, k) => [`cut ${k + 1}`, cut, (v) => { if (v !== null) cuts[k] = v; }])));
  }
}

function round(value) { return Math.abs(value) >= 1000 ? Math.round(value * 100) / 100 : Number(value.toPrecision(6)); }

// ---- undo, redo, save ----

async function step(which) {
  try {
    ui.snapshot = await api("POST", "/api/" + which, {});
    renderState();
    loadPlot();
    schedulePoll();
  } catch (error) { say(error.message); }
}

async function save() {
  $("save").disabled = true;
  say("Saving: waiting for every sample to be gated…");
  try {
    const report = await api("POST", "/api/save", {});
    say("");
    showSaveReport(report);
    await refresh();
  } catch (error) {
    say("Not saved: " + error.message);
  }
  $("save").disabled = false;
}

function showSaveReport(report) {
  const box = $("save-report");
  box.textContent = "";
  box.appendChild(el("p", {}, `Wrote ${report.path}` + (report.previous ? `; the previous version is kept as ${report.previous}.` : ".")));
  box.appendChild(el("h3", {}, "Changed"));
  const list = el("ul", { id: "changed-paths" });
  for (const path of report.changed) list.appendChild(el("li", {}, path));
  if (!report.changed.length) list.appendChild(el("li", {}, "nothing (the template was rewritten as it was)"));
  box.appendChild(list);
  if (report.changes.length) {
    box.appendChild(el("h3", {}, "% of parent per sample"));
    const table = el("table", { id: "save-changes" });
    const head = el("tr");
    for (const title of ["sample", "population", "before", "after", "Δ"]) head.appendChild(el("th", {}, title));
    table.appendChild(head);
    for (const c of report.changes) {
      const tr = el("tr");
      tr.appendChild(el("td", {}, c.sample));
      tr.appendChild(el("td", {}, c.population));
      tr.appendChild(el("td", {}, percentText(c.before)));
      tr.appendChild(el("td", {}, percentText(c.after)));
      const delta = c.before !== null && c.after !== null && c.before !== undefined && c.after !== undefined ? c.after - c.before : null;
      tr.appendChild(el("td", {}, delta === null ? "" : (delta > 0 ? "+" : "") + delta.toFixed(2)));
      table.appendChild(tr);
    }
    box.appendChild(table);
  }
  const dialog = $("save-dialog");
  if (typeof dialog.showModal === "function") dialog.showModal(); else dialog.setAttribute("open", "");
}

// ---- start ----

document.addEventListener("DOMContentLoaded", () => {
  // The token is in the cookie now: take it out of the address bar and history.
  if (location.search.includes("token=")) forgetToken();
  $("undo").addEventListener("click", () => step("undo"));
  $("redo").addEventListener("click", () => step("redo"));
  $("save").addEventListener("click", save);
  $("sample").addEventListener("change", (event) => selectSample(event.target.value));
  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.target.tagName === "INPUT") return;
    if (event.key === "z" && !event.shiftKey) { event.preventDefault(); step("undo"); }
    if (event.key === "y" || (event.key === "z" && event.shiftKey)) { event.preventDefault(); step("redo"); }
    if (event.key === "s") { event.preventDefault(); save(); }
  });
  refresh();
});

function forgetToken() { window.history.replaceState(null, "", location.pathname); }
