#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Tables

/// An SVG figure around a raster: the image embedded as a base64 PNG, axis lines, ticks and their labels,
/// axis titles and text labels placed in raster pixel coordinates. Text stays text (selectable, sharp at any size).
struct SVGFigure {
    var title: String
    var bitmap: Bitmap
    var x: Axis
    var y: Axis
    var density: DensityPlot
    var labels: [((Double, Double), String)]
    var legend: [GatePlot.LegendEntry] = []

    static let left = 70.0, bottom = 50.0, top = 28.0, right = 16.0
    static let metrics = TickLabelMetrics(fontSize: 11)

    func render() -> String {
        let w = Double(bitmap.width), h = Double(bitmap.height)
        let legendHeight = legend.isEmpty ? 0 : Double(legend.count) * 16 + 6
        let width = Self.left + w + Self.right, height = Self.top + h + Self.bottom + legendHeight
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="11">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(Self.left)" y="16" font-size="12">\(escape(title))</text>
        <image x="\(Self.left)" y="\(Self.top)" width="\(Int(w))" height="\(Int(h))" href="data:image/png;base64,\(Data(PNGEncoder.encode(bitmap)).base64EncodedString())"/>

        """
        svg += Self.axes(x: x, y: y, left: Self.left, top: Self.top, width: w, height: h, metrics: Self.metrics,
                         titleSize: 11, xTitleAt: Self.top + h + 40, yTitleAt: 16)
        for ((px, py), text) in labels {
            svg += "<text x=\"\(Self.left + px)\" y=\"\(Self.top + max(py - 4, 10))\" text-anchor=\"middle\" fill=\"rgb(220,20,60)\" font-weight=\"bold\">\(escape(text))</text>\n"
        }
        svg += Self.legend(legend, left: 8, top: Self.top + h + Self.bottom, fontSize: 11)
        return svg + "</svg>\n"
    }

    /// Axis frame, ticks (minor ones shorter), the labels that fit (``Axis/thinned(length:metrics:vertical:)``)
    /// and the titles, for a plot area of `width` × `height` at (`left`, `top`). Tick labels carry the class
    /// `tick-label` inside a group per axis (`x-ticks`, `y-ticks`), so a browser can check that none overlap.
    static func axes(x: Axis, y: Axis, left: Double, top: Double, width w: Double, height h: Double, metrics: TickLabelMetrics,
                     titleSize: Double, xTitleAt: Double, yTitleAt: Double) -> String {
        let fontSize = metrics.fontSize
        var svg = "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(w))\" height=\"\(n(h))\" fill=\"none\" stroke=\"#333\"/>\n"
        // The tick marks of an axis are one path (a move and a short stroke each): a gallery page draws hundreds of
        // axes, and a `<line>` per tick made up most of its size.
        var marks = ""
        var labels = ""
        for tick in x.thinned(length: w, metrics: metrics, vertical: false).ticks {
            let px = left + x.pixel(tick.position, length: w)
            // A tick off the number line would end the path early: no browser draws past a bad number.
            guard px.isFinite else { continue }
            marks += "M\(n(px)) \(n(top + h))v\(tick.minor ? 3 : 5)"
            if !tick.label.isEmpty {
                labels += "<text class=\"tick-label\" x=\"\(n(px))\" y=\"\(n(top + h + 6 + fontSize * 1.1))\" text-anchor=\"middle\">\(tickLabel(tick.label, metrics))</text>"
            }
        }
        svg += "<g class=\"x-ticks\" font-size=\"\(n(fontSize))\">" + tickMarks(marks) + labels + "</g>\n"
        marks = ""
        labels = ""
        for tick in y.thinned(length: h, metrics: metrics, vertical: true).ticks {
            let py = top + h - y.pixel(tick.position, length: h)
            guard py.isFinite else { continue }
            marks += "M\(n(left)) \(n(py))h-\(tick.minor ? 3 : 5)"
            if !tick.label.isEmpty {
                labels += "<text class=\"tick-label\" x=\"\(n(left - 7))\" y=\"\(n(py + fontSize * 0.35))\" text-anchor=\"end\">\(tickLabel(tick.label, metrics))</text>"
            }
        }
        svg += "<g class=\"y-ticks\" font-size=\"\(n(fontSize))\">" + tickMarks(marks) + labels + "</g>\n"
        svg += title(x.label, x: left + w / 2, y: xTitleAt, length: w, size: titleSize, rotated: false)
        svg += title(y.label, x: yTitleAt, y: top + h / 2, length: h, size: titleSize, rotated: true)
        return svg
    }

    /// The `<path>` drawing an axis's tick marks from its path data `d`, or nothing for an axis without ticks.
    static func tickMarks(_ d: String) -> String {
        d.isEmpty ? "" : "<path class=\"tick-marks\" d=\"\(d)\" fill=\"none\" stroke=\"#333\"/>"
    }

    /// An axis title, in a smaller font when an upper bound of its width (0.6 em a character) would overflow `length`.
    static func title(_ text: String, x: Double, y: Double, length: Double, size: Double, rotated: Bool) -> String {
        let estimate = Double(text.count) * size * 0.6
        let fitted = estimate > length ? max(size * length / estimate, 6) : size
        let rotation = rotated ? " transform=\"rotate(-90 \(n(x)) \(n(y)))\"" : ""
        return "<text class=\"axis-title\" x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(fitted))\" text-anchor=\"middle\"\(rotation)>\(escape(text))</text>\n"
    }

    /// Legend lines below a plot: a swatch (a bar, a line or a shaded box) and the text.
    static func legend(_ entries: [GatePlot.LegendEntry], left: Double, top: Double, fontSize: Double) -> String {
        var svg = ""
        for (i, entry) in entries.enumerated() {
            let y = top + Double(i) * (fontSize + 5) + fontSize
            let colour = escape(entry.colour)
            switch entry.style {
            case "line": svg += "<line x1=\"\(n(left))\" y1=\"\(n(y - fontSize * 0.35))\" x2=\"\(n(left + 16))\" y2=\"\(n(y - fontSize * 0.35))\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
            case "shade": svg += "<rect x=\"\(n(left))\" y=\"\(n(y - fontSize * 0.8))\" width=\"16\" height=\"\(n(fontSize * 0.9))\" fill=\"\(colour)\" stroke=\"rgb(220,20,60)\" stroke-width=\"0.5\"/>"
            default: svg += "<rect x=\"\(n(left + 4))\" y=\"\(n(y - fontSize * 0.8))\" width=\"8\" height=\"\(n(fontSize * 0.9))\" fill=\"\(colour)\"/>"
            }
            svg += "<text class=\"legend\" x=\"\(n(left + 22))\" y=\"\(n(y))\" font-size=\"\(n(fontSize))\">\(escape(entry.label))</text>\n"
        }
        return svg
    }

    /// `10^3` as 10 with a superscript 3, `2×10^3` likewise, and a minus sign for `-`.
    static func tickLabel(_ label: String, _ metrics: TickLabelMetrics) -> String {
        let text = label.replacingOccurrences(of: "-", with: "−")
        guard let range = text.range(of: "^") else { return escape(text) }
        let base = String(text[..<range.lowerBound]), exponent = String(text[range.upperBound...])
        let size = metrics.fontSize * metrics.superscriptScale
        return "\(escape(base))<tspan dy=\"\(n(-metrics.fontSize * 0.35))\" font-size=\"\(n(size))\">\(escape(exponent))</tspan>"
    }

    /// A coordinate as SVG text: at most two decimals, no trailing zeros.
    static func n(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}

/// Text escaped for SVG (``markupEscaped(_:)``).
func escape(_ text: String) -> String { markupEscaped(text) }
