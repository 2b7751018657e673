import Transforms

/// Data-driven gates: each computed from the parent's events of this sample, in the gate's own dimensions.
extension GatingEngine {
    /// The decision for a data-driven population: the method's gate, or `on_failure`'s when the parent has fewer
    /// than `min_events` events or the method finds nothing. Never throws: a failed gate never stops a batch.
    static func decide(_ population: Population, method: GateMethod, parent: EventSet, store: EventValues,
                       decided: [String: GateDecision]) -> GateDecision {
        func failed(_ reason: String) -> GateDecision { fallback(population, method: method, reason: reason) }
        if case .ref(let other) = method.kind {
            guard var decision = decided[other] else { return failed("REF_MISSING:\(other)") }
            decision.population = population.id
            decision.flags.append("REF:\(other)")
            return decision
        }
        let columns: [[Double]]
        do {
            if let fast = try singlet(population, method: method, parent: parent, store: store) { return fast }
            if let fast = try oneDimensional(population, method: method, parent: parent, store: store) { return fast }
            columns = try parentValues(method.dimensions, parent: parent, store: store, population: population.id)
        } catch {
            return failed("VALUES_UNAVAILABLE")
        }
        return decide(population, method: method, columns: columns)
    }

    /// The decision when a method cannot gate: `on_failure`'s gate (or none), flagged with `reason`.
    static func fallback(_ population: Population, method: GateMethod, reason: String) -> GateDecision {
        switch method.onFailure {
        case .fixed(let gate): GateDecision(population: population.id, method: method.name, gate: .gate(gate), source: .fallback, flags: [reason])
        case .na: GateDecision(population: population.id, method: method.name, gate: .none, source: .fallback, flags: [reason, "NA"])
        }
    }

    /// `singlet` read straight from the two dimensions' whole columns over the parent's events (no copy of the
    /// parent's values): the same events, so the same fit as on ``parentValues(_:parent:store:population:)``.
    /// Nil when that path must decide (too few events, not two dimensions).
    static func singlet(_ population: Population, method: GateMethod, parent: EventSet, store: EventValues) throws -> GateDecision? {
        guard case .singlet(let width) = method.kind, method.dimensions.count == 2, parent.count >= max(method.minEvents, 1) else { return nil }
        let x = try store.values(method.dimensions[0], place: population.id), y = try store.values(method.dimensions[1], place: population.id)
        guard x.count >= parent.eventCount, y.count >= parent.eventCount else { return nil }
        guard let fit = GatingMethods.singlet(x: x, y: y, over: parent, width: width) else {
            return fallback(population, method: method, reason: "NO_FIT")
        }
        return GateDecision(population: population.id, method: method.name,
                            gate: .gate(.polygon(PolygonGate(dimensions: method.dimensions, vertices: fit.polygon))), source: .computed)
    }

    /// A 1-D cut on a strictly increasing transform without transforming every event: a quantile from the
    /// untransformed order statistics (the same value: the transform keeps order), the density methods through a
    /// ``MonotoneTable`` of the transform. Nil when the fast way does not apply.
    static func oneDimensional(_ population: Population, method: GateMethod, parent: EventSet, store: EventValues) throws -> GateDecision? {
        if case .cluster = method.kind, parent.count >= max(method.minEvents, 1), method.dimensions.count == 2 {
            guard case .cluster(let components, let target, let quantile) = method.kind else { return nil }
            return try cluster(population, method: method, parent: parent, store: store, components: components, target: target, quantile: quantile)
        }
        guard parent.count >= max(method.minEvents, 1), method.dimensions.count == 1, let dimension = method.dimensions.first,
              let scale = try store.transform(dimension.transform, place: population.id), scale.isStrictlyIncreasing,
              let transform = scale.transform else { return nil }
        switch method.kind {
        case .quantile, .mindensity, .tailgate: break
        default: return nil
        }
        let all = try store.untransformed(dimension, place: population.id)
        guard all.count >= parent.eventCount else { return nil }
        let domain = transform.definedAbove
        // The parent's finite values inside the domain, in event order: each value is written at the end, which
        // only moves on when the value is kept (no branch per event).
        var raw = [Double](unsafeUninitializedCapacity: parent.count) { kept, count in
            var k = 0
            all.withUnsafeBufferPointer { all in
                parent.forEach { e in
                    let v = all[e]
                    kept[k] = v
                    k &+= v.isFinite && v > domain ? 1 : 0
                }
            }
            count = k
        }
        if case .quantile(let probability, let keep) = method.kind {
            let n = raw.count
            guard n > 0 else { return nil }
            let orders = OrderStatistics.select(raw, over: .all(n), ranks: OrderStatistics.quantileRanks(n, [probability]))
            let cut = OrderStatistics.interpolate(orders.map(transform.apply), n, [probability])[0]
            return decide(population, method: method, cut: CutPoint(value: cut, method: "quantile"), keep: keep)
        }
        switch scale {
        case .logicle, .hyperlog:
            // Solved iteratively per value: the table instead.
            guard let low = raw.min(), let high = raw.max(), let table = MonotoneTable(transform, low: low, high: high) else { return nil }
            return decide(population, method: method, columns: [raw.map(table.apply)])
        case .asinh(let asinh):
            // Closed forms (asinh, log, linear) cost less than the table: exact, on the parent's events only.
            asinh.apply(inPlace: &raw)
            return decide(population, method: method, columns: [raw])
        default:
            return decide(population, method: method, columns: [raw.map(transform.apply)])
        }
    }

