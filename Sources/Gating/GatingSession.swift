import Tables
import FCS
import Transforms

/// One sample gated with one strategy, keeping the computed values so statistics reuse them.
public final class GatingSession {
    /// The sample.
    public let sample: Sample
    /// The strategy, with every channel resolved and each data-driven, pooled or overridden gate replaced by the
    /// one this sample used (a bins gate by its outline), so plots draw the sample's own gates.
    public let strategy: GatingStrategy
    /// Every population's events, and every gate's decision.
    public let result: GatingResult
    let values: EventValues

    /// Gates `sample` with `strategy`; populations in `known` keep the events given (computed by an earlier
    /// session of the same file and gates) instead of being gated again; `given` gates replace the template's or
    /// the method's (pooled gates, overrides, a matched tube's gates).
    public init(strategy: GatingStrategy, sample: Sample, known: [String: EventSet] = [:], given: [String: GateDecision] = [:]) throws {
        self.sample = sample
        values = try EventValues(strategy: strategy, sample: sample)
        result = try GatingEngine.evaluate(strategy, store: values, known: known, given: given)
        var resolved = strategy
        let decisions = Dictionary(result.decisions.map { ($0.population, $0) }, uniquingKeysWith: { first, _ in first })
        for i in resolved.populations.indices {
            if let decision = decisions[resolved.populations[i].id], decision.source != .template, let gate = decision.drawable {
                resolved.populations[i].gate = gate
            }
        }
        self.strategy = resolved
    }

    /// A channel's values after `compensation` (untransformed), for every event.
    public func channelValues(_ channel: String, compensation: CompensationReference) throws -> [Double] {
        try values.channelValues(channel, compensation, place: channel)
    }

    /// The compensation applied to each channel by `reference`: the parameters the matrix covers.
    public func compensatedChannels(_ reference: CompensationReference) throws -> [String] {
        guard let compensator = try values.compensator(reference, place: "statistics") else { return [] }
        return compensator.detectorParameters.map { sample.parameters[$0.index].name }
    }

    /// How each channel of the matrix behind `reference` was matched: `(matrix channel, $PnN, how)`.
    public func compensationMatches(_ reference: CompensationReference) throws -> [(channel: String, parameter: String, match: String)] {
        guard let compensator = try values.compensator(reference, place: "compensation") else { return [] }
        return zip(compensator.matrix.detectors, compensator.detectorParameters).map {
            ($0, sample.parameters[$1.index].name, $1.match.rawValue)
        }
    }

    /// The median of `channel` (compensated by `compensation`, untransformed) over population `id`.
    public func median(_ channel: String, compensation: CompensationReference, population id: String) throws -> Double {
        guard let events = result.membership[id] else {
            throw GatingError(.unknownGate, place: id, "not a population of this strategy")
        }
        return OrderStatistics.median(try channelValues(channel, compensation: compensation), over: events)
    }
}

extension GatingSession {
    /// The columns of ``medianRows()``.
    public static let mediansHeader = ["population", "channel", "median"]

    /// `population,channel,median` rows: every population × every parameter, compensated by the file's matrix
    /// (or the strategy's, when it names one) and untransformed, over the finite values; an empty cell when none is.
    public func medianRows() throws -> [[String]] {
        let reference: CompensationReference = strategy.populations.lazy
            .flatMap { $0.gate.dimensions }.map(\.compensation).first { $0 != .uncompensated } ?? .uncompensated
        let channels = sample.parameters.map(\.name)
        // One channel's values at a time (memory: one column, not all of them); rows in population order.
        var medians = [[String]](repeating: [], count: channels.count)
        let populations = result.ids.compactMap { id in result.membership[id].map { (id, $0) } }
        for (c, channel) in channels.enumerated() {
            let column = try channelValues(channel, compensation: reference)
            // As the readouts take them: over the finite values, so one NaN event does not empty a median and ±∞
            // never reaches the table (an empty cell when no value is finite).
            medians[c] = populations.map { population in
                let (orders, finite) = OrderStatistics.selectFinite(column, over: population.1, ranks: OrderStatistics.middleRanks)
                guard orders.count == 2 else { return "" }
                return csvFiniteNumber(finite % 2 == 1 ? orders[0] : OrderStatistics.midpoint(orders[0], orders[1]))
            }
        }
        return populations.indices.flatMap { p in channels.indices.map { c in [populations[p].0, channels[c], medians[c][p]] } }
    }
}

extension GatingSession {
    /// A gate dimension's values for every event, in the gate's coordinates (compensated, then transformed).
    public func dimensionValues(_ dimension: GateDimension) throws -> [Double] {
        try values.values(dimension, place: dimension.label)
    }

    /// A gate dimension's values before its transform (compensated if the dimension is): what a plot bins against
    /// borders mapped back through the transform's inverse, instead of transforming every event.
    public func untransformedValues(_ dimension: GateDimension) throws -> [Double] {
        try values.untransformed(dimension, place: dimension.label)
    }

    /// The strategy's transform named `id`, if it is one-dimensional.
    public func transform(_ id: String?) -> (any Transform)? {
        id.flatMap { strategy.transforms[$0]?.transform }
    }
}

extension GatingSession {
    /// A data-driven population's input: its parent's events of this sample on each of the method's dimensions
    /// (what a pooled gate concatenates over the tubes of its group); nil for a population without a method or
    /// whose parent is missing.
    public func methodInput(_ id: String) throws -> [[Double]]? {
        guard let population = strategy.populations.first(where: { $0.id == id }), let method = population.method else { return nil }
        return try parentValues(method.dimensions, parent: population.parent)
    }

    /// The events of population `parent` (all events for nil) on each dimension, in event order; nil when
    /// `parent` is not a population of this session.
    public func parentValues(_ dimensions: [GateDimension], parent: String?) throws -> [[Double]]? {
        let events: EventSet
        if let parent {
            guard let set = result.membership[parent] else { return nil }
            events = set
        } else {
            events = .all(sample.eventCount)
        }
        return try GatingEngine.parentValues(dimensions, parent: events, store: values, population: parent ?? "root")
    }
}
