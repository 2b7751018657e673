import Tables
import FCS
import Foundation

extension ReviewGallery {
    /// The page scripts, plain JavaScript with no `<` or `&` (and inside a CDATA section), so every page is also
    /// well-formed XML (checked by the tests with an XML parser).
    ///
    /// After load, every image that failed to decode is marked and counted on the body (`data-broken-images`); the
    /// page's overflow to the right of the window (`data-overflow`, 0 when everything wraps) and the number of
    /// overlapping tick-label pairs as the browser laid them out (`data-label-overlaps`) are recorded too, so a
    /// headless browser's DOM dump shows whether the gallery is whole and readable.
    static let checkScript = """
    <script>//<![CDATA[
    window.addEventListener('load', function () {
      var bad = 0;
      Array.prototype.forEach.call(document.images, function (image) { if (!image.complete || image.naturalWidth === 0) { image.setAttribute('data-broken', '1'); bad += 1; } });
      document.body.setAttribute('data-broken-images', String(bad));
      document.body.setAttribute('data-overflow', String(Math.max(0, document.documentElement.scrollWidth - window.innerWidth)));
      var overlaps = 0;
      document.querySelectorAll('g.x-ticks, g.y-ticks').forEach(function (group) {
        var boxes = Array.prototype.map.call(group.querySelectorAll('.tick-label'), function (label) { return label.getBoundingClientRect(); });
        boxes.forEach(function (a, i) { boxes.slice(i + 1).forEach(function (b) {
          var wide = Math.min(a.right, b.right) - Math.max(a.left, b.left), tall = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (Math.min(wide, tall) > 0.5) { overlaps += 1; }
        }); });
      });
      document.body.setAttribute('data-label-overlaps', String(overlaps));
    });
    //]]></script>
    """

    /// Filters by subject, condition, kind of tube and sample id: every element with `data-sample` is hidden unless
    /// it matches; the count shown is written in `#shown`. The page's fragment may preselect them
    /// (`#subject=SSC01;kind=FMO%20CD206`; the field `text` is the sample-id search).
    static let filterScript = """
    <script>//<![CDATA[
    window.addEventListener('DOMContentLoaded', function () {
      var form = document.getElementById('filters');
      if (!form) { return; }
      function apply() {
        var wanted = { subject: form.elements.subject.value, condition: form.elements.condition.value, kind: form.elements.kind.value };
        var text = form.elements.text.value.toLowerCase(), shown = 0, total = 0;
        document.querySelectorAll('[data-sample]').forEach(function (element) {
          var ok = element.getAttribute('data-sample').toLowerCase().indexOf(text) !== -1;
          ['subject', 'condition', 'kind'].forEach(function (key) { if (wanted[key] !== '' && element.getAttribute('data-' + key) !== wanted[key]) { ok = false; } });
          element.hidden = !ok;
          if (element.classList.contains('counted')) { total += 1; if (ok) { shown += 1; } }
        });
        document.getElementById('shown').textContent = shown + ' of ' + total + ' shown';
      }
      form.addEventListener('input', apply);
      form.addEventListener('change', apply);
      // A link may preselect filters: gate_5.html#subject=SSC01;kind=FMO%20CD206
      location.hash.replace(/^#/, '').split(';').forEach(function (pair) {
        var parts = pair.split('='), field = form.elements[decodeURIComponent(parts[0])];
        if (parts.length === 2 ? field !== undefined : false) { field.value = decodeURIComponent(parts[1]); }
      });
      apply();
    });
    //]]></script>
    """

    static let style = """
    <style>
    body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
    [hidden] { display: none !important; }
    table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: 4px; vertical-align: top; text-align: center; }
    img { display: block; } .pct { font-size: 0.85em; color: #444; } .flag { background: #fde8e8; }
    a { color: #1a5fb4; } h2 { margin-top: 1.4em; }
    .strip { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-start; }
    figure.cell { margin: 0; padding: 4px; border: 1px solid #ddd; background: #fff; }
    figure.cell.flag { background: #fde8e8; border-color: #d88; }
    .exception { background: #fff4d6; } figure.cell.exception { border: 2px solid #c98a00; } .source.exception { color: #7a5200; }
    figure.cell figcaption { font-size: 0.8em; max-width: 100%; overflow-wrap: anywhere; }
    .fig { position: relative; } .fig img { position: absolute; } .fig svg { position: absolute; left: 0; top: 0; }
    .matrix { overflow-x: auto; max-width: 100%; }
    .matrix th.sample { position: sticky; left: 0; background: #fff; z-index: 1; text-align: left; max-width: 10em; overflow-wrap: anywhere; }
    .axes, .meta { font-size: 0.75em; color: #555; font-weight: normal; }
    form#filters { display: flex; flex-wrap: wrap; gap: 0.6em 1.2em; align-items: center; margin: 0.8em 0; }
    </style>
    """

