import Foundation

/// A standard-curve plot: the standards (each level's mean, and every replicate well), the blank wells, the fitted
/// curve, the LLOQ/ULOQ, and each sample's mean net OD placed on the curve, concentration on a log axis. It knows
/// nothing of ELISA: it is given points, a curve function and the limits.
///
/// The blank has no place on a log axis (its concentration is 0): its wells are drawn in a strip left of the
/// lowest decade, labelled "blank". A sample is drawn at the concentration the curve gives for its mean net OD; a
/// censored one (below the LLOQ, above the ULOQ or beyond the curve's asymptotes) as an open marker, at the
/// plot's edge when the curve gives it no concentration.
public struct CurvePlot: Sendable {
    /// A sample placed on the curve.
    public struct SamplePoint: Sendable, Equatable {
        /// The sample id.
        public var id: String
        /// Its mean net OD.
        public var meanNetOD: Double
        /// The concentration the curve gives for it (also outside the LLOQ/ULOQ); nil beyond the asymptotes.
        public var concentration: Double?
        /// Whether its result is censored (not reported as a value).
        public var censored: Bool
        /// A sample point.
        public init(id: String, meanNetOD: Double, concentration: Double?, censored: Bool) {
            self.id = id
            self.meanNetOD = meanNetOD
            self.concentration = concentration
            self.censored = censored
        }
    }

    /// The standards' level means (x > 0).
    public var points: [(x: Double, y: Double)]
    /// The fitted curve: net OD at a concentration.
    public var curve: @Sendable (Double) -> Double
    /// The lower limit of quantification (a concentration in the well), drawn dashed.
    public var lloq: Double?
    /// The upper limit of quantification, drawn dashed.
    public var uloq: Double?
    /// The figure's title.
    public var title: String
    /// The x axis's title (concentration and units).
    public var xLabel: String
    /// The y axis's title.
    public var yLabel: String
    /// The plot's width and height in pixels.
    public var size: Int
    /// Every standard well (x: the level's concentration, y: the well's net OD).
    public var replicates: [(x: Double, y: Double)] = []
    /// The blank wells' net ODs.
    public var blanks: [Double] = []
    /// The samples placed on the curve.
    public var samples: [SamplePoint] = []

    /// A plot of `points` (x > 0) with `curve` drawn across them.
    public init(points: [(x: Double, y: Double)], curve: @escaping @Sendable (Double) -> Double, lloq: Double?, uloq: Double?,
                title: String, xLabel: String, yLabel: String = "net OD", size: Int = 320) {
        self.points = points
        self.curve = curve
        self.lloq = lloq
        self.uloq = uloq
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.size = size
    }

    /// Marks: standards' means (filled squares), replicate wells (small dots), blanks, samples on the curve
    /// (filled circles; censored ones open).
    static let standardColour = Bitmap.Colour.gate
    static let replicateColour = Bitmap.Colour(120, 120, 120)
    static let sampleColour = Bitmap.Colour(0, 128, 96)
    static let curveColour = Bitmap.Colour(33, 102, 172)

    /// Width of the blank strip at the left, in log10 units of the x axis.
    static let blankStrip = 0.5

    var ranges: (DensityPlot.Range, DensityPlot.Range) {
        let xs = (points.map(\.x) + replicates.map(\.x) + samples.compactMap(\.concentration)).filter { $0 > 0 && $0.isFinite }
        let standards = (points.map(\.x) + replicates.map(\.x)).filter { $0 > 0 && $0.isFinite }
        // Samples far off the curve's range do not stretch the axis beyond a decade past the standards.
        let sLow = log10(standards.min() ?? xs.min() ?? 1), sHigh = log10(standards.max() ?? xs.max() ?? 10)
        var low = max(log10(xs.min() ?? 1), sLow - 1) - 0.3, high = min(log10(xs.max() ?? 10), sHigh + 1) + 0.3
        if !blanks.isEmpty { low -= Self.blankStrip }
        if !(high > low) { high = low + 1 }
        var ys = points.map(\.y) + replicates.map(\.y) + blanks + samples.map(\.meanNetOD)
        ys += stride(from: low, through: high, by: (high - low) / 50).map { curve(pow(10, $0)) }
        let finite = ys.filter(\.isFinite)
        let yLow = min(finite.min() ?? 0, 0), yHigh = max((finite.max() ?? 1) * 1.05, yLow + 1e-9)
        return (DensityPlot.Range(low, high), DensityPlot.Range(yLow, yHigh))
    }

    /// Where the blank strip ends (log10 x): the curve and the log ticks start right of it.
    var curveStart: Double { ranges.0.low + (blanks.isEmpty ? 0 : Self.blankStrip) }