    /// `cluster` on two strictly increasing transforms: only the events EM fits (every ⌈n / 10,000⌉-th finite
    /// one, as ``GaussianMixture`` picks them) are transformed; the same fit as transforming every event.
    static func cluster(_ population: Population, method: GateMethod, parent: EventSet, store: EventValues,
                        components: Int, target: [Double], quantile: Double) throws -> GateDecision? {
        var transforms: [any Transform] = []
        for dimension in method.dimensions {
            guard let scale = try store.transform(dimension.transform, place: population.id), scale.isStrictlyIncreasing,
                  let t = scale.transform, t.definedAbove == -.infinity else { return nil }
            transforms.append(t)
        }
        let x = try store.untransformed(method.dimensions[0], place: population.id), y = try store.untransformed(method.dimensions[1], place: population.id)
        var finite: [Int] = []
        parent.forEach { if x[$0].isFinite && y[$0].isFinite { finite.append($0) } }
        let limit = 10_000
        let stride = max(1, (finite.count + limit - 1) / limit)
        var xs: [Double] = [], ys: [Double] = []
        for (k, e) in finite.enumerated() where k % stride == 0 {
            let tx = transforms[0].apply(x[e]), ty = transforms[1].apply(y[e])
            guard tx.isFinite && ty.isFinite else { return nil }  // then the plain path decides
            xs.append(tx); ys.append(ty)
        }
        guard let fit = GatingMethods.cluster(x: xs, y: ys, components: components, target: target, quantile: quantile, maximumEvents: limit) else {
            return nil
        }
        let gate = EllipsoidGate(dimensions: method.dimensions, mean: fit.mean, covariance: fit.covariance, distanceSquare: fit.distanceSquare)
        return GateDecision(population: population.id, method: method.name, gate: .gate(.ellipsoid(gate)), source: .computed)
    }

    /// The rectangle of a 1-D cut: `v ≥ cut` for `+`, `v < cut` for `-`.
    static func decide(_ population: Population, method: GateMethod, cut point: CutPoint, keep: GatingMethods.Side) -> GateDecision {
        let gate = RectangleGate(dimensions: method.dimensions, minimum: [keep == .above ? point.value : nil],
                                 maximum: [keep == .above ? nil : point.value])
        return GateDecision(population: population.id, method: point.method, gate: .gate(.rectangle(gate)), source: .computed, flags: point.flags)
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
        func failed(_ reason: String) -> GateDecision { fallback(population, method: method, reason: reason) }
        let count = columns.first?.count ?? 0
        guard count >= max(method.minEvents, 1) else { return failed("TOO_FEW_EVENTS:\(count)<\(max(method.minEvents, 1))") }
        let dimensions = method.dimensions
        func cut(_ point: CutPoint?, keep: GatingMethods.Side) -> GateDecision {
            guard let point, point.value.isFinite else { return failed("NO_CUT") }
            return decide(population, method: method, cut: point, keep: keep)
        }
        /// Whether the finite values differ at all: a density of one repeated value (a channel not recorded, a
        /// constant dye) has no valley or tail to find, only the kernel's own shape, and a cut there keeps all or none.
        func spread(_ values: [Double]) -> Bool {
            var first: Double?
            for v in values where v.isFinite {
                guard let f = first else { first = v; continue }
                if v != f { return true }
            }
            return false
        }
        switch method.kind {
        case .mindensity(let range, let adjust, let keep, let peakFraction, let tolerance):
            guard spread(columns[0]) else { return failed("NO_CUT") }
            return cut(GatingMethods.mindensity(columns[0], range: range, adjust: adjust, keep: keep, peakFraction: peakFraction, tolerance: tolerance), keep: keep)
        case .tailgate(let keep, let tolerance, let adjust):
            guard spread(columns[0]) else { return failed("NO_CUT") }
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
