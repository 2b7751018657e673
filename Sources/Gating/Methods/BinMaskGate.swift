/// A gate made of whole bins of a 2-D histogram (what FlowCal's `density2d` keeps): an event is in when it falls
/// in an accepted bin. Bins are numpy's: `edges[i] ≤ v < edges[i+1]`, the last bin closed on the right; events
/// outside the edges, or NaN, are out. The decision compares the value with the edges themselves (no arithmetic),
/// so it is exact.
public struct BinMaskGate: Hashable, Sendable {
    /// The two dimensions, x then y.
    public var dimensions: [GateDimension]
    /// Bin edges along x (bins + 1, increasing).
    public var xEdges: [Double]
    /// Bin edges along y.
    public var yEdges: [Double]
    /// Accepted bins as a row-major bitmap: bin (i, j) (i along x) is `accepted[i * (yEdges.count − 1) + j]`.
    public var accepted: [Bool]

    /// Creates the value from its parts.
    public init(dimensions: [GateDimension], xEdges: [Double], yEdges: [Double], accepted: [Bool]) {
        self.dimensions = dimensions
        self.xEdges = xEdges
        self.yEdges = yEdges
        self.accepted = accepted
    }

    /// numpy's `linspace(low, high, bins + 1)`: `low + i · ((high − low) / bins)`, the last edge exactly `high`.
    public static func edges(_ low: Double, _ high: Double, bins: Int) -> [Double] {
        let step = (high - low) / Double(bins)
        var edges = (0...bins).map { Double($0) * step + low }
        edges[bins] = high
        return edges
    }

    /// The bin holding `v` (numpy's `digitize − 1`, the last edge in the last bin), or nil outside.
    public static func bin(_ v: Double, _ edges: [Double]) -> Int? {
        guard let last = edges.last, let first = edges.first, v >= first, v <= last else { return nil }  // NaN fails too
        if v == last { return edges.count - 2 }
        // The number of edges ≤ v, minus one (searchsorted side='right').
        var low = 0, high = edges.count
        while low < high {
            let mid = (low + high) / 2
            if edges[mid] <= v { low = mid + 1 } else { high = mid }
        }
        return low - 1
    }

    /// Whether the event at (x, y) is in an accepted bin.
    public func contains(_ x: Double, _ y: Double) -> Bool {
        guard let i = Self.bin(x, xEdges), let j = Self.bin(y, yEdges) else { return false }
        return accepted[i * (yEdges.count - 1) + j]
    }

    /// The accepted bins as runs along y per x bin: `[i, j_first, j_last]` (inclusive), i then j increasing.
    public var runs: [[Int]] {
        let ny = yEdges.count - 1
        var runs: [[Int]] = []
        for i in 0..<(xEdges.count - 1) {
            var j = 0
            while j < ny {
                guard accepted[i * ny + j] else { j += 1; continue }
                let start = j
                while j + 1 < ny, accepted[i * ny + j + 1] { j += 1 }
                runs.append([i, start, j])
                j += 1
            }
        }
        return runs
    }

    /// The accepted region as one polygon for drawing (each run a rectangle, chained through its lower-left
    /// corner and back, so the joins cancel under the even–odd rule); nil when no bin is accepted.
    public var outline: PolygonGate? {
        let rectangles = runs.map { run in
            [[xEdges[run[0]], yEdges[run[1]]], [xEdges[run[0] + 1], yEdges[run[1]]],
             [xEdges[run[0] + 1], yEdges[run[2] + 1]], [xEdges[run[0]], yEdges[run[2] + 1]]]
        }
        guard !rectangles.isEmpty else { return nil }
        var vertices: [[Double]] = []
        for r in rectangles { vertices += r + [r[0]] }
        for r in rectangles.dropFirst().dropLast().reversed() { vertices.append(r[0]) }
        return PolygonGate(dimensions: dimensions, vertices: vertices)
    }
}
