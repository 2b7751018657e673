extension PolygonGate {
    /// Coordinates beyond ±2^501 (about ±6.5e150) can make the crossing test overflow; within it they cannot.
    static let farCoordinate = 0x1p501

    /// The crossing test for a polygon with a vertex beyond ±2^501, or nil when every vertex is within (every gate
    /// drawn on cytometry data: the gating engine's fast paths then apply unchanged).
    ///
    /// A template may put a vertex as far as ±1.8e308 (a corner meant as "open"). On an edge that reaches such a
    /// vertex the test `px < xi + (py − yi)(xj − xi) / (yj − yi)` overflowed to ±inf or NaN, and events inside were
    /// counted outside. Such an edge, and only such an edge, is tested on its endpoints and the event multiplied by
    /// a power of two that brings the endpoints within ±2^501: the differences stay below 2^502 and their product
    /// below 2^1004, and multiplying by a power of two changes no comparison (short of subnormal products, far below
    /// any event's digits). Every other edge is tested exactly as in the fast paths.
    public var farVertexCrossing: FarVertexCrossing? { FarVertexCrossing(self) }
}

/// The even–odd crossing test, half-open edge rule, of a polygon with vertices beyond ±2^501
/// (``PolygonGate/farVertexCrossing``): the same arithmetic as the gating engine's, edge by edge, with a far edge
/// scaled so that no step overflows.
public struct FarVertexCrossing: Sendable {
    /// Per edge (from vertex j = i − 1 to vertex i): the power of two it is tested at (1 for an ordinary edge) and
    /// its endpoints multiplied by it.
    let scale: [Double], xi: [Double], yi: [Double], xj: [Double], yj: [Double]
    /// The unscaled bounding box: no event outside it is inside.
    let minX: Double, maxX: Double, minY: Double, maxY: Double

    init?(_ gate: PolygonGate) {
        let vx = gate.vertices.map { $0.count == 2 ? $0[0] : .nan }, vy = gate.vertices.map { $0.count == 2 ? $0[1] : .nan }
        guard vx.count >= 3, vx.contains(where: { abs($0) >= PolygonGate.farCoordinate }) || vy.contains(where: { abs($0) >= PolygonGate.farCoordinate }),
              let minX = vx.min(), let maxX = vx.max(), let minY = vy.min(), let maxY = vy.max() else { return nil }
        (self.minX, self.maxX, self.minY, self.maxY) = (minX, maxX, minY, maxY)
        var scale: [Double] = [], xi: [Double] = [], yi: [Double] = [], xj: [Double] = [], yj: [Double] = []
        for i in vx.indices {
            let j = i == 0 ? vx.count - 1 : i - 1
            let largest = [vx[i], vy[i], vx[j], vy[j]].reduce(0) { $1.isFinite ? Swift.max($0, abs($1)) : $0 }
            // largest × s falls in [2^500, 2^501).
            let s = largest >= PolygonGate.farCoordinate ? Double(sign: .plus, exponent: 500 - largest.exponent, significand: 1) : 1
            scale.append(s)
            xi.append(vx[i] * s); yi.append(vy[i] * s); xj.append(vx[j] * s); yj.append(vy[j] * s)
        }
        (self.scale, self.xi, self.yi, self.xj, self.yj) = (scale, xi, yi, xj, yj)
    }

    /// Whether the event (x, y) is inside: an odd number of edges that span y (half-open) lie to its right.
    public func contains(x: Double, y: Double) -> Bool {
        guard x >= minX, x <= maxX, y >= minY, y <= maxY else { return false }
        var inside = false
        for e in scale.indices {
            let s = scale[e]
            let px = x * s, py = y * s
            if (yi[e] <= py) != (yj[e] <= py), px < xi[e] + (py - yi[e]) * (xj[e] - xi[e]) / (yj[e] - yi[e]) { inside.toggle() }
        }
        return inside
    }
}
