import Foundation

/// A scatter plot with points coloured by group and a statistics line (OUTCOMES F6: L against mRSS with
/// Spearman's ρ and p, coloured by cutaneous subset).
public struct ScatterPlot: Sendable {
    /// One point.
    public struct Point: Sendable, Equatable {
        /// Its id (`data-id`).
        public var id: String
        /// x.
        public var x: Double
        /// y.
        public var y: Double
        /// Its group (a colour), or empty for "not given".
        public var group: String

        /// A point.
        public init(id: String, x: Double, y: Double, group: String) {
            self.id = id
            self.x = x
            self.y = y
            self.group = group
        }
    }

    /// The title.
    public var title: String
    /// The x axis title.
    public var xLabel: String
    /// The y axis title.
    public var yLabel: String
    /// The points.
    public var points: [Point]
    /// The groups in legend order; points of other groups are grey.
    public var groups: [String]
    /// The statistics line (`Spearman ρ = 0.6, p = 0.24, n = 6`).
    public var annotation: String

    /// A scatter plot.
    public init(title: String, xLabel: String, yLabel: String, points: [Point], groups: [String], annotation: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.points = points
        self.groups = groups
        self.annotation = annotation
    }

    /// Okabe–Ito colours by group position; grey for others.
    static let palette = ["#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00"]

    func colour(_ group: String) -> String {
        groups.firstIndex(of: group).map { Self.palette[$0 % Self.palette.count] } ?? "#888888"
    }

    /// The figure's size in pixels.
    public var size: (width: Double, height: Double) { (Self.width, Self.height) }

    static let width = 520.0, height = 400.0, margin = (left: 64.0, right: 20.0, top: 56.0, bottom: 50.0)

    /// The x and y scales (linear, enclosing the points and 0).
    public var scales: (x: ValueScale, y: ValueScale) {
        (ValueScale(enclosing: points.map(\.x), logarithmic: false), ValueScale(enclosing: points.map(\.y) + [0], logarithmic: false))
    }

    /// The figure as an SVG document; each point is a `<circle class="point" data-id=… data-group=…>`.
    public func svg() -> String {
        var canvas = SVGCanvas(width: Self.width, height: Self.height)
        let m = Self.margin
        let w = Self.width - m.left - m.right, h = Self.height - m.top - m.bottom
        let (xs, ys) = scales
        func px(_ v: Double) -> Double { m.left + w * xs.fraction(v) }
        func py(_ v: Double) -> Double { m.top + h * (1 - ys.fraction(v)) }
        canvas.text(10, 20, title, size: 14, weight: "bold")
        canvas.text(10, 38, annotation, size: 11, extra: [("class", "annotation")])
        canvas.rect(m.left, m.top, w, h, fill: "none", stroke: "#333", extra: [("class", "plot-area")])
        for tick in xs.ticks {
            canvas.line(px(tick), m.top + h, px(tick), m.top + h + 4)
            canvas.text(px(tick), m.top + h + 16, FigureNumber.text(tick), anchor: "middle", size: 10)
        }
        for tick in ys.ticks {
            canvas.line(m.left - 4, py(tick), m.left, py(tick))
            canvas.line(m.left, py(tick), m.left + w, py(tick), stroke: "#e3e3e3", width: 0.5)
            canvas.text(m.left - 6, py(tick) + 4, FigureNumber.text(tick), anchor: "end", size: 10)
        }
        if ys.low < 0 && ys.high > 0 { canvas.line(m.left, py(0), m.left + w, py(0), stroke: "#333", dash: "4 3") }
        canvas.text(m.left + w / 2, Self.height - 12, xLabel, anchor: "middle", size: 11)
        canvas.text(16, m.top + h / 2, yLabel, anchor: "middle", size: 11, rotate: true)
        for point in points {
            canvas.circle(px(point.x), py(point.y), r: 5, fill: colour(point.group), stroke: "white",
                          extra: [("class", "point"), ("data-id", point.id), ("data-group", point.group), ("fill-opacity", "0.9")])
        }
        var lx = m.left + w - 8
        for group in (groups.filter { g in points.contains { $0.group == g } } + (points.contains { !groups.contains($0.group) } ? ["other / not given"] : [])).reversed() {
            let colour = groups.contains(group) ? colour(group) : "#888888"
            canvas.text(lx, m.top - 8, group, anchor: "end", size: 10)
            lx -= Double(group.count) * 6 + 6
            canvas.circle(lx, m.top - 12, r: 4, fill: colour, stroke: colour)
            lx -= 14
        }
        return canvas.document(title: title)
    }
}
