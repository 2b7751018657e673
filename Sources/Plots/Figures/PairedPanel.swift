import Foundation

/// One paired dot plot (OUTCOMES F1): the untreated and the treated value of each unit side by side, a line per
/// unit, censored values as open symbols at their substituted value, the band below the LLOQ×DF shaded, and an
/// inset with n and p. It knows nothing of the study: it is given plain values.
public struct PairedPanel: Sendable {
    /// One unit's two values.
    public struct Pair: Sendable, Equatable {
        /// The unit (patient or donor) id, written on the symbols as `data-id`.
        public var id: String
        /// The untreated value.
        public var untreated: Double
        /// The treated value.
        public var treated: Double
        /// Whether the untreated value is a substituted (censored) one.
        public var untreatedCensored: Bool
        /// Whether the treated value is a substituted (censored) one.
        public var treatedCensored: Bool

        /// A pair; censored flags default to false.
        public init(id: String, untreated: Double, treated: Double, untreatedCensored: Bool = false, treatedCensored: Bool = false) {
            self.id = id
            self.untreated = untreated
            self.treated = treated
            self.untreatedCensored = untreatedCensored
            self.treatedCensored = treatedCensored
        }
    }

    /// A unit's value in a descriptive reference condition (OUTCOMES F4: `HD_CTRL`), drawn as a grey column left of
    /// the pairs and never tested.
    public struct ReferenceValue: Sendable, Equatable {
        /// The unit id, written on the symbol as `data-id`.
        public var id: String
        /// The value (the median of the unit's reference samples).
        public var value: Double
        /// Whether the value is or includes a substituted (censored) one.
        public var censored: Bool
        /// A reference value; not censored by default.
        public init(id: String, value: Double, censored: Bool = false) {
            self.id = id
            self.value = value
            self.censored = censored
        }
    }

    /// The panel's title (the analyte or readout).
    public var title: String
    /// The y axis title (units).
    public var yLabel: String
    /// The two conditions' names, untreated first.
    public var conditions: (untreated: String, treated: String)
    /// The pairs.
    public var pairs: [Pair]
    /// Log10 (concentrations, MFI) or linear (% positive) y axis.
    public var logarithmic: Bool
    /// The LLOQ×DF: values below it are censored, and the band under it is shaded. Nil: no band.
    public var censoringLimit: Double?
    /// The inset lines (`n = 6, p = 0.031 (exact)`, `q = 0.06`), printed under the title, above the plot.
    public var inset: [String]
    /// The reference condition's name and values (`HD_CTRL`), or nil: no reference column.
    public var reference: (condition: String, values: [ReferenceValue])?

    /// A panel of `pairs`.
    public init(title: String, yLabel: String, conditions: (untreated: String, treated: String), pairs: [Pair], logarithmic: Bool,
                censoringLimit: Double? = nil, inset: [String], reference: (condition: String, values: [ReferenceValue])? = nil) {
        self.title = title
        self.yLabel = yLabel
        self.conditions = conditions
        self.pairs = pairs
        self.logarithmic = logarithmic
        self.censoringLimit = censoringLimit
        self.inset = inset
        self.reference = reference
    }

    /// The y scale: every value and the censoring limit; a linear scale starts at 0 (100 % positive at most).
    public var scale: ValueScale {
        let values = pairs.flatMap { [$0.untreated, $0.treated] } + (reference?.values.map(\.value) ?? []) + [censoringLimit].compactMap { $0 }
        var scale = ValueScale(enclosing: values, logarithmic: logarithmic)
        if !logarithmic && scale.high > 100 && (values.max() ?? 0) <= 100 { scale.high = 100 }
        return scale
    }

    /// Colours: untreated blue, treated vermillion (Okabe–Ito, readable by colour-blind readers and in grey).
    static let untreatedColour = "#0072B2", treatedColour = "#D55E00", referenceColour = "#8c8c8c"

    /// The margins around the plot area inside a panel's box.
    static let margin = (left: 58.0, right: 12.0, top: 56.0, bottom: 30.0)

