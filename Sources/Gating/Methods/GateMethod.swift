/// A data-driven gate of a template (`docs/gating-templates.md`, "Data-driven gates"): the method computing each
/// sample's gate from its parent population's events, in the gate's own (compensated, transformed) dimensions,
/// and what to do when it cannot.
public struct GateMethod: Sendable, Hashable {
    /// The method and its arguments.
    public enum Kind: Sendable, Hashable {
        /// ``GatingMethods/mindensity(_:range:adjust:keep:peakFraction:tolerance:)``.
        case mindensity(range: ClosedRange<Double>?, adjust: Double, keep: GatingMethods.Side, peakFraction: Double, tolerance: Double)
        /// ``GatingMethods/tailgate(_:side:tolerance:adjust:)``; `keep` is the side of the peak cut.
        case tailgate(keep: GatingMethods.Side, tolerance: Double, adjust: Double)
        /// ``GatingMethods/quantile(_:probability:)``.
        case quantile(probability: Double, keep: GatingMethods.Side)
        /// ``GatingMethods/singlet(x:y:width:)``.
        case singlet(width: Double)
        /// ``GatingMethods/boundary(_:minimumPile:)`` on every dimension.
        case boundary(minimumPile: Int)
        /// ``Density2D/gate(x:y:bins:sigma:gateFraction:ranges:dimensions:)``.
        case density(bins: Int, sigma: Double, gateFraction: Double, ranges: [[Double]]?)
        /// ``GatingMethods/cluster(x:y:components:target:quantile:)``.
        case cluster(components: Int, target: [Double], quantile: Double)
        /// The gate another population computed for the same sample (openCyto's refGate), applied to this parent.
        case ref(String)
    }

    /// What a gate that cannot be computed becomes.
    public enum Failure: Sendable, Hashable {
        /// These fixed coordinates.
        case fixed(Gate)
        /// No gate: the population is empty (its statistics absent) and the decision flagged `NA`.
        case na
    }

    /// The method.
    public var kind: Kind
    /// The dimensions it reads (none for `ref`).
    public var dimensions: [GateDimension]
    /// Parents with fewer events fail (then `onFailure` applies).
    public var minEvents: Int
    /// The fallback.
    public var onFailure: Failure
    /// Sample-sheet columns whose equal values make a pooling group.
    public var groupBy: [String]
    /// With `groupBy`: one gate per group, computed on the pooled events of its tubes (openCyto's
    /// collapseDataForGating), applied to each.
    public var pool: Bool

    /// Creates the value from its parts.
    public init(kind: Kind, dimensions: [GateDimension], minEvents: Int = 100, onFailure: Failure = .na,
                groupBy: [String] = [], pool: Bool = false) {
        self.kind = kind
        self.dimensions = dimensions
        self.minEvents = minEvents
        self.onFailure = onFailure
        self.groupBy = groupBy
        self.pool = pool
    }

    /// The template `type`.
    public var name: String {
        switch kind {
        case .mindensity: "mindensity"
        case .tailgate: "tailgate"
        case .quantile: "quantile"
        case .singlet: "singlet"
        case .boundary: "boundary"
        case .density: "density"
        case .cluster: "cluster"
        case .ref: "ref"
        }
    }

    /// Every data-driven `type` a template may name.
    public static let types = ["mindensity", "tailgate", "quantile", "singlet", "boundary", "density", "cluster", "ref"]

    /// The gate a population holds before its computed one: the fixed fallback, or an open rectangle on the
    /// method's dimensions (what `template validate --sample` and the plots' axes read).
    public var placeholder: Gate {
        if case .fixed(let gate) = onFailure { return gate }
        return .rectangle(RectangleGate(dimensions: dimensions, minimum: dimensions.map { _ in nil }, maximum: dimensions.map { _ in nil }))
    }
}
