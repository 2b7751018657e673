/// A gate: the test that decides, for each event of its parent population, whether it belongs.
///
/// Boundary rules follow Gating-ML 2.0 as FlowKit/FlowUtils implement it (`../shared/gatingml/SEMANTICS.md`):
/// rectangles are `min ≤ v < max` with missing bounds open; polygons count crossings with the half-open edge
/// rule and keep odd counts (even–odd, so self-intersections are holes); ellipsoids keep `d² ≤ distance²`;
/// quadrant intervals are `[v_i, v_(i+1))`.
public enum Gate: Hashable, Sendable {
    case rectangle(RectangleGate)
    case polygon(PolygonGate)
    case ellipsoid(EllipsoidGate)
    case quadrant(QuadrantGate)
    case boolean(BooleanGate)

    /// The dimensions the gate reads (none for a boolean gate).
    public var dimensions: [GateDimension] {
        switch self {
        case .rectangle(let gate): gate.dimensions
        case .polygon(let gate): gate.dimensions
        case .ellipsoid(let gate): gate.dimensions
        case .quadrant(let gate): gate.dividers.map(\.dimension)
        case .boolean: []
        }
    }

    /// The Gating-ML element name.
    public var kind: String {
        switch self {
        case .rectangle: "RectangleGate"
        case .polygon: "PolygonGate"
        case .ellipsoid: "EllipsoidGate"
        case .quadrant: "QuadrantGate"
        case .boolean: "BooleanGate"
        }
    }
}

/// `min ≤ v < max` on every dimension; nil bounds are open.
public struct RectangleGate: Hashable, Sendable {
    public var dimensions: [GateDimension]
    public var minimum: [Double?]
    public var maximum: [Double?]
    public init(dimensions: [GateDimension], minimum: [Double?], maximum: [Double?]) {
        self.dimensions = dimensions
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// A polygon in two dimensions; the last vertex joins the first.
public struct PolygonGate: Hashable, Sendable {
    public var dimensions: [GateDimension]
    public var vertices: [[Double]]
    public init(dimensions: [GateDimension], vertices: [[Double]]) {
        self.dimensions = dimensions
        self.vertices = vertices
    }
}

/// `(v − mean)ᵀ Σ⁻¹ (v − mean) ≤ distanceSquare`.
public struct EllipsoidGate: Hashable, Sendable {
    public var dimensions: [GateDimension]
    public var mean: [Double]
    public var covariance: [[Double]]
    public var distanceSquare: Double
    public init(dimensions: [GateDimension], mean: [Double], covariance: [[Double]], distanceSquare: Double) {
        self.dimensions = dimensions
        self.mean = mean
        self.covariance = covariance
        self.distanceSquare = distanceSquare
    }
}

/// Dividers cut dimensions into intervals; each quadrant picks one interval per divider it names.
/// The quadrants are the populations; the gate's own id is not.
public struct QuadrantGate: Hashable, Sendable {
    /// One divider: a dimension and its increasing cut values.
    public struct Divider: Hashable, Sendable {
        public var id: String
        public var dimension: GateDimension
        public var cuts: [Double]
        public init(id: String, dimension: GateDimension, cuts: [Double]) {
            self.id = id
            self.dimension = dimension
            self.cuts = cuts
        }
        /// The interval a value falls in: 0 below the first cut … cuts.count above the last; nil for NaN.
        public func interval(of value: Double) -> Int? {
            if value.isNaN { return nil }
            var index = 0
            while index < cuts.count && value >= cuts[index] { index += 1 }
            return index
        }
    }

    /// One quadrant: an id and, per divider it constrains, a location inside the chosen interval.
    public struct Quadrant: Hashable, Sendable {
        public var id: String
        public var positions: [String: Double]
        public init(id: String, positions: [String: Double]) {
            self.id = id
            self.positions = positions
        }
    }

    public var dividers: [Divider]
    public var quadrants: [Quadrant]
    public init(dividers: [Divider], quadrants: [Quadrant]) {
        self.dividers = dividers
        self.quadrants = quadrants
    }
}

/// `and`, `or` (two or more operands) or `not` (one) over other populations, each optionally complemented.
public struct BooleanGate: Hashable, Sendable {
    public enum Operation: String, Hashable, Sendable { case and, or, not }
    public struct Operand: Hashable, Sendable {
        public var reference: String
        public var complement: Bool
        public init(reference: String, complement: Bool = false) {
            self.reference = reference
            self.complement = complement
        }
    }
    public var operation: Operation
    public var operands: [Operand]
    public init(operation: Operation, operands: [Operand]) {
        self.operation = operation
        self.operands = operands
    }
}
