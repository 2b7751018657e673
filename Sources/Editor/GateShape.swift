import Gating

/// A gate's coordinates as the page sends and receives them (JSON), in the gate's own (transformed) units:
/// rectangle bounds (null for an open side), polygon vertices, an ellipse's mean, covariance and squared distance,
/// a quadrant gate's cuts per divider. The dimensions, ids and kind stay those of the template's gate.
public struct GateShape: Codable, Sendable, Equatable {
    /// `rectangle`, `polygon`, `ellipse`, `quadrant` or `boolean`.
    public var kind: String
    /// Rectangle: lower bound per dimension (null: open).
    public var min: [Double?]?
    /// Rectangle: upper bound per dimension (null: open).
    public var max: [Double?]?
    /// Polygon: `[x, y]` vertices.
    public var vertices: [[Double]]?
    /// Ellipse: the centre.
    public var mean: [Double]?
    /// Ellipse: the covariance matrix.
    public var covariance: [[Double]]?
    /// Ellipse: the squared Mahalanobis distance of the boundary.
    public var distanceSquare: Double?
    /// Quadrant: the cut values of each divider, in the gate's divider order.
    public var cuts: [[Double]]?

    /// Creates a shape from its parts (tests and clients).
    public init(kind: String, min: [Double?]? = nil, max: [Double?]? = nil, vertices: [[Double]]? = nil, mean: [Double]? = nil,
                covariance: [[Double]]? = nil, distanceSquare: Double? = nil, cuts: [[Double]]? = nil) {
        self.kind = kind
        self.min = min
        self.max = max
        self.vertices = vertices
        self.mean = mean
        self.covariance = covariance
        self.distanceSquare = distanceSquare
        self.cuts = cuts
    }

    /// The coordinates of `gate`.
    public init(_ gate: Gate) {
        switch gate {
        case .rectangle(let r): self.init(kind: "rectangle", min: r.minimum, max: r.maximum)
        case .polygon(let p): self.init(kind: "polygon", vertices: p.vertices)
        case .ellipsoid(let e): self.init(kind: "ellipse", mean: e.mean, covariance: e.covariance, distanceSquare: e.distanceSquare)
        case .quadrant(let q): self.init(kind: "quadrant", cuts: q.dividers.map(\.cuts))
        case .boolean: self.init(kind: "boolean")
        }
    }

    /// `gate` with these coordinates; throws when the shape does not fit it (another kind, another number of
    /// dimensions or vertices below 3, numbers that are not finite, bounds out of order, a covariance that is not
    /// positive definite, cuts not increasing).
    public func applied(to gate: Gate, population: String) throws -> Gate {
        func fail(_ message: String) -> EditorError { EditorError(.invalidGate, place: population, message) }
        func finite(_ values: [Double], _ what: String) throws {
            guard values.allSatisfy(\.isFinite) else { throw fail("expected finite numbers for \(what)") }
        }
        switch gate {
        case .rectangle(var r):
            guard kind == "rectangle", let min, let max, min.count == r.dimensions.count, max.count == r.dimensions.count else {
                throw fail("expected a rectangle with min and max for its \(r.dimensions.count) dimension(s)")
            }
            try finite(min.compactMap { $0 } + max.compactMap { $0 }, "the bounds")
            for d in min.indices {
                if let low = min[d], let high = max[d], !(low < high) { throw fail("expected min < max on dimension \(d + 1), found \(low) and \(high)") }
            }
            r.minimum = min
            r.maximum = max
            return .rectangle(r)
        case .polygon(var p):
            guard kind == "polygon", let vertices, vertices.count >= 3, vertices.allSatisfy({ $0.count == 2 }) else {
                throw fail("expected a polygon of at least 3 [x, y] vertices")
            }
            guard vertices.count <= 10_000 else { throw fail("expected at most 10000 vertices, found \(vertices.count)") }
            try finite(vertices.flatMap { $0 }, "the vertices")
            guard PolygonGate.enclosesArea(vertices) else {
                throw fail("expected a polygon that encloses an area, found its vertices all on one line")
            }
            p.vertices = vertices
            return .polygon(p)
        case .ellipsoid(var e):
            let n = e.dimensions.count
            guard kind == "ellipse", let mean, let covariance, let distanceSquare, mean.count == n, covariance.count == n,
                  covariance.allSatisfy({ $0.count == n }) else {
                throw fail("expected an ellipse with a mean of \(n) values, a \(n)×\(n) covariance and distanceSquare")
            }
            try finite(mean + covariance.flatMap { $0 } + [distanceSquare], "the ellipse")
            guard distanceSquare > 0 else { throw fail("expected distanceSquare > 0, found \(distanceSquare)") }
            if n == 2 {
                let a = covariance[0][0], b = covariance[0][1], c = covariance[1][1]
                guard a > 0, c > 0, a * c - b * b > 0, b == covariance[1][0] else {
                    throw fail("expected a symmetric, positive definite covariance")
                }
            }
            e.mean = mean
            e.covariance = covariance
            e.distanceSquare = distanceSquare
            return .ellipsoid(e)
        case .quadrant(var q):
            guard kind == "quadrant", let cuts, cuts.count == q.dividers.count else {
                throw fail("expected cuts for each of the \(q.dividers.count) dividers")
            }
            for (d, divider) in cuts.enumerated() {
                try finite(divider, "the cuts")
                guard divider.count == q.dividers[d].cuts.count, zip(divider, divider.dropFirst()).allSatisfy({ $0 < $1 }) else {
                    throw fail("expected \(q.dividers[d].cuts.count) increasing cut(s) for divider '\(q.dividers[d].id)'")
                }
                q.dividers[d].cuts = divider
            }
            return .quadrant(q)
        case .boolean:
            throw fail("a boolean gate has no coordinates to edit")
        }
    }
}