    /// Draws the panel in the box (x, y, width, height) of `canvas`. The plot area is
    /// `<rect class="plot-area">`; each symbol is a `<circle class="ut|rx" data-id=…>`.
    func draw(_ canvas: inout SVGCanvas, x: Double, y: Double, width: Double, height: Double) {
        let m = Self.margin
        let left = x + m.left, top = y + m.top, w = width - m.left - m.right, h = height - m.top - m.bottom
        let scale = self.scale
        func py(_ value: Double) -> Double { top + h * (1 - scale.fraction(value)) }
        canvas.text(x + width / 2, y + 16, title, anchor: "middle", size: 13, weight: "bold")
        if let limit = censoringLimit, limit > scale.low {
            let bandTop = max(py(limit), top)
            canvas.rect(left, bandTop, w, top + h - bandTop, fill: "#e6e6e6", extra: [("class", "lloq-band")])
            canvas.text(left + w - 4, top + h - 4, "< LLOQ×DF", anchor: "end", size: 9, fill: "#555")
        }
        canvas.rect(left, top, w, h, fill: "none", stroke: "#333", extra: [("class", "plot-area"), ("data-low", SVGCanvas.n(scale.low)),
                                                                           ("data-high", SVGCanvas.n(scale.high))])
        for tick in scale.ticks {
            let ty = py(tick)
            guard ty >= top - 0.5 && ty <= top + h + 0.5 else { continue }
            canvas.line(left - 4, ty, left, ty)
            canvas.line(left, ty, left + w, ty, stroke: "#ddd", width: 0.5)
            canvas.text(left - 6, ty + 4, FigureNumber.text(tick), anchor: "end", size: 10)
        }
        canvas.text(x + 13, top + h / 2, yLabel + (logarithmic ? " (log scale)" : ""), anchor: "middle", size: 10, rotate: true)
        // With a reference column the pairs move right to make room for it on the left.
        let ux = left + w * (reference == nil ? 0.28 : 0.45), rx = left + w * (reference == nil ? 0.72 : 0.82)
        if let reference {
            let cx = left + w * 0.14
            canvas.text(cx, top + h + 18, reference.condition, anchor: "middle", size: 11, fill: "#555")
            for value in reference.values {
                canvas.circle(cx, py(value.value), r: 4, fill: value.censored ? "white" : Self.referenceColour, stroke: Self.referenceColour,
                              extra: [("class", "reference" + (value.censored ? " censored" : "")), ("data-id", value.id)])
            }
        }
        canvas.text(ux, top + h + 18, conditions.untreated, anchor: "middle", size: 11)
        canvas.text(rx, top + h + 18, conditions.treated, anchor: "middle", size: 11)
        for pair in pairs {
            canvas.line(ux, py(pair.untreated), rx, py(pair.treated), stroke: "#9a9a9a", width: 1)
        }
        for pair in pairs {
            canvas.circle(ux, py(pair.untreated), r: 4, fill: pair.untreatedCensored ? "white" : Self.untreatedColour, stroke: Self.untreatedColour,
                          extra: [("class", "ut" + (pair.untreatedCensored ? " censored" : "")), ("data-id", pair.id)])
            canvas.circle(rx, py(pair.treated), r: 4, fill: pair.treatedCensored ? "white" : Self.treatedColour, stroke: Self.treatedColour,
                          extra: [("class", "rx" + (pair.treatedCensored ? " censored" : "")), ("data-id", pair.id)])
        }
        if pairs.isEmpty {
            canvas.text(left + w / 2, top + h / 2, "no complete pair", anchor: "middle", size: 11, fill: "#777")
        }
        for (index, line) in inset.enumerated() {
            canvas.text(x + width / 2, y + 31 + Double(index) * 12, line, anchor: "middle", size: 10, fill: "#333", extra: [("class", "inset")])
        }
    }
}

/// Paired panels laid out in a grid with a title and a legend: F1 (one panel), F2 (four in a row), F3 (markers
/// in rows, MFI and % positive in two columns).
public struct PairedFigure: Sendable {
    /// The figure's title.
    public var title: String
    /// The panels, row by row.
    public var panels: [PairedPanel]
    /// Panels per row.
    public var columns: Int
    /// One panel's size in pixels.
    public var panelSize: (width: Double, height: Double)

    /// A figure of `panels` in `columns` columns.
    public init(title: String, panels: [PairedPanel], columns: Int, panelSize: (width: Double, height: Double) = (260, 300)) {
        self.title = title
        self.panels = panels
        self.columns = max(1, columns)
        self.panelSize = panelSize
    }

    static let header = 30.0, legend = 26.0

    /// The figure's size in pixels.
    public var size: (width: Double, height: Double) {
        let rows = (panels.count + columns - 1) / columns
        return (max(Double(min(columns, max(panels.count, 1))) * panelSize.width, 400), Self.header + Double(max(rows, 1)) * panelSize.height + Self.legend)
    }

    /// The figure as an SVG document.
    public func svg() -> String {
        let (width, height) = size
        var canvas = SVGCanvas(width: width, height: height)
        canvas.text(10, 20, title, size: 14, weight: "bold")
        for (index, panel) in panels.enumerated() {
            let column = index % columns, row = index / columns
            canvas.raw("<g class=\"panel\" data-title=\"\(escape(panel.title))\">\n")
            panel.draw(&canvas, x: Double(column) * panelSize.width, y: Self.header + Double(row) * panelSize.height,
                       width: panelSize.width, height: panelSize.height)
            canvas.raw("</g>\n")
        }
        let y = height - 9
        canvas.circle(16, y - 4, r: 4, fill: PairedPanel.untreatedColour, stroke: PairedPanel.untreatedColour)
        canvas.circle(28, y - 4, r: 4, fill: PairedPanel.treatedColour, stroke: PairedPanel.treatedColour)
        canvas.text(38, y, "measured", size: 10)
        canvas.circle(104, y - 4, r: 4, fill: "white", stroke: "#555")
        canvas.text(114, y, "censored (substituted value)", size: 10)
        canvas.rect(270, y - 10, 14, 10, fill: "#e6e6e6")
        canvas.text(290, y, "below LLOQ×DF", size: 10)
        if let condition = panels.lazy.compactMap({ $0.reference?.condition }).first {
            canvas.circle(386, y - 4, r: 4, fill: PairedPanel.referenceColour, stroke: PairedPanel.referenceColour)
            canvas.text(396, y, "\(condition): reference, not tested", size: 10)
        }
        return canvas.document(title: title)
    }
}