    static func page(_ title: String, _ body: String, filters: Bool = false) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>\(escape(title))</title>\(style)</head>
        <body><h1>\(escape(title))</h1>
        \(body)
        \(filters ? filterScript : "")
        \(checkScript)
        </body></html>

        """
    }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.1f %%", $0) } ?? "NA" }

    /// `data-*` attributes of a sample, for the filters.
    func dataAttributes(_ entry: Entry?, sample: String) -> String {
        "data-sample=\"\(escape(sample))\" data-subject=\"\(escape(entry?.subject ?? ""))\" data-condition=\"\(escape(entry?.condition ?? ""))\" data-kind=\"\(escape(entry.map(kind) ?? OutlierRule.stained))\""
    }

    /// Subject, condition and control of a sample, as one line.
    static func metadata(_ entry: Entry?) -> String {
        guard let entry else { return "" }
        var parts = [entry.subject, entry.condition].filter { !$0.isEmpty }
        if let type = entry.controlType { parts.append("\(type) \(entry.controlMarker ?? "")") }
        return parts.map(escape).joined(separator: " · ")
    }

    /// The filter form: subject, condition, kind of tube and a sample-id search, with the count shown.
    func filterForm() -> String {
        func select(_ name: String, _ label: String, _ values: [String]) -> String {
            let options = Array(Set(values.filter { !$0.isEmpty })).sorted()
            guard !options.isEmpty else { return "<input type=\"hidden\" name=\"\(name)\" value=\"\"/>" }
            return "<label>\(label) <select name=\"\(name)\"><option value=\"\">all</option>"
                + options.map { "<option value=\"\(escape($0))\">\(escape($0))</option>" }.joined() + "</select></label>"
        }
        return "<form id=\"filters\">" + select("subject", "subject", entries.map(\.subject)) + select("condition", "condition", entries.map(\.condition))
            + select("kind", "tube", entries.map(kind)) + "<label>sample <input type=\"search\" name=\"text\"/></label><span id=\"shown\"></span></form>\n"
    }

    /// A cell as a figure: the image with its axes (marker, channel and transform; ticks thinned to fit), the
    /// legend of a histogram, and the caption.
    func figure(_ cell: Cell, caption: String, flagged: OutlierRule.Outlier?, counted: Bool, attributes: String) -> String {
        let w = Double(size), h = Double(isHistogram(cell.population) ? size * 2 / 3 : size)
        let left = 48.0, top = 8.0, right = 10.0, bottom = 34.0
        let legend = cell.legend ?? []
        let legendHeight = legend.isEmpty ? 0 : Double(legend.count) * 13 + 2
        let width = left + w + right, height = top + h + bottom + legendHeight
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\">"
        if let x = cell.x, let y = cell.y {
            svg += SVGFigure.axes(x: x, y: y, left: left, top: top, width: w, height: h, metrics: TickLabelMetrics(fontSize: 9),
                                  titleSize: 9.5, xTitleAt: top + h + 29, yTitleAt: 9)
        }
        svg += SVGFigure.legend(legend, left: 4, top: top + h + bottom - 2, fontSize: 9.5)
        svg += "</svg>"
        let alt = "\(escape(cell.population)) on \(escape(cell.sample))"
        let image = "<img src=\"\(cell.image)\" width=\"\(size)\" height=\"\(Int(h))\" style=\"left:\(Int(left))px;top:\(Int(top))px\" alt=\"\(alt)\"/>"
        var text = caption
        if cell.isExceptional || cell.source == "computed" || cell.source?.hasPrefix("pooled:") == true, let source = cell.source {
            let reason = (cell.flags ?? []).map { $0.hasPrefix("REASON:") ? String($0.dropFirst(7)) : $0 }.joined(separator: "; ")
            text += "<br/><span class=\"source \(cell.isExceptional ? "exception" : "")\"><b>\(escape(source))</b>\(reason.isEmpty ? "" : ": " + escape(reason))</span>"
        }
        if let flagged {
            text += "<br/><b>outlier</b>: \(Self.percent(flagged.percent)) vs median \(Self.percent(flagged.median)) of \(flagged.compared) \(escape(flagged.kind))"
        }
        return "<figure class=\"cell\(flagged != nil ? " flag" : "")\(cell.isExceptional ? " exception" : "")\(counted ? " counted" : "")\" \(attributes)><div class=\"fig\" style=\"width:\(Int(width))px;height:\(Int(height))px\">\(image)\(svg)</div><figcaption>\(text)</figcaption></figure>\n"
    }

    func isHistogram(_ population: String) -> Bool { columns.first { $0.id == population }?.gate.dimensions.count == 1 }

    func writePages(_ result: Result, to output: OutputFolder) throws {
        let samples = entries.map(\.id)
        let byID = Dictionary(entries.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let columnIDs = columns.map(\.id)
        let cell = Dictionary(result.cells.map { ("\($0.sample)\u{1F}\($0.population)", $0) }, uniquingKeysWith: { a, _ in a })
        let flagged = Dictionary(result.flagged.map { ("\($0.sample)\u{1F}\($0.population)", $0) }, uniquingKeysWith: { a, _ in a })
        func img(_ c: ReviewGallery.Cell, _ width: Int) -> String {
            // Histograms are two thirds as tall as they are wide (as GatePlot draws them).
            let height = isHistogram(c.population) ? width * 2 / 3 : width
            return "<img src=\"\(c.image)\" width=\"\(width)\" height=\"\(height)\" alt=\"\(escape(c.population)) on \(escape(c.sample))\"/>"
        }
        var index = filterForm()
        // Gates decided apart from the template come first: each is a choice a reviewer must see.
        let exceptional = result.cells.filter(\.isExceptional)
        index += "<h2 id=\"decisions\">Overrides and fallbacks</h2>\n<p class=\"meta\">Gates of a sample that are not the template's: "
            + "an override from the overrides file (with its reason), or a data-driven gate that fell back to its fixed gate.</p>\n"
        if exceptional.isEmpty { index += "<p>None.</p>\n" } else {
            index += "<table><tr><th>gate</th><th>sample</th><th>source</th><th>why</th><th>%</th></tr>\n"
            for c in exceptional {
                let why = (c.flags ?? []).map { $0.hasPrefix("REASON:") ? String($0.dropFirst(7)) : $0 }.joined(separator: "; ")
                index += "<tr class=\"exception\" \(dataAttributes(byID[c.sample], sample: c.sample))><td>\(escape(c.population))</td>"
                    + "<td><a href=\"sample_\(samples.firstIndex(of: c.sample) ?? 0).html\">\(escape(c.sample))</a></td><td>\(escape(c.source ?? ""))</td>"
                    + "<td>\(escape(why))</td><td>\(Self.percent(c.percent))</td></tr>\n"
            }
            index += "</table>\n"
        }
        let rule = outlierRule
        index += "<h2 id=\"outliers\">Outliers</h2>\n<p class=\"meta\">A gate's % stands out when it is beyond the median ± \(Axis.short(rule.madMultiplier)) MAD of its kind of tube "
            + "and at least \(Axis.short(rule.minimumDifference)) points from that median. Stained samples are compared with each other, each control type and "
            + "marker with its own kind, and a control's gates on its own marker are left out.</p>\n"
        if result.flagged.isEmpty { index += "<p>None.</p>\n" } else {
            index += "<table><tr><th>gate</th><th>sample</th><th>compared with</th><th>%</th><th>median</th><th>difference</th><th>MAD</th></tr>\n"
            for o in result.flagged {
                index += "<tr class=\"flag\" \(dataAttributes(byID[o.sample], sample: o.sample))><td>\(escape(o.population))</td><td><a href=\"sample_\(samples.firstIndex(of: o.sample) ?? 0).html\">\(escape(o.sample))</a></td>"
                    + "<td>\(o.compared) \(escape(o.kind))</td><td>\(Self.percent(o.percent))</td><td>\(Self.percent(o.median))</td>"
                    + "<td>\(String(format: "%+.1f", o.percent - o.median))</td><td>\(String(format: "%.2f", o.mad))</td></tr>\n"
            }
            index += "</table>\n"
        }
        let redrawn = result.cells.filter(\.drawn).count
        if result.firstRun {
            index += "<p>First run: \(result.cells.count) cells drawn; there is no previous run to compare with.</p>\n"
        } else {
            index += "<h2 id=\"changes\">Changed since the last run</h2>\n"
            if result.changes.isEmpty { index += "<p>No gate % changed.</p>\n" } else {
                index += "<table><tr><th>population</th><th>sample</th><th>|Δ %|</th></tr>\n"
                for (population, sample, delta) in result.changes.prefix(20) {
                    index += "<tr><td>\(escape(population))</td><td>\(escape(sample))</td><td>\(String(format: "%.2f", delta))</td></tr>\n"
                }
                index += "</table>\n"
            }
            index += "<p>\(result.cells.count) cells, \(redrawn) drawn in this run, \(result.cells.count - redrawn) reused from the cache.</p>\n"
        }
        if !result.failures.isEmpty {
            index += "<h2>Samples that could not be gated</h2>\n<ul>\n" + result.failures.map { "<li>\(escape($0.0)): \(escape($0.1))</li>" }.joined(separator: "\n") + "\n</ul>\n"
        }
        index += "<h2 id=\"matrix\">Samples × gates</h2>\n<div class=\"matrix\"><table><tr><th class=\"sample\">sample</th>"
        for (i, id) in columnIDs.enumerated() {
            // Every sample's plot of a gate has the same axes: named once, in the column's header.
            let axes = result.cells.first { $0.population == id && $0.x != nil }.map { c in
                "<br/><span class=\"axes\">x: \(escape(c.x?.label ?? ""))" + (isHistogram(id) ? "" : "<br/>y: \(escape(c.y?.label ?? ""))") + "</span>"
            } ?? ""
            index += "<th><a href=\"gate_\(i).html\">\(escape(id))</a>\(axes)</th>"
        }
        index += "</tr>\n"
        for (s, sample) in samples.enumerated() {
            index += "<tr class=\"counted\" \(dataAttributes(byID[sample], sample: sample))><th class=\"sample\"><a href=\"sample_\(s).html\">\(escape(sample))</a><br/><span class=\"meta\">\(Self.metadata(byID[sample]))</span></th>"
            for id in columnIDs {
                if let c = cell["\(sample)\u{1F}\(id)"] {
                    let classes = [flagged["\(sample)\u{1F}\(id)"] != nil ? "flag" : nil, c.isExceptional ? "exception" : nil].compactMap { $0 }
                    index += "<td\(classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\"")>\(img(c, 110))<span class=\"pct\">\(Self.percent(c.percent))</span></td>"
                } else {
                    index += "<td>–</td>"
                }
            }
            index += "</tr>\n"
        }
        index += "</table></div>\n"
        try output.write(Self.page("Gate review", index, filters: true), to: "index.html")
        for (i, id) in columnIDs.enumerated() {
            var strip = "<p><a href=\"index.html\">all gates</a></p>\n" + filterForm() + "<div class=\"strip\">\n"
            for sample in samples {
                if let c = cell["\(sample)\u{1F}\(id)"] {
                    let caption = "<b>\(escape(sample))</b>: \(escape(id)) \(Self.percent(c.percent))<br/><span class=\"meta\">\(Self.metadata(byID[sample]))</span>"
                    strip += figure(c, caption: caption, flagged: flagged["\(sample)\u{1F}\(id)"], counted: true, attributes: dataAttributes(byID[sample], sample: sample))
                }
            }
            strip += "</div>\n"
            try output.write(Self.page("Gate \(id) on every sample", strip, filters: true), to: "gate_\(i).html")
        }
        for (s, sample) in samples.enumerated() {
            var body = "<p><a href=\"index.html\">all samples</a></p>\n"
            let meta = Self.metadata(byID[sample])
            if !meta.isEmpty { body += "<p class=\"meta\">\(meta)</p>\n" }
            body += "<div class=\"strip\">\n"
            for id in columnIDs {
                if let c = cell["\(sample)\u{1F}\(id)"] {
                    body += figure(c, caption: "<b>\(escape(id))</b>: \(Self.percent(c.percent))", flagged: flagged["\(sample)\u{1F}\(id)"], counted: false, attributes: "")
                }
            }
            body += "</div>\n"
            try output.write(Self.page("Sample \(sample)", body), to: "sample_\(s).html")
        }
    }
}
