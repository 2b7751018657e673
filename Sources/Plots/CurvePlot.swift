import Foundation

/// A standard-curve plot: the standards' points, the fitted curve and the LLOQ/ULOQ, concentration on a log
/// axis. It knows nothing of ELISA: it is given points, a curve function and the limits.
public struct CurvePlot: Sendable {
    public var points: [(x: Double, y: Double)]
    public var curve: @Sendable (Double) -> Double
    public var lloq: Double?
    public var uloq: Double?
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var size: Int

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

    var ranges: (DensityPlot.Range, DensityPlot.Range) {
        let xs = points.map(\.x).filter { $0 > 0 }
        let low = log10(xs.min() ?? 1) - 0.3, high = log10(xs.max() ?? 10) + 0.3
        let ys = points.map(\.y) + stride(from: low, through: high, by: (high - low) / 50).map { curve(pow(10, $0)) }
        let finite = ys.filter(\.isFinite)
        let yLow = min(finite.min() ?? 0, 0), yHigh = (finite.max() ?? 1) * 1.05
        return (DensityPlot.Range(low, high), DensityPlot.Range(yLow, yHigh))
    }

    /// The raster: curve, points (filled squares) and the limits (dashed).
    public func bitmap() -> Bitmap {
        let (xr, yr) = ranges
        let plot = DensityPlot(width: size, height: size, x: xr, y: yr)
        var bitmap = Bitmap(width: size, height: size)
        for limit in [lloq, uloq].compactMap({ $0 }) where limit > 0 {
            let column = plot.column(log10(limit))
            var y = 0.0
            while y < Double(size) { bitmap.line(column, y, column, y + 4, Bitmap.Colour(120, 120, 120), width: 1); y += 8 }
        }
        var previous: (Double, Double)?
        for k in 0...200 {
            let lx = xr.low + (xr.high - xr.low) * Double(k) / 200
            let y = curve(pow(10, lx))
            guard y.isFinite else { previous = nil; continue }
            let point = (plot.column(lx), plot.row(y))
            if let previous { bitmap.line(previous.0, previous.1, point.0, point.1, Bitmap.Colour(33, 102, 172)) }
            previous = point
        }
        for point in points where point.x > 0 {
            let cx = Int(plot.column(log10(point.x)).rounded()), cy = Int(plot.row(point.y).rounded())
            for dx in -3...3 { for dy in -3...3 { bitmap.set(cx + dx, cy + dy, .gate) } }
        }
        return bitmap
    }

    /// PNG bytes of the raster.
    public func png() -> [UInt8] { PNGEncoder.encode(bitmap()) }

    /// The labelled SVG figure.
    public func svg() -> String {
        let (xr, yr) = ranges
        let plot = DensityPlot(width: size, height: size, x: xr, y: yr)
        var xAxis = Axis(label: xLabel, range: xr, transform: nil)
        xAxis.ticks = stride(from: xr.low.rounded(.up), through: xr.high, by: 1).map { Axis.Tick(position: $0, label: "10^\(Int($0))") }
        let labels = [lloq.map { ((plot.column(log10($0)), 14.0), "LLOQ") }, uloq.map { ((plot.column(log10($0)), 14.0), "ULOQ") }].compactMap { $0 }
        return SVGFigure(title: title, bitmap: bitmap(), x: xAxis, y: Axis(label: yLabel, range: yr, transform: nil), density: plot, labels: labels).render()
    }
}
