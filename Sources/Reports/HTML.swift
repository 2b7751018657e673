import Foundation
import Tables

/// The report's HTML conventions in one place: escaping, numbers as people read them, and the page skeleton
/// (inline CSS with print rules, and the script that records images that failed to load).
public enum HTML {
    /// `text` with `& < > " '` escaped, safe in element content and in quoted attributes.
    public static func escape(_ text: String) -> String { markupEscaped(text) }

    /// A number for reading: 4 significant digits, whole numbers from 1000 up; `–` for none.
    public static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        if abs(value) >= 1000 { return String(format: "%.0f", value) }
        if value == 0 { return "0" }
        if abs(value) < 0.001 { return String(format: "%.2e", value) }
        var text = String(format: "%.4g", value)
        if text.contains("."), !text.contains("e") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// A p or q value: 3 significant digits, scientific below 0.001; `–` for none.
    public static func p(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return value < 0.001 ? String(format: "%.2e", value) : String(format: "%.3g", value)
    }

    /// A table: header cells (escaped here), then rows of already-escaped HTML cells.
    public static func table(_ header: [String], _ rows: [[String]], caption: String = "") -> String {
        var html = "<div class=\"wide\"><table>"
        if !caption.isEmpty { html += "<caption>\(caption)</caption>" }
        html += "<thead><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in rows { html += "<tr>" + row.map { isNumeric($0) ? "<td class=\"num\">\($0)</td>" : "<td>\($0)</td>" }.joined() + "</tr>\n" }
        return html + "</tbody></table></div>\n"
    }

    /// Whether a cell reads as a number (right-aligned): a number, or a number followed by brackets or a unit.
    static func isNumeric(_ cell: String) -> Bool {
        guard let first = cell.unicodeScalars.first else { return false }
        let head = cell.split(separator: " ").first.map(String.init) ?? cell
        return (("0"..."9").contains(first) || first == "-" || first == "–") && (Double(head) != nil || head == "–")
    }

    /// A whole page: `title` (escaped here) and `body` (HTML). Self-contained: inline CSS, no external asset.
    public static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        \(css)
        </style>
        </head>
        <body>
        \(body)
        <script>
        window.addEventListener('load', function () {
          var broken = 0;
          var images = document.getElementsByTagName('img');
          for (var i = 0; i < images.length; i++) { if (!images[i].complete || images[i].naturalWidth === 0) { broken++; } }
          document.body.setAttribute('data-broken-images', String(broken));
        });
        </script>
        </body>
        </html>

        """
    }

    /// The pages' style sheet, print rules included.
    static let css = """
        body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; margin: 1.5em 2em; color: #222; line-height: 1.4; max-width: 1250px; }
        h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.6em; }
        h3 { margin-bottom: 0.3em; }
        nav { background: #f5f5f5; padding: 0.5em 1em; border-radius: 4px; font-size: 0.95em; }
        nav a { margin-right: 1em; }
        .wide { overflow-x: auto; margin: 0.5em 0 1em; }
        table { border-collapse: collapse; font-size: 0.9em; }
        th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
        td.num { text-align: right; white-space: nowrap; }
        th { background: #f0f0f0; text-align: center; }
        caption { text-align: left; color: #555; margin-bottom: 0.3em; caption-side: top; }
        .muted { color: #666; } .small { font-size: 0.85em; }
        .flag { display: inline-block; padding: 0 0.35em; border-radius: 3px; font-size: 0.8em; margin: 0 0.1em; }
        .flag.info { background: #eee; color: #555; }
        .flag.warn { background: #fff1d6; color: #7a4b00; border: 1px solid #e0b060; }
        .flag.excluded { background: #fde2e2; color: #8a1c1c; border: 1px solid #d99; }
        .sig { font-weight: bold; }
        figure { margin: 1em 0 2em; } figcaption { color: #444; font-size: 0.9em; max-width: 900px; }
        figure svg { max-width: 100%; height: auto; }
        .gates { display: flex; flex-wrap: wrap; gap: 8px; }
        .gates figure { margin: 0; width: 150px; font-size: 0.8em; }
        .gates img { width: 150px; height: auto; border: 1px solid #ccc; image-rendering: pixelated; }
        code { background: #f4f4f4; padding: 0 0.2em; } .hash { font-family: monospace; font-size: 0.8em; word-break: break-all; }
        ul.subjects { columns: 4; }
        @media print {
          body { margin: 0; max-width: none; font-size: 9pt; }
          nav, .screen-only { display: none; }
          a { color: inherit; text-decoration: none; }
          h2 { page-break-after: avoid; }
          table, figure, .gates figure { page-break-inside: avoid; }
          .wide { overflow: visible; }
          table { font-size: 8pt; }
          @page { size: A4; margin: 12mm; }
        }
        """
}
