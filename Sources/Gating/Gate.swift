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
    /// The dimensions the gate reads, in order.
    public var dimensions: [GateDimension]
    /// Lower bound per dimension (inclusive); nil is open.
    public var minimum: [Double?]
    /// Upper bound per dimension (exclusive); nil is open.
    public var maximum: [Double?]
    /// Creates the value from its parts.
    public init(dimensions: [GateDimension], minimum: [Double?], maximum: [Double?]) {
        self.dimensions = dimensions
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// A polygon in two dimensions; the last vertex joins the first.
public struct PolygonGate: Hashable, Sendable {
    /// The dimensions the gate reads, in order.
    public var dimensions: [GateDimension]
    /// Vertices as [x, y] in the dimensions' units.
    public var vertices: [[Double]]
    /// Creates the value from its parts.
    public init(dimensions: [GateDimension], vertices: [[Double]]) {
        self.dimensions = dimensions
        self.vertices = vertices
    }
}

/// `(v − mean)ᵀ Σ⁻¹ (v − mean) ≤ distanceSquare`.
public struct EllipsoidGate: Hashable, Sendable {
    /// The dimensions the gate reads, in order.
    public var dimensions: [GateDimension]
    /// The centre.
    public var mean: [Double]
    /// The covariance matrix whose inverse defines the distance.
    public var covariance: [[Double]]
    /// Events at squared Mahalanobis distance up to this are inside.
    public var distanceSquare: Double
    /// Creates the value from its parts.
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
        /// The id results and references use.
        public var id: String
        /// The dimension the divider cuts.
        public var dimension: GateDimension
        /// Cut values, increasing.
        public var cuts: [Double]
        /// Creates the value from its parts.
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
        /// The id results and references use.
        public var id: String
        /// Divider id → a location inside the chosen interval.
        public var positions: [String: Double]
        /// Creates the value from its parts.
        public init(id: String, positions: [String: Double]) {
            self.id = id
            self.positions = positions
        }
    }

    /// The dividers.
    public var dividers: [Divider]
    /// The quadrants (the populations).
    public var quadrants: [Quadrant]
    /// Creates the value from its parts.
    public init(dividers: [Divider], quadrants: [Quadrant]) {
        self.dividers = dividers
        self.quadrants = quadrants
    }
}

/// `and`, `or` (two or more operands) or `not` (one) over other populations, each optionally complemented.
public struct BooleanGate: Hashable, Sendable {
    /// How operands combine.
    public enum Operation: String, Hashable, Sendable { case and, or, not }
    /// A reference to another population, optionally complemented.
    public struct Operand: Hashable, Sendable {
        /// The population referred to.
        public var reference: String
        /// Use the events not in the population.
        public var complement: Bool
        /// Creates the value from its parts.
        public init(reference: String, complement: Bool = false) {
            self.reference = reference
            self.complement = complement
        }
    }
    /// and, or or not.
    public var operation: Operation
    /// The operands (two or more; exactly one for not).
    public var operands: [Operand]
    /// Creates the value from its parts.
    public init(operation: Operation, operands: [Operand]) {
        self.operation = operation
        self.operands = operands
    }
}

extension Gate {
    /// The template `type`: rectangle, polygon, ellipse, quadrant or boolean.
    public var typeName: String {
        switch self {
        case .rectangle: "rectangle"
        case .polygon: "polygon"
        case .ellipsoid: "ellipse"
        case .quadrant: "quadrant"
        case .boolean: "boolean"
        }
    }
}