    /// The raster: curve, points and the limits (dashed).
    public func bitmap() -> Bitmap {
        let (xr, yr) = ranges
        let plot = DensityPlot(width: size, height: size, x: xr, y: yr)
        var bitmap = Bitmap(width: size, height: size)
        let start = curveStart
        if !blanks.isEmpty {
            // The strip's right border, dotted: the axis is broken there.
            let column = plot.column(start)
            var y = 0.0
            while y < Double(size) { bitmap.line(column, y, column, y + 1, Bitmap.Colour(180, 180, 180), width: 1); y += 4 }
        }
        for limit in [lloq, uloq].compactMap({ $0 }) where limit > 0 {
            let column = plot.column(log10(limit))
            var y = 0.0
            while y < Double(size) { bitmap.line(column, y, column, y + 4, Bitmap.Colour(120, 120, 120), width: 1); y += 8 }
        }
        var previous: (Double, Double)?
        for k in 0...200 {
            let lx = start + (xr.high - start) * Double(k) / 200
            let y = curve(pow(10, lx))
            guard y.isFinite else { previous = nil; continue }
            let point = (plot.column(lx), plot.row(y))
            if let previous { bitmap.line(previous.0, previous.1, point.0, point.1, Self.curveColour) }
            previous = point
        }
        func square(_ cx: Double, _ cy: Double, _ r: Int, _ colour: Bitmap.Colour) {
            let x = Int(cx.rounded()), y = Int(cy.rounded())
            for dx in -r...r { for dy in -r...r { bitmap.set(x + dx, y + dy, colour) } }
        }
        func circle(_ cx: Double, _ cy: Double, _ colour: Bitmap.Colour, filled: Bool) {
            let x = Int(cx.rounded()), y = Int(cy.rounded())
            for dx in -4...4 { for dy in -4...4 {
                let d = dx * dx + dy * dy
                if filled ? d <= 16 : (d <= 18 && d >= 9) { bitmap.set(x + dx, y + dy, colour) }
            } }
        }
        for (i, blank) in blanks.enumerated() {
            // Spread across the strip so replicate blanks do not hide each other.
            let x = xr.low + Self.blankStrip * (Double(i) + 1) / Double(blanks.count + 1)
            square(plot.column(x), plot.row(blank), 1, Self.replicateColour)
        }
        for point in points where point.x > 0 { square(plot.column(log10(point.x)), plot.row(point.y), 3, Self.standardColour) }
        // Replicate wells over their level's mean, so a spread smaller than the mean's square still shows.
        // Side by side, 10 px apart, centred on their level: replicates as tight as their mean show beside its square.
        let levels = Dictionary(grouping: replicates.indices.filter { replicates[$0].x > 0 }, by: { replicates[$0].x })
        for (x, indices) in levels {
            for (k, i) in indices.enumerated() {
                let offset = (Double(k) - Double(indices.count - 1) / 2) * 10
                square(plot.column(log10(x)) + offset, plot.row(replicates[i].y), 2, Self.replicateColour)
            }
        }
        for sample in samples where sample.meanNetOD.isFinite {
            let x: Double
            if let c = sample.concentration, c > 0 { x = min(max(log10(c), start), xr.high) }
            else { x = sample.meanNetOD <= curve(pow(10, start)) ? start : xr.high }
            circle(plot.column(x), plot.row(sample.meanNetOD), Self.sampleColour, filled: !sample.censored)
        }
        return bitmap
    }

    /// PNG bytes of the raster.
    public func png() -> [UInt8] { PNGEncoder.encode(bitmap()) }

    /// The x axis: decades of concentration (with minor ticks) right of the blank strip, and "blank" on the strip.
    var xAxis: Axis {
        let (xr, _) = ranges
        let start = curveStart
        var ticks: [Axis.Tick] = []
        for k in Int(start.rounded(.down))...Int(xr.high.rounded(.up)) {
            for m in 1...9 {
                let position = Double(k) + log10(Double(m))
                guard position >= start, position <= xr.high else { continue }
                ticks.append(m == 1 ? Axis.Tick(position: position, label: "10^\(k)", priority: 1)
                                    : Axis.Tick(position: position, label: "\(m)×10^\(k)", minor: true, priority: m == 2 || m == 5 ? 21 : 22))
            }
        }
        if !blanks.isEmpty { ticks.append(Axis.Tick(position: xr.low + Self.blankStrip / 2, label: "blank", priority: 0)) }
        return Axis(label: xLabel, range: xr, ticks: ticks, decades: true)
    }

    /// What the marks mean.
    var legend: [GatePlot.LegendEntry] {
        var entries = [GatePlot.LegendEntry(style: "bars", colour: Self.standardColour.css, label: "standards: level mean"),
                       GatePlot.LegendEntry(style: "line", colour: Self.curveColour.css, label: "fitted curve; dashed: LLOQ, ULOQ")]
        if !replicates.isEmpty || !blanks.isEmpty {
            entries.append(GatePlot.LegendEntry(style: "bars", colour: Self.replicateColour.css, label: "replicate wells\(blanks.isEmpty ? "" : " and blanks")"))
        }
        if !samples.isEmpty {
            let censored = samples.filter(\.censored).count
            entries.append(GatePlot.LegendEntry(style: "bars", colour: Self.sampleColour.css,
                                                label: "samples: mean net OD on the curve (\(samples.count); open: \(censored) censored)"))
        }
        return entries
    }

    /// The labelled SVG figure.
    public func svg() -> String {
        let (xr, yr) = ranges
        let plot = DensityPlot(width: size, height: size, x: xr, y: yr)
        let labels = [lloq.map { ((plot.column(log10($0)), 14.0), "LLOQ") }, uloq.map { ((plot.column(log10($0)), 28.0), "ULOQ") }].compactMap { $0 }
        return SVGFigure(title: title, bitmap: bitmap(), x: xAxis, y: Axis(label: yLabel, range: yr, transform: nil), density: plot,
                         labels: labels, legend: legend).render()
    }
}
