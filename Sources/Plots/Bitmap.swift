/// An RGBA image with the few drawing operations plots need: filled rectangles, lines, polygon and ellipse
/// outlines, all clipped to the image.
public struct Bitmap: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Row-major RGBA bytes, top row first.
    public var pixels: [UInt8]

    /// A colour.
    public struct Colour: Sendable, Equatable {
        public var r: UInt8, g: UInt8, b: UInt8, a: UInt8
        /// Creates a colour.
        public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) { self.r = r; self.g = g; self.b = b; self.a = a }
        /// White.
        public static let white = Colour(255, 255, 255)
        /// Black.
        public static let black = Colour(0, 0, 0)
        /// The gate outline colour.
        public static let gate = Colour(220, 20, 60)
    }

    /// A blank image filled with `background`.
    public init(width: Int, height: Int, background: Colour = .white) {
        self.width = max(width, 1)
        self.height = max(height, 1)
        pixels = [UInt8](repeating: 0, count: self.width * self.height * 4)
        for i in 0..<(self.width * self.height) {
            pixels[4 * i] = background.r; pixels[4 * i + 1] = background.g; pixels[4 * i + 2] = background.b; pixels[4 * i + 3] = background.a
        }
    }

    /// The colour at (x, y); (0, 0) is the top-left pixel.
    public func pixel(_ x: Int, _ y: Int) -> Colour {
        let i = 4 * (y * width + x)
        return Colour(pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3])
    }

    /// Sets one pixel (ignored outside the image).
    public mutating func set(_ x: Int, _ y: Int, _ c: Colour) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = 4 * (y * width + x)
        pixels[i] = c.r; pixels[i + 1] = c.g; pixels[i + 2] = c.b; pixels[i + 3] = c.a
    }

    /// A line of the given width between two points (pixel coordinates).
    public mutating func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: Colour, width lineWidth: Int = 2) {
        guard x0.isFinite, y0.isFinite, x1.isFinite, y1.isFinite else { return }
        // Pixel coordinates of gates far off the plot: the length can overflow Int (or even Double), so it is
        // checked as a Double; such a line is clipped to the image first.
        guard let (x0, y0, x1, y1) = Self.clip(x0, y0, x1, y1, width: Double(width), height: Double(height)) else { return }
        let length = max(abs(x1 - x0), abs(y1 - y0)).rounded(.up)
        guard length.isFinite, length < 100_000 else { return }
        let steps = Int(length) + 1
        let half = lineWidth / 2
        for s in 0...steps {
            let t = Double(s) / Double(steps)
            let x = Int((x0 + t * (x1 - x0)).rounded()), y = Int((y0 + t * (y1 - y0)).rounded())
            for dx in -half...(lineWidth - 1 - half) { for dy in -half...(lineWidth - 1 - half) { set(x + dx, y + dy, c) } }
        }
    }

    /// The part of a segment within a margin around the image, or nil when none of it is. Coordinates may be
    /// near ±1.7e308: differences are taken of halves, and each cut point is computed along the segment from
    /// the end being moved, x cuts first, so the y cuts work on small x values (no cancellation of huge terms).
    static func clip(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, width: Double, height: Double) -> (Double, Double, Double, Double)? {
        let margin = 4.0
        var a = (x0, y0), b = (x1, y1)
        /// The point of segment p→q whose coordinate `axis` (0: x, 1: y) is `value`.
        func cut(_ p: (Double, Double), _ q: (Double, Double), axis: Int, at value: Double) -> (Double, Double) {
            let (pv, qv, pw, qw) = axis == 0 ? (p.0, q.0, p.1, q.1) : (p.1, q.1, p.0, q.0)
            let t = (value / 2 - pv / 2) / (qv / 2 - pv / 2)
            let other = pw + 2 * t * (qw / 2 - pw / 2)
            return axis == 0 ? (value, other) : (other, value)
        }
        for (axis, size) in [(0, width), (1, height)] {
            let low = -margin, high = size + margin
            func v(_ p: (Double, Double)) -> Double { axis == 0 ? p.0 : p.1 }
            if v(a) < low && v(b) < low || v(a) > high && v(b) > high { return nil }
            if v(a) < low { a = cut(a, b, axis: axis, at: low) } else if v(a) > high { a = cut(a, b, axis: axis, at: high) }
            if v(b) < low { b = cut(b, a, axis: axis, at: low) } else if v(b) > high { b = cut(b, a, axis: axis, at: high) }
        }
        guard a.0.isFinite, a.1.isFinite, b.0.isFinite, b.1.isFinite else { return nil }
        return (a.0, a.1, b.0, b.1)
    }

    /// A closed polygon outline.
    public mutating func polygon(_ points: [(Double, Double)], _ c: Colour, width lineWidth: Int = 2) {
        guard points.count >= 2 else { return }
        for i in points.indices {
            let a = points[i], b = points[(i + 1) % points.count]
            line(a.0, a.1, b.0, b.1, c, width: lineWidth)
        }
    }
}
