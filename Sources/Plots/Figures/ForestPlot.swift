import Foundation

/// A forest plot (OUTCOMES F5): one line per row, an estimate with its interval on a log2 axis with the 0 line
/// ("no effect"), n on the left, p and q on the right. Header rows (a variable's name) carry no estimate.
public struct ForestPlot: Sendable {
    /// One line.
    public struct Row: Sendable, Equatable {
        /// The label (a level, or a variable's name for a header row).
        public var label: String
        /// n, shown left of the axis (empty for none).
        public var n: String
        /// The point estimate (log2); nil draws no symbol.
        public var estimate: Double?
        /// The interval's ends (log2).
        public var low: Double?
        /// The interval's upper end (log2).
        public var high: Double?
        /// p, as text (empty for none).
        public var p: String
        /// q, as text (empty for none).
        public var q: String
        /// A header row (bold label, no symbol) or the overall effect (a diamond).
        public var style: Style

        /// How a row is drawn.
        public enum Style: Sendable, Equatable { case header, level, overall }

        /// A row.
        public init(label: String, n: String = "", estimate: Double? = nil, low: Double? = nil, high: Double? = nil,
                    p: String = "", q: String = "", style: Style = .level) {
            self.label = label
            self.n = n
            self.estimate = estimate
            self.low = low
            self.high = high
            self.p = p
            self.q = q
            self.style = style
        }
    }

    /// The title.
    public var title: String
    /// The x axis title.
    public var xLabel: String
    /// The rows, top to bottom.
    public var rows: [Row]
    /// What the symbols and intervals are (printed under the axis).
    public var note: String

    /// A forest plot of `rows`.
    public init(title: String, xLabel: String, rows: [Row], note: String) {
        self.title = title
        self.xLabel = xLabel
        self.rows = rows
        self.note = note
    }

    static let rowHeight = 22.0, labelWidth = 200.0, nWidth = 40.0, plotWidth = 380.0, statsWidth = 150.0, top = 56.0

    /// The x scale: every estimate and interval end, with 0, as a linear scale of log2 units.
    public var scale: ValueScale {
        var scale = ValueScale(enclosing: rows.flatMap { [$0.estimate, $0.low, $0.high].compactMap { $0 } } + [0], logarithmic: false)
        // The 0 line is never drawn on the frame: widen the side it sits on by one step.
        let step = scale.step
        if scale.high == 0 { scale.high = step }
        if scale.low == 0 { scale.low = -step }
        return scale
    }

    /// The figure's size in pixels.
    public var size: (width: Double, height: Double) {
        (Self.labelWidth + Self.nWidth + Self.plotWidth + Self.statsWidth + 20, Self.top + Double(rows.count) * Self.rowHeight + 70)
    }

    /// The figure as an SVG document; each estimate is a `<rect|path class="estimate" data-label=… data-x=…>`.
    public func svg() -> String {
        let (width, height) = size
        var canvas = SVGCanvas(width: width, height: height)
        let scale = self.scale
        let left = Self.labelWidth + Self.nWidth, right = left + Self.plotWidth
        func px(_ value: Double) -> Double { left + Self.plotWidth * scale.fraction(value) }
        let bottom = Self.top + Double(rows.count) * Self.rowHeight
        canvas.text(10, 20, title, size: 14, weight: "bold")
        canvas.text(10, Self.top - 10, "subgroup", size: 10, weight: "bold", fill: "#555")
        canvas.text(left - 8, Self.top - 10, "n", anchor: "end", size: 10, weight: "bold", fill: "#555")
        canvas.text(right + 16, Self.top - 10, "p", size: 10, weight: "bold", fill: "#555")
        canvas.text(right + 86, Self.top - 10, "q (BH)", size: 10, weight: "bold", fill: "#555")
        for index in rows.indices where index % 2 == 1 {
            canvas.rect(0, Self.top + Double(index) * Self.rowHeight, width, Self.rowHeight, fill: "#f3f3f3")
        }
        canvas.rect(left, Self.top, Self.plotWidth, bottom - Self.top, fill: "none", stroke: "#999",
                    extra: [("class", "plot-area"), ("data-low", SVGCanvas.n(scale.low)), ("data-high", SVGCanvas.n(scale.high))])
        canvas.line(px(0), Self.top, px(0), bottom, stroke: "#333", width: 1, dash: "4 3")
        for (index, row) in rows.enumerated() {
            let y = Self.top + (Double(index) + 0.5) * Self.rowHeight
            let indent = row.style == .level ? 22.0 : 10.0
            canvas.text(indent, y + 4, row.label, size: 11, weight: row.style == .level ? "" : "bold")
            canvas.text(left - 8, y + 4, row.n, anchor: "end", size: 11)
            canvas.text(right + 16, y + 4, row.p, size: 11)
            canvas.text(right + 86, y + 4, row.q, size: 11)
            if let low = row.low, let high = row.high {
                canvas.line(px(low), y, px(high), y, stroke: "#333", width: 1.5)
                canvas.line(px(low), y - 4, px(low), y + 4, stroke: "#333")
                canvas.line(px(high), y - 4, px(high), y + 4, stroke: "#333")
            }
            guard let estimate = row.estimate else { continue }
            let x = px(estimate)
            let attributes = [("class", "estimate"), ("data-label", row.label), ("data-x", SVGCanvas.n(x))]
            if row.style == .overall {
                canvas.raw("<path d=\"M\(SVGCanvas.n(x - 7)) \(SVGCanvas.n(y)) L\(SVGCanvas.n(x)) \(SVGCanvas.n(y - 6)) L\(SVGCanvas.n(x + 7)) \(SVGCanvas.n(y)) L\(SVGCanvas.n(x)) \(SVGCanvas.n(y + 6)) Z\" fill=\"#D55E00\""
                           + SVGCanvas.attributes(attributes) + "/>\n")
            } else {
                canvas.rect(x - 4, y - 4, 8, 8, fill: "#0072B2", extra: attributes)
            }
        }
        for tick in scale.ticks {
            let x = px(tick)
            canvas.line(x, bottom, x, bottom + 4)
            canvas.text(x, bottom + 16, FigureNumber.text(tick), anchor: "middle", size: 10)
            canvas.text(x, bottom + 28, "×" + FigureNumber.text(pow(2, tick)), anchor: "middle", size: 9, fill: "#666")
        }
        canvas.text(left + Self.plotWidth / 2, bottom + 44, xLabel, anchor: "middle", size: 11)
        canvas.text(10, bottom + 62, note, size: 10, fill: "#555")
        return canvas.document(title: title)
    }
}
