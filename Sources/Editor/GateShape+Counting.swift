import Compensation
import Gating

extension GateShape {
    /// Events of a parent population in a gate's dimensions: the values (in gate units) of the parent's events
    /// only, so a drag counts over the parent without touching the file.
    struct ParentValues: Sendable {
        /// One column per gate dimension (quadrant gates: per divider), parent events only.
        var columns: [[Double]]
        /// Number of parent events.
        var count: Int { columns.first?.count ?? 0 }
    }

    /// Events of `values` inside `gate`, per result id (a quadrant gate gives one count per quadrant), with the
    /// boundary rules of the gating engine (``Gate``): `min ≤ v < max`, even–odd polygons with the half-open edge
    /// rule and the engine's crossing arithmetic, `d² ≤ distance²`, quadrant intervals `[cᵢ, cᵢ₊₁)`.
    static func counts(_ gate: Gate, id: String, in values: ParentValues) -> [String: Int] {
        let n = values.count
        switch gate {
        case .rectangle(let r):
            var inside = 0
            for e in 0..<n {
                var keep = true
                for d in r.dimensions.indices {
                    let v = values.columns[d][e]
                    if let low = r.minimum[d], !(v >= low) { keep = false; break }
                    if let high = r.maximum[d], !(v < high) { keep = false; break }
                }
                if keep { inside += 1 }
            }
            return [id: inside]
        case .polygon(let p):
            let xs = values.columns[0], ys = values.columns[1]
            if let far = p.farVertexCrossing {
                return [id: (0..<n).reduce(0) { $0 + (far.contains(x: xs[$1], y: ys[$1]) ? 1 : 0) }]
            }
            let vx = p.vertices.map { $0[0] }, vy = p.vertices.map { $0[1] }
            guard let minX = vx.min(), let maxX = vx.max(), let minY = vy.min(), let maxY = vy.max() else { return [id: 0] }
            var inside = 0
            for e in 0..<n {
                let px = xs[e], py = ys[e]
                guard px >= minX, px <= maxX, py >= minY, py <= maxY else { continue }
                var odd = false
                var j = vx.count - 1
                for i in vx.indices {
                    let yi = vy[i], yj = vy[j]
                    if (yi <= py) != (yj <= py) {
                        let xi = vx[i]
                        if px < xi + (py - yi) * (vx[j] - xi) / (yj - yi) { odd.toggle() }
                    }
                    j = i
                }
                if odd { inside += 1 }
            }
            return [id: inside]
        case .ellipsoid(let g):
            guard let inverse = invert(g.covariance) else { return [id: 0] }
            let k = g.mean.count
            var inside = 0
            var delta = [Double](repeating: 0, count: k)
            for e in 0..<n {
                for d in 0..<k { delta[d] = values.columns[d][e] - g.mean[d] }
                var distance = 0.0
                for i in 0..<k { for j in 0..<k { distance += delta[i] * inverse[i][j] * delta[j] } }
                if distance <= g.distanceSquare { inside += 1 }
            }
            return [id: inside]
        case .quadrant(let q):
            var result: [String: Int] = [:]
            let intervals = q.dividers.indices.map { d in values.columns[d].map { q.dividers[d].interval(of: $0) } }
            for quadrant in q.quadrants {
                var wanted: [(Int, Int)] = []
                for (dividerID, location) in quadrant.positions {
                    guard let d = q.dividers.firstIndex(where: { $0.id == dividerID }), let interval = q.dividers[d].interval(of: location) else { continue }
                    wanted.append((d, interval))
                }
                var inside = 0
                for e in 0..<n where wanted.allSatisfy({ intervals[$0.0][e] == $0.1 }) { inside += 1 }
                result[quadrant.id] = inside
            }
            return result
        case .boolean:
            return [:]
        }
    }

    /// The covariance's inverse, computed as the engine does (the compensation stage's LU solve), so drags and
    /// re-gates agree on events at the boundary; nil when singular.
    static func invert(_ matrix: [[Double]]) -> [[Double]]? {
        let names = matrix.indices.map(String.init)
        return try? SpilloverMatrix(fluorochromes: names, detectors: names, coefficients: matrix, source: "covariance").unmixingMatrix()
    }
}
