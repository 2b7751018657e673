import Compensation
import Transforms

/// A transform a strategy can name: the one-dimensional scale transforms, or a ratio of two channels.
public enum ScaleTransform: Sendable {
    case linear(LinearTransform)
    case log(LogTransform)
    case asinh(AsinhTransform)
    case logicle(LogicleTransform)
    case hyperlog(HyperlogTransform)
    case flowJoBiex(FlowJoBiexTransform)
    /// A ratio of two channels (Gating-ML `fratio`), with its input channels.
    case ratio(RatioTransform, numerator: String, denominator: String)

    /// The one-dimensional transform, or nil for a ratio.
    public var transform: (any Transform)? {
        switch self {
        case .linear(let t): t
        case .log(let t): t
        case .asinh(let t): t
        case .logicle(let t): t
        case .hyperlog(let t): t
        case .flowJoBiex(let t): t
        case .ratio: nil
        }
    }

    /// Whether `apply` is strictly increasing wherever defined, so bounds can be moved to untransformed units.
    /// FlowJo's biex clamps at the ends of its table and is not.
    public var isStrictlyIncreasing: Bool {
        switch self {
        case .flowJoBiex, .ratio: false
        default: true
        }
    }
}

/// A population: an id, its parent (nil for all events), and the gate that selects it from the parent.
public struct Population: Sendable {
    /// The population id.
    public var id: String
    /// The parent population, nil for all events.
    public var parent: String?
    /// The gate selecting it from the parent.
    public var gate: Gate
    /// A display name, when it differs from the id.
    public var name: String?
    /// For a data-driven gate: how each sample's gate is computed. `gate` then holds the failure fallback, or an
    /// open rectangle on the method's dimensions, until the engine puts the computed gate in its place.
    public var method: GateMethod?
    /// Creates the value from its parts.
    public init(id: String, parent: String?, gate: Gate, name: String? = nil, method: GateMethod? = nil) {
        self.id = id
        self.parent = parent
        self.gate = gate
        self.name = name
        self.method = method
    }
}

/// Everything needed to gate a sample: the population tree in document order, and the transforms and
/// compensation matrices its dimensions name.
public struct GatingStrategy: Sendable {
    /// Gates in document (template) order. A quadrant gate's populations are its quadrants.
    public var populations: [Population]
    /// Transforms by id.
    public var transforms: [String: ScaleTransform]
    /// Compensation matrices by id.
    public var matrices: [String: SpilloverMatrix]
    /// With ``CompensationReference/file``: a sample without a spillover keyword is an error unless this is true
    /// (Gating-ML's `FCS` reference keeps its standard meaning: such a sample stays uncompensated).
    public var allowMissingFileMatrix: Bool

    /// Creates the value from its parts.
    public init(populations: [Population], transforms: [String: ScaleTransform] = [:],
                matrices: [String: SpilloverMatrix] = [:], allowMissingFileMatrix: Bool = true) {
        self.populations = populations
        self.transforms = transforms
        self.matrices = matrices
        self.allowMissingFileMatrix = allowMissingFileMatrix
    }

    /// The ids of every population result, in document order: each gate id, except that a quadrant gate
    /// contributes its quadrant ids instead of its own.
    public var resultIDs: [String] {
        populations.flatMap { population -> [String] in
            if case .quadrant(let gate) = population.gate { return gate.quadrants.map(\.id) }
            return [population.id]
        }
    }
}
