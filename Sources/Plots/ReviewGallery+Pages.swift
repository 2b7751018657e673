import Tables
import FCS
import Foundation

extension ReviewGallery {
    /// The page script: after load, every image that failed to decode is marked, and the count is written on the
    /// body (`data-broken-images`), so a headless browser's DOM dump shows whether the gallery is whole. It has no
    /// `<` or `&`, so every page is also well-formed XML (checked by the tests with an XML parser).
    static let checkScript = """
    <script>window.addEventListener('load', function () { var bad = 0; Array.prototype.forEach.call(document.images, function (image) { if (!image.complete || image.naturalWidth === 0) { image.setAttribute('data-broken', '1'); bad += 1; } }); document.body.setAttribute('data-broken-images', String(bad)); });</script>
    """

    static let style = """
    <style>
    body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
    table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: 4px; vertical-align: top; text-align: center; }
    img { display: block; } .pct { font-size: 0.85em; color: #444; } .flag { background: #fde8e8; }
    a { color: #1a5fb4; } h2 { margin-top: 1.4em; }
    </style>
    """

    static func page(_ title: String, _ body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"/><title>\(escape(title))</title>\(style)</head>
        <body><h1>\(escape(title))</h1>
        \(body)
        \(checkScript)
        </body></html>

        """
    }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.1f %%", $0) } ?? "NA" }

    func writePages(_ result: Result, to output: OutputFolder) throws {
        let samples = entries.map(\.id)
        let columnIDs = columns.map(\.id)
        let cell = Dictionary(result.cells.map { ("\($0.sample)\u{1F}\($0.population)", $0) }, uniquingKeysWith: { a, _ in a })
        let flagged = Set(result.outliers.map { "\($0.1)\u{1F}\($0.0)" })
        let oneDimensional = Set(columns.filter { $0.gate.dimensions.count == 1 }.map(\.id))
        func img(_ c: ReviewGallery.Cell, _ width: Int) -> String {
            // Histograms are two thirds as tall as they are wide (as GatePlot draws them).
            let height = oneDimensional.contains(c.population) ? width * 2 / 3 : width
            return "<img src=\"\(c.image)\" width=\"\(width)\" height=\"\(height)\" alt=\"\(escape(c.population)) on \(escape(c.sample))\"/>"
        }
        var index = ""
        index += "<h2>Outliers (gate % beyond the batch median ± 3 MAD)</h2>\n"
        if result.outliers.isEmpty { index += "<p>None.</p>\n" } else {
            index += "<table><tr><th>gate</th><th>sample</th><th>%</th><th>median</th><th>MAD</th></tr>\n"
            for (gate, sample, value, median, mad) in result.outliers {
                index += "<tr class=\"flag\"><td>\(escape(gate))</td><td><a href=\"sample_\(samples.firstIndex(of: sample) ?? 0).html\">\(escape(sample))</a></td><td>\(Self.percent(value))</td><td>\(Self.percent(median))</td><td>\(String(format: "%.2f", mad))</td></tr>\n"
            }
            index += "</table>\n"
        }
        index += "<h2>Changed since the last run</h2>\n"
        if result.changes.isEmpty { index += "<p>Nothing changed.</p>\n" } else {
            index += "<table><tr><th>population</th><th>sample</th><th>|Δ %|</th></tr>\n"
            for (population, sample, delta) in result.changes.prefix(20) {
                index += "<tr><td>\(escape(population))</td><td>\(escape(sample))</td><td>\(String(format: "%.2f", delta))</td></tr>\n"
            }
            index += "</table>\n"
        }
        let redrawn = result.cells.filter(\.drawn).count
        index += "<p>\(result.cells.count) cells, \(redrawn) drawn in this run, \(result.cells.count - redrawn) reused from the cache.</p>\n"
        if !result.failures.isEmpty {
            index += "<h2>Samples that could not be gated</h2>\n<ul>\n" + result.failures.map { "<li>\(escape($0.0)): \(escape($0.1))</li>" }.joined(separator: "\n") + "\n</ul>\n"
        }
        index += "<h2>Samples × gates</h2>\n<table><tr><th>sample</th>"
        for (i, id) in columnIDs.enumerated() { index += "<th><a href=\"gate_\(i).html\">\(escape(id))</a></th>" }
        index += "</tr>\n"
        for (s, sample) in samples.enumerated() {
            index += "<tr><th><a href=\"sample_\(s).html\">\(escape(sample))</a></th>"
            for id in columnIDs {
                if let c = cell["\(sample)\u{1F}\(id)"] {
                    index += "<td\(flagged.contains("\(sample)\u{1F}\(id)") ? " class=\"flag\"" : "")>\(img(c, 110))<span class=\"pct\">\(Self.percent(c.percent))</span></td>"
                } else {
                    index += "<td>–</td>"
                }
            }
            index += "</tr>\n"
        }
        index += "</table>\n"
        try output.write(Self.page("Gate review", index), to: "index.html")
        for (i, id) in columnIDs.enumerated() {
            var strip = "<p><a href=\"index.html\">all gates</a></p>\n<table><tr>"
            for sample in samples {
                if let c = cell["\(sample)\u{1F}\(id)"] {
                    strip += "<td\(flagged.contains("\(sample)\u{1F}\(id)") ? " class=\"flag\"" : "")>\(img(c, size))<span class=\"pct\">\(escape(sample)): \(Self.percent(c.percent))</span></td>"
                }
            }
            strip += "</tr></table>\n"
            try output.write(Self.page("Gate \(id) on every sample", strip), to: "gate_\(i).html")
        }
        for (s, sample) in samples.enumerated() {
            var body = "<p><a href=\"index.html\">all samples</a></p>\n<table><tr>"
            for id in columnIDs {
                if let c = cell["\(sample)\u{1F}\(id)"] {
                    body += "<td>\(img(c, size))<span class=\"pct\">\(escape(id)): \(Self.percent(c.percent))</span></td>"
                }
            }
            body += "</tr></table>\n"
            try output.write(Self.page("Sample \(sample)", body), to: "sample_\(s).html")
        }
    }
}
