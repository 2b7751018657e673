/// Data-driven gates: each computed from the parent's events of this sample, in the gate's own dimensions.
extension GatingEngine {
    /// The decision for a data-driven population: the method's gate, or `on_failure`'s when the parent has fewer
    /// than `min_events` events or the method finds nothing. Never throws: a failed gate never stops a batch.
    static func decide(_ population: Population, method: GateMethod, parent: EventSet, store: EventValues,
                       decided: [String: GateDecision]) -> GateDecision {
        func failed(_ reason: String) -> GateDecision {
            switch method.onFailure {
            case .fixed(let gate): GateDecision(population: population.id, method: method.name, gate: .gate(gate), source: .fallback, flags: [reason])
            case .na: GateDecision(population: population.id, method: method.name, gate: .none, source: .fallback, flags: [reason, "NA"])
            }
        }
        if case .ref(let other) = method.kind {
            guard var decision = decided[other] else { return failed("REF_MISSING:\(other)") }
            decision.population = population.id
            decision.flags.append("REF:\(other)")
            return decision
        }
        let columns: [[Double]]
        do {
            columns = try parentValues(method.dimensions, parent: parent, store: store, population: population.id)
        } catch {
            return failed("VALUES_UNAVAILABLE")
        }
        return decide(population, method: method, columns: columns)
    }

    /// The parent's values on each dimension, in event order.
    static func parentValues(_ dimensions: [GateDimension], parent: EventSet, store: EventValues, population: String) throws -> [[Double]] {
        let indices = parent.indices
        return try dimensions.map { dimension in
            let all = try store.values(dimension, place: population)
            return indices.map { all[$0] }
        }
    }

    /// The decision of a data-driven method (not `ref`) on the parent's values, one column per dimension (pooled
    /// tubes' values concatenated for a pooled gate).
    public static func decide(_ population: Population, method: GateMethod, columns: [[Double]]) -> GateDecision {
        func failed(_ reason: String) -> GateDecision {
            switch method.onFailure {
            case .fixed(let gate): GateDecision(population: population.id, method: method.name, gate: .gate(gate), source: .fallback, flags: [reason])
            case .na: GateDecision(population: population.id, method: method.name, gate: .none, source: .fallback, flags: [reason, "NA"])
            }
        }
        let count = columns.first?.count ?? 0
        guard count >= max(method.minEvents, 1) else { return failed("TOO_FEW_EVENTS:\(count)<\(max(method.minEvents, 1))") }
        let dimensions = method.dimensions
        func cut(_ point: CutPoint?, keep: GatingMethods.Side) -> GateDecision {
            guard let point, point.value.isFinite else { return failed("NO_CUT") }
            let gate = RectangleGate(dimensions: dimensions, minimum: [keep == .above ? point.value : nil],
                                     maximum: [keep == .above ? nil : point.value])
            return GateDecision(population: population.id, method: point.method, gate: .gate(.rectangle(gate)), source: .computed, flags: point.flags)
        }
        switch method.kind {
        case .mindensity(let range, let adjust, let keep, let peakFraction, let tolerance):
            return cut(GatingMethods.mindensity(columns[0], range: range, adjust: adjust, keep: keep, peakFraction: peakFraction, tolerance: tolerance), keep: keep)
        case .tailgate(let keep, let tolerance, let adjust):
            return cut(GatingMethods.tailgate(columns[0], side: keep, tolerance: tolerance, adjust: adjust), keep: keep)
        case .quantile(let probability, let keep):
            return cut(GatingMethods.quantile(columns[0], probability: probability), keep: keep)
        case .boundary(let pile):
            let bounds = columns.map { GatingMethods.boundary($0, minimumPile: pile) }
            let gate = RectangleGate(dimensions: dimensions, minimum: bounds.map { $0.low?.nextUp }, maximum: bounds.map(\.high))
            return GateDecision(population: population.id, method: method.name, gate: .gate(.rectangle(gate)), source: .computed)
        case .singlet(let width):
            guard let fit = GatingMethods.singlet(x: columns[0], y: columns[1], width: width) else { return failed("NO_FIT") }
            return GateDecision(population: population.id, method: method.name,
                                gate: .gate(.polygon(PolygonGate(dimensions: dimensions, vertices: fit.polygon))), source: .computed)
        case .density(let bins, let sigma, let fraction, let ranges):
            guard let result = Density2D.gate(x: columns[0], y: columns[1], bins: bins, sigma: sigma, gateFraction: fraction,
                                              ranges: ranges, dimensions: dimensions) else { return failed("NO_EVENTS_IN_RANGE") }
            return GateDecision(population: population.id, method: method.name, gate: .bins(result.gate), source: .computed)
        case .cluster(let components, let target, let quantile):
            guard let fit = GatingMethods.cluster(x: columns[0], y: columns[1], components: components, target: target, quantile: quantile) else {
                return failed("NO_FIT")
            }
            let gate = EllipsoidGate(dimensions: dimensions, mean: fit.mean, covariance: fit.covariance, distanceSquare: fit.distanceSquare)
            return GateDecision(population: population.id, method: method.name, gate: .gate(.ellipsoid(gate)), source: .computed)
        case .ref:
            return failed("REF")  // handled above
        }
    }

    /// The parent's events a computed gate keeps.
    static func select(_ gate: ComputedGate, within parent: EventSet, store: EventValues, population: String) throws -> EventSet {
        switch gate {
        case .gate(let g): return try store.select(g, within: parent, population: population)
        case .none: return EventSet(eventCount: parent.eventCount)
        case .bins(let b):
            guard b.dimensions.count == 2 else { throw GatingError(.unknownGate, place: population, "a bins gate needs two dimensions") }
            let x = try store.values(b.dimensions[0], place: population), y = try store.values(b.dimensions[1], place: population)
            var set = EventSet(eventCount: parent.eventCount)
            parent.forEach { if b.contains(x[$0], y[$0]) { set.insert($0) } }
            return set
        }
    }
}
