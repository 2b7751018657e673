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

    static let left = 70.0, bottom = 50.0, top = 28.0, right = 16.0

    func render() -> String {
        let w = Double(bitmap.width), h = Double(bitmap.height)
        let width = Self.left + w + Self.right, height = Self.top + h + Self.bottom
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="11">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(Self.left)" y="16" font-size="12">\(escape(title))</text>
        <image x="\(Self.left)" y="\(Self.top)" width="\(Int(w))" height="\(Int(h))" href="data:image/png;base64,\(Data(PNGEncoder.encode(bitmap)).base64EncodedString())"/>
        <rect x="\(Self.left)" y="\(Self.top)" width="\(Int(w))" height="\(Int(h))" fill="none" stroke="#333"/>

        """
        for tick in x.ticks {
            let px = Self.left + density.column(tick.position)
            svg += "<line x1=\"\(px)\" y1=\"\(Self.top + h)\" x2=\"\(px)\" y2=\"\(Self.top + h + 5)\" stroke=\"#333\"/>"
            svg += "<text x=\"\(px)\" y=\"\(Self.top + h + 18)\" text-anchor=\"middle\">\(tickLabel(tick.label))</text>\n"
        }
        for tick in y.ticks {
            let py = Self.top + density.row(tick.position)
            svg += "<line x1=\"\(Self.left - 5)\" y1=\"\(py)\" x2=\"\(Self.left)\" y2=\"\(py)\" stroke=\"#333\"/>"
            svg += "<text x=\"\(Self.left - 8)\" y=\"\(py + 4)\" text-anchor=\"end\">\(tickLabel(tick.label))</text>\n"
        }
        svg += "<text x=\"\(Self.left + w / 2)\" y=\"\(height - 10)\" text-anchor=\"middle\">\(escape(x.label))</text>\n"
        svg += "<text x=\"16\" y=\"\(Self.top + h / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(Self.top + h / 2))\">\(escape(y.label))</text>\n"
        for ((px, py), text) in labels {
            svg += "<text x=\"\(Self.left + px)\" y=\"\(Self.top + max(py - 4, 10))\" text-anchor=\"middle\" fill=\"rgb(220,20,60)\" font-weight=\"bold\">\(escape(text))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// `10^3` as 10 with a superscript 3.
    func tickLabel(_ label: String) -> String {
        guard let range = label.range(of: "10^") else { return escape(label) }
        let sign = String(label[..<range.lowerBound]), exponent = String(label[range.upperBound...])
        return "\(escape(sign))10<tspan baseline-shift=\"super\" font-size=\"8\">\(escape(exponent))</tspan>"
    }
}

/// Text escaped for SVG (``markupEscaped(_:)``).
func escape(_ text: String) -> String { markupEscaped(text) }
