import Foundation

/// An SVG document assembled element by element, in pixel coordinates (y down). Every text is escaped; numbers
/// are written with two decimals at most, so figures are small and stable from run to run.
struct SVGCanvas {
    private(set) var body = ""
    let width: Double
    let height: Double

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// `value` with at most two decimals, no trailing zeros; from 10^15 on (where two decimals no longer fit), in
    /// Swift's shortest round-trip form (`1000000000000000.0`; exponent form from 2^53, `1e+20`).
    static func n(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 100).rounded() / 100
        if !rounded.isFinite || abs(rounded) >= 1e15 { return "\(value)" }
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        var text = String(format: "%.2f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// ` name="value"` for each non-empty attribute, values escaped.
    static func attributes(_ list: [(String, String)]) -> String {
        list.filter { !$0.1.isEmpty }.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    mutating func raw(_ text: String) { body += text }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "#333", width: Double = 1,
                       dash: String = "", extra: [(String, String)] = []) {
        body += "<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\""
            + Self.attributes([("stroke-dasharray", dash)] + extra) + "/>\n"
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String = "", extra: [(String, String)] = []) {
        body += "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(max(w, 0)))\" height=\"\(Self.n(max(h, 0)))\" fill=\"\(fill)\""
            + Self.attributes([("stroke", stroke)] + extra) + "/>\n"
    }

    mutating func circle(_ x: Double, _ y: Double, r: Double, fill: String, stroke: String, extra: [(String, String)] = []) {
        body += "<circle cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(r))\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"1.5\""
            + Self.attributes(extra) + "/>\n"
    }

    /// Text at (x, y) (the baseline), anchored `start`, `middle` or `end`.
    mutating func text(_ x: Double, _ y: Double, _ string: String, anchor: String = "start", size: Double = 11, weight: String = "",
                       fill: String = "#222", rotate: Bool = false, extra: [(String, String)] = []) {
        let transform = rotate ? "rotate(-90 \(Self.n(x)) \(Self.n(y)))" : ""
        body += "<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" text-anchor=\"\(anchor)\" font-size=\"\(Self.n(size))\" fill=\"\(fill)\""
            + Self.attributes([("font-weight", weight), ("transform", transform)] + extra) + ">\(escape(string))</text>\n"
    }

    /// The complete document.
    func document(title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\">\n"
            + "<title>\(escape(title))</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + body + "</svg>\n"
    }
}

/// Short, readable numbers for figure labels: three significant digits, thousands as `K`, millions as `M` up to
/// 999M, larger and tiny ones in scientific notation.
enum FigureNumber {
    static func text(_ value: Double) -> String {
        guard value.isFinite else { return "NA" }
        let magnitude = abs(value)
        if magnitude == 0 { return "0" }
        // Beyond 999M an exponent reads better than a count of millions ("1e+12M").
        if magnitude >= 999.5e6 { return trimmed(value) }
        if magnitude >= 1e6 { return trimmed(value / 1e6) + "M" }
        if magnitude >= 1e3 { return trimmed(value / 1e3) + "K" }
        if magnitude < 0.01 { return String(format: "%.1e", value) }
        return trimmed(value)
    }

    /// Three significant digits without trailing zeros.
    static func trimmed(_ value: Double) -> String {
        var text = String(format: "%.3g", value)
        if text.contains("."), !text.contains("e") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
