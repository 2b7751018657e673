import Gating
import Transforms

/// Events binned into pixels: a 2-D pseudocolour density (log-density colour map) over given axis ranges,
/// with gates drawn over it in the same coordinates.
public struct DensityPlot: Sendable {
    /// Axis range in the plotted (gate) coordinates.
    public struct Range: Sendable, Equatable, Codable {
        public var low: Double
        public var high: Double
        /// Creates a range; `high` must exceed `low` (it is raised to at least the next double above `low`).
        public init(_ low: Double, _ high: Double) { self.low = low; self.high = max(high, low + 1e-12, low.nextUp) }
    }

    /// Plot size in pixels.
    public var width: Int, height: Int
    /// Axis ranges.
    public var x: Range, y: Range

    /// A plot of the given size and ranges.
    public init(width: Int = 320, height: Int = 320, x: Range, y: Range) {
        self.width = width
        self.height = height
        self.x = x
        self.y = y
    }

    /// Pixel column of an x value (may fall outside the image).
    public func column(_ value: Double) -> Double { (value - x.low) / (x.high - x.low) * Double(width - 1) }
    /// Pixel row of a y value (row 0 at the top).
    public func row(_ value: Double) -> Double { Double(height - 1) - (value - y.low) / (y.high - y.low) * Double(height - 1) }

    /// The density image of the events in `events`; `xs` and `ys` are untransformed values whose plotted
    /// coordinates are `xTransform(x)` and `yTransform(y)` (nil: plotted as they are).
    public func render(xs: [Double], ys: [Double], events: EventSet, xTransform: (any Transform)? = nil, yTransform: (any Transform)? = nil) -> Bitmap {
        // Off-scale events pile up on the edges, as cytometry plots show them.
        let columns = Binning(count: width, range: x, transform: xTransform, centred: true)
        let rows = Binning(count: height, range: y, transform: yTransform, centred: true)
        var counts = [Int](repeating: 0, count: width * height)
        events.forEach { e in
            guard let px = columns.bin(xs[e]), let up = rows.bin(ys[e]) else { return }
            counts[(height - 1 - up) * width + px] += 1
        }
        let maximum = counts.max() ?? 0
        var bitmap = Bitmap(width: width, height: height)
        for py in 0..<height {
            for px in 0..<width where counts[py * width + px] > 0 {
                bitmap.set(px, py, ColourMap.colour(counts[py * width + px], maximum: maximum))
            }
        }
        return bitmap
    }

    /// Draws a gate's outline (and returns the pixel where its label goes).
    @discardableResult
    public func draw(_ gate: Gate, quadrantIDs: [String] = [], on bitmap: inout Bitmap, colour: Bitmap.Colour = .gate) -> (Double, Double) {
        switch gate {
        case .rectangle(let r):
            let x0 = column(r.minimum.first.flatMap { $0 } ?? x.low - (x.high - x.low)), x1 = column(r.maximum.first.flatMap { $0 } ?? x.high + (x.high - x.low))
            var y0 = row(y.low - (y.high - y.low)), y1 = row(y.high + (y.high - y.low))
            if r.dimensions.count > 1 {
                y0 = row(r.minimum[1] ?? y.low - (y.high - y.low))
                y1 = row(r.maximum[1] ?? y.high + (y.high - y.low))
            }
            let left = max(min(x0, x1), -2), right = min(max(x0, x1), Double(width + 1))
            let top = max(min(y0, y1), -2), bottom = min(max(y0, y1), Double(height + 1))
            bitmap.polygon([(left, top), (right, top), (right, bottom), (left, bottom)], colour)
            return ((left + right) / 2, top + 12)
        case .polygon(let p):
            let points = p.vertices.map { (column($0[0]), row($0[1])) }
            bitmap.polygon(points, colour)
            return (points.map(\.0).reduce(0, +) / Double(points.count), points.map(\.1).min() ?? 0)
        case .ellipsoid(let e):
            guard e.mean.count == 2, e.covariance.count == 2 else { return (0, 0) }
            // Boundary: mean + sqrt(d²) · L · (cos t, sin t) with L the Cholesky factor of the covariance.
            let a = e.covariance[0][0], b = e.covariance[0][1], c = e.covariance[1][1]
            let l11 = a.squareRoot(), l21 = b / l11, l22 = max(c - l21 * l21, 0).squareRoot()
            let r = e.distanceSquare.squareRoot()
            let points = (0..<128).map { k -> (Double, Double) in
                let t = Double(k) / 128 * 2 * Double.pi
                let u = r * cos(t), v = r * sin(t)
                return (column(e.mean[0] + l11 * u), row(e.mean[1] + l21 * u + l22 * v))
            }
            bitmap.polygon(points, colour)
            return (column(e.mean[0]), points.map(\.1).min() ?? 0)
        case .quadrant(let q):
            for divider in q.dividers {
                for cut in divider.cuts {
                    if divider.dimension == q.dividers.first?.dimension {
                        bitmap.line(column(cut), 0, column(cut), Double(height - 1), colour)
                    } else {
                        bitmap.line(0, row(cut), Double(width - 1), row(cut), colour)
                    }
                }
            }
            return (Double(width) / 2, 12)
        case .boolean:
            return (0, 0)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
