import Compensation
import FCS
import Transforms

/// The values gates read, computed only when a gate asks: scale values, compensated values per matrix, and
/// transformed values per dimension.
///
/// Computed columns are kept in a cache of bounded size (``cacheBudget``: 15 % of the sample's stored columns, at
/// least 32 MiB), least recently used first out. Room is made before a column is computed, so gating holds the
/// sample plus the larger of that budget and the columns a gate is reading (two for a polygon): under 1.5 × the
/// stored data on the 5M-event MDM file, however many channels the strategy reads. A column that fell out
/// is computed again when asked (a compensated row costs one pass over its detectors).
final class EventValues {
    let sample: Sample
    let strategy: GatingStrategy
    private var compensators: [CompensationReference: Compensator?] = [:]
    private var cache: ColumnCache

    /// What one cached column is.
    private enum Key: Hashable {
        case scale(Int)
        case compensated(CompensationReference, row: Int)
        case dimension(GateDimension)
    }

    /// Cached columns up to a byte budget, evicting the least recently used.
    private struct ColumnCache {
        let budget: Int
        private var columns: [Key: [Double]] = [:]
        private var order: [Key] = []
        private var bytes = 0

        init(budget: Int) { self.budget = budget }

        mutating func get(_ key: Key) -> [Double]? {
            guard let column = columns[key] else { return nil }
            if let position = order.lastIndex(of: key), position != order.count - 1 {
                order.remove(at: position)
                order.append(key)
            }
            return column
        }

        /// Evicts the least recently used columns until `bytes` more fit in the budget (or the cache is empty).
        /// Called before a column is computed, so that the cache and the columns in flight share the budget
        /// rather than add up: a polygon's two new columns no longer sit beside a full cache.
        mutating func makeRoom(forBytes needed: Int) {
            while bytes + needed > budget, !order.isEmpty { evictOldest() }
        }

        mutating func put(_ key: Key, _ column: [Double]) {
            if let old = columns.updateValue(column, forKey: key) {
                bytes -= old.count * 8
                order.removeAll { $0 == key }
            }
            order.append(key)
            bytes += column.count * 8
            while bytes > budget, order.count > 1 { evictOldest() }
        }

        /// Drops the least recently used column.
        private mutating func evictOldest() {
            let oldest = order.removeFirst()
            bytes -= (columns.removeValue(forKey: oldest)?.count ?? 0) * 8
        }
    }

    /// Bytes of computed columns kept: 15 % of the sample's stored values, at least 32 MiB.
    static func cacheBudget(for sample: Sample) -> Int {
        let stored = sample.columns.reduce(0) { $0 + $1.count * $1.kind.byteWidth }
        return max(32 << 20, stored * 15 / 100)
    }

    init(strategy: GatingStrategy, sample: Sample) throws {
        self.strategy = strategy
        self.sample = sample
        self.cache = ColumnCache(budget: Self.cacheBudget(for: sample))
    }

    // MARK: - Values

    func scaleValues(_ index: Int) -> [Double] {
        if let cached = cache.get(.scale(index)) { return cached }
        cache.makeRoom(forBytes: sample.eventCount * 8)
        let values = sample.scaleValues(at: index)
        cache.put(.scale(index), values)
        return values
    }

    func parameterIndex(_ channel: String, place: String) throws -> Int {
        guard let index = sample.parameterIndex(channel) else {
            throw GatingError(.unknownChannel, place: place,
                "channel '\(channel)': expected a parameter of \(sample.file) named so by $PnN or $PnS (\(sample.parameters.map(\.name).joined(separator: ", ")))")
        }
        return index
    }

    /// The compensator for a reference, or nil when the values stay uncompensated.
    func compensator(_ reference: CompensationReference, place: String) throws -> Compensator? {
        if let cached = compensators[reference] { return cached }
        var result: Compensator?
        do {
            switch reference {
            case .uncompensated:
                result = nil
            case .file:
                if let matrix = try SpilloverMatrix.fromSample(sample) {
                    result = try Compensator(matrix: matrix, sample: sample)
                } else if !strategy.allowMissingFileMatrix {
                    throw GatingError(.missingFileMatrix, place: place,
                        "\(sample.file) has no $SPILLOVER, SPILL or $COMP keyword, and the strategy compensates with the file's matrix (allow_missing is false)")
                }
            case .matrix(let id):
                guard let matrix = strategy.matrices[id] else {
                    throw GatingError(.unknownMatrix, place: place, "compensation '\(id)' is not a matrix of this strategy")
                }
                result = try Compensator(matrix: matrix, sample: sample)
            }
        } catch let error as CompensationError {
            throw GatingError(.compensation, place: place, error.description)
        } catch let error as FCSError {
            throw GatingError(.compensation, place: place, error.description)
        }
        compensators[reference] = .some(result)
        return result
    }

    /// A channel's values after compensation (untransformed).
    ///
    /// A missing compensated row is computed together with as many of the other rows the strategy's gates read
    /// as the cache budget holds (each block of detector values is then converted once for all of them).
    func channelValues(_ channel: String, _ reference: CompensationReference, place: String) throws -> [Double] {
        if let compensator = try compensator(reference, place: place) {
            if let row = matrixRow(channel, compensator) {
                if let column = cache.get(.compensated(reference, row: row)) { return column }
                let fit = max(1, cache.budget / max(1, sample.eventCount * 8))
                let others = gateRows(reference, compensator).filter { $0 != row && cache.get(.compensated(reference, row: $0)) == nil }
                let wanted = [row] + Array(Set(others).sorted().prefix(fit - 1))
                cache.makeRoom(forBytes: wanted.count * sample.eventCount * 8)
                let columns = compensator.compensate(sample, fluorochromes: wanted)
                for (index, column) in zip(wanted, columns).reversed() { cache.put(.compensated(reference, row: index), column) }
                return columns[0]
            }
        }
        return scaleValues(try parameterIndex(channel, place: place))
    }

    /// The matrix row of a channel: a fluorochrome of the matrix by name, or the one whose detector it is.
    private func matrixRow(_ channel: String, _ compensator: Compensator) -> Int? {
        let matrix = compensator.matrix
        if let row = matrix.fluorochromes.firstIndex(of: channel) { return row }
        guard matrix.isSquare, let index = sample.parameterIndex(channel) else { return nil }
        return compensator.detectorParameters.firstIndex { $0.index == index }
    }

    /// The matrix rows the strategy's gates read with `reference`.
    private func gateRows(_ reference: CompensationReference, _ compensator: Compensator) -> [Int] {
        var channels: [String] = []
        for population in strategy.populations {
            for dimension in population.gate.dimensions where dimension.compensation == reference {
                switch dimension.source {
                case .channel(let channel): channels.append(channel)
                case .ratio(let id):
                    if case .ratio(_, let numerator, let denominator) = strategy.transforms[id] { channels += [numerator, denominator] }
                case .marker: break
                }
            }
        }
        return channels.compactMap { matrixRow($0, compensator) }
    }

    /// The untransformed values of a dimension (a ratio is computed here; its own transform comes later).
    func untransformed(_ dimension: GateDimension, place: String) throws -> [Double] {
        switch dimension.source {
        case .channel(let channel):
            return try channelValues(channel, dimension.compensation, place: place)
        case .marker(let marker):
            throw GatingError(.unknownChannel, place: place, "marker '\(marker)' was not resolved to a channel (templates resolve markers per sample)")
        case .ratio(let id):
            guard case .ratio(let ratio, let numerator, let denominator) = strategy.transforms[id] else {
                throw GatingError(.unknownTransform, place: place, "'\(id)' is not an fratio transform of this strategy")
            }
            let x1 = try channelValues(numerator, dimension.compensation, place: place)
            let x2 = try channelValues(denominator, dimension.compensation, place: place)
            return zip(x1, x2).map { ratio.apply($0, $1) }
        }
    }

    func transform(_ id: String?, place: String) throws -> ScaleTransform? {
        guard let id else { return nil }
        guard let transform = strategy.transforms[id], transform.transform != nil else {
            throw GatingError(.unknownTransform, place: place, "'\(id)' is not a one-dimensional transform of this strategy")
        }
        return transform
    }

    /// The values of a dimension in the gate's coordinates (transformed).
    func values(_ dimension: GateDimension, place: String) throws -> [Double] {
        if let cached = cache.get(.dimension(dimension)) { return cached }
        var values = try untransformed(dimension, place: place)
        guard let transform = try transform(dimension.transform, place: place)?.transform else { return values }
        // Room first: when that evicts the untransformed column, `values` is its only owner and is transformed
        // in place, without a copy.
        cache.makeRoom(forBytes: sample.eventCount * 8)
        transform.apply(inPlace: &values)
        cache.put(.dimension(dimension), values)
        return values
    }

    // MARK: - Gates

    func select(_ gate: Gate, within parent: EventSet, population: String) throws -> EventSet {
        switch gate {
        case .rectangle(let rectangle): return try select(rectangle, within: parent, place: population)
        case .polygon(let polygon): return try select(polygon, within: parent, place: population)
        case .ellipsoid(let ellipsoid): return try select(ellipsoid, within: parent, place: population)
        case .quadrant, .boolean:
            throw GatingError(.invalidGate, place: population, "quadrant and boolean gates are combined by the engine")
        }
    }

    /// Rectangles: on a strictly increasing transform the bounds move to untransformed units, so no event is
    /// transformed except the few within rounding distance of a bound, which are decided in transformed units.
    private func select(_ gate: RectangleGate, within parent: EventSet, place: String) throws -> EventSet {
        struct Test {
            var values: [Double]
            var low: Double, high: Double            // in the values' units
            var slackLow: Double, slackHigh: Double  // width of the band decided in transformed units
            var transform: (any Transform)?
            var transformedLow: Double, transformedHigh: Double
        }
        var tests: [Test] = []
        for (d, dimension) in gate.dimensions.enumerated() {
            let low = gate.minimum[d] ?? -.infinity, high = gate.maximum[d] ?? .infinity
            if let scaleTransform = try transform(dimension.transform, place: place), scaleTransform.isStrictlyIncreasing,
               let transform = scaleTransform.transform, let (rawLow, rawHigh) = Self.untransformedBounds(low, high, transform) {
                tests.append(Test(values: try untransformed(dimension, place: place), low: rawLow, high: rawHigh,
                                  slackLow: rawLow.isFinite ? 1e-9 * max(1, abs(rawLow)) : 0,
                                  slackHigh: rawHigh.isFinite ? 1e-9 * max(1, abs(rawHigh)) : 0,
                                  transform: transform, transformedLow: low, transformedHigh: high))
            } else {
                tests.append(Test(values: try values(dimension, place: place), low: low, high: high, slackLow: 0, slackHigh: 0,
                                  transform: nil, transformedLow: low, transformedHigh: high))
            }
        }
        // One dimension at a time over all words: each test streams through its own values once.
        var result = parent
        for test in tests {
            let innerLow = test.low + test.slackLow, innerHigh = test.high - test.slackHigh
            let outerLow = test.low - test.slackLow, outerHigh = test.high + test.slackHigh
            test.values.withUnsafeBufferPointer { v in
                result.words.withUnsafeMutableBufferPointer { words in
                    let total = parent.eventCount
                    let lanes = SIMD8<Int64>(1, 2, 4, 8, 16, 32, 64, 128)
                    let zero = SIMD8<Int64>(repeating: 0)
                    let innerLowV = SIMD8<Double>(repeating: innerLow), innerHighV = SIMD8<Double>(repeating: innerHigh)
                    let outerLowV = SIMD8<Double>(repeating: outerLow), outerHighV = SIMD8<Double>(repeating: outerHigh)
                    guard let base = v.baseAddress else { return }  // no events
                    for w in 0..<words.count where words[w] != 0 {
                        let start = w << 6
                        var inside: UInt64 = 0, band: UInt64 = 0
                        if start + 64 <= total {
                            // Eight lanes at a time: inside-or-not is unpredictable, so no branch per event.
                            for chunk in 0..<8 {
                                let x = UnsafeRawPointer(base + start + chunk * 8).loadUnaligned(as: SIMD8<Double>.self)
                                let clearly = (x .> innerLowV) .& (x .< innerHighV)
                                let near = ((x .>= outerLowV) .& (x .<= innerLowV)) .| ((x .>= innerHighV) .& (x .<= outerHighV))
                                inside |= UInt64(zero.replacing(with: lanes, where: clearly).wrappedSum()) << UInt64(chunk * 8)
                                band |= UInt64(zero.replacing(with: lanes, where: near).wrappedSum()) << UInt64(chunk * 8)
                            }
                        } else {
                            for i in 0..<(total - start) {
                                let x = base[start + i]
                                if x > innerLow && x < innerHigh { inside |= 1 << UInt64(i) }
                                if (x >= outerLow && x <= innerLow) || (x >= innerHigh && x <= outerHigh) { band |= 1 << UInt64(i) }
                            }
                        }
                        // The few events within rounding distance of a bound are decided exactly.
                        var undecided = band & words[w]
                        while undecided != 0 {
                            let bit = undecided.trailingZeroBitCount
                            undecided &= undecided - 1
                            let x = base[start + bit]
                            let keep: Bool
                            if let transform = test.transform {
                                let y = transform.apply(x)
                                keep = y >= test.transformedLow && y < test.transformedHigh
                            } else {
                                keep = x >= test.low && x < test.high
                            }
                            if keep { inside |= 1 << UInt64(bit) } else { inside &= ~(1 << UInt64(bit)) }
                        }
                        words[w] &= inside
                    }
                }
            }
        }
        return result
    }

    /// A rectangle's bounds in untransformed units, on a strictly increasing transform: the lower bound is never
    /// below the transform's domain (an open `min` on `flog` still leaves out x ≤ 0, which `flog` maps to NaN).
    /// Nil when a finite bound has no finite preimage (a bound beyond the doubles the transform reaches): such a
    /// dimension is decided by transforming every event.
    static func untransformedBounds(_ low: Double, _ high: Double, _ transform: any Transform) -> (Double, Double)? {
        let domain = transform.definedAbove
        var rawLow = low == -.infinity ? -.infinity : transform.inverse(low)
        let rawHigh = high == .infinity ? .infinity : transform.inverse(high)
        if rawLow.isNaN || rawHigh.isNaN { return nil }
        if low.isFinite && !rawLow.isFinite || high.isFinite && !rawHigh.isFinite { return nil }
        rawLow = max(rawLow, domain)
        return (rawLow, rawHigh)
    }

    /// Even–odd crossing count with the half-open edge rule (FlowUtils' point-in-polygon).
    private func select(_ gate: PolygonGate, within parent: EventSet, place: String) throws -> EventSet {
        guard gate.dimensions.count == 2, gate.vertices.count >= 3, gate.vertices.allSatisfy({ $0.count == 2 }) else {
            throw GatingError(.invalidGate, place: place, "expected a polygon of at least 3 vertices in 2 dimensions")
        }
        let xs = try values(gate.dimensions[0], place: place), ys = try values(gate.dimensions[1], place: place)
        if let far = gate.farVertexCrossing {
            // A vertex beyond ±2^501: edge by edge, scaled where the arithmetic could overflow (rare, not vectorized).
            var result = EventSet(eventCount: parent.eventCount)
            parent.forEach { e in if far.contains(x: xs[e], y: ys[e]) { result.insert(e) } }
            return result
        }
        let vx = gate.vertices.map { $0[0] }, vy = gate.vertices.map { $0[1] }
        let n = vx.count
        // Outside the bounding box no crossing count can be odd: most events are decided there.
        guard let minX = vx.min(), let maxX = vx.max(), let minY = vy.min(), let maxY = vy.max() else { return EventSet(eventCount: parent.eventCount) }
        if n > 64, let edges = EdgeBuckets(vx: vx, vy: vy) {
            return edges.select(xs: xs, ys: ys, within: parent, box: (minX, maxX, minY, maxY))
        }
        var result = EventSet(eventCount: parent.eventCount)
        xs.withUnsafeBufferPointer { xv in
            ys.withUnsafeBufferPointer { yv in
                vx.withUnsafeBufferPointer { vx in
                vy.withUnsafeBufferPointer { vy in
                result.words.withUnsafeMutableBufferPointer { out in
                    let total = parent.eventCount
                    let lanes = SIMD8<Int64>(1, 2, 4, 8, 16, 32, 64, 128)
                    let zero = SIMD8<Int64>(repeating: 0)
                    for (w, word) in parent.words.enumerated() where word != 0 {
                        let start = w << 6
                        var kept: UInt64 = 0
                        if start + 64 <= total && word.nonzeroBitCount > 16 {
                            // Eight events at a time through every edge, with the same arithmetic per lane.
                            for chunk in 0..<8 {
                                let px = UnsafeRawPointer(xv.baseAddress! + start + chunk * 8).loadUnaligned(as: SIMD8<Double>.self)
                                let py = UnsafeRawPointer(yv.baseAddress! + start + chunk * 8).loadUnaligned(as: SIMD8<Double>.self)
                                var parity = SIMDMask<SIMD8<Int64>>(repeating: false)
                                var j = n - 1
                                for i in 0..<n {
                                    let yi = vy[i], yj = vy[j], xi = vx[i]
                                    let spans = (SIMD8<Double>(repeating: yi) .<= py) .^ (SIMD8<Double>(repeating: yj) .<= py)
                                    let crossing = xi + (py - yi) * (vx[j] - xi) / (yj - yi)
                                    parity = parity .^ (spans .& (px .< crossing))
                                    j = i
                                }
                                kept |= UInt64(zero.replacing(with: lanes, where: parity).wrappedSum()) << UInt64(chunk * 8)
                            }
                            out[w] = kept & word
                            continue
                        }
                        var bits = word
                        while bits != 0 {
                            let bit = bits.trailingZeroBitCount
                            bits &= bits - 1
                            let e = w << 6 | bit
                            let px = xv[e], py = yv[e]
                            guard px >= minX, px <= maxX, py >= minY, py <= maxY else { continue }
                            var inside = false
                            var j = n - 1
                            for i in 0..<n {
                                let yi = vy[i], yj = vy[j]
                                // Edge (j → i) counts when py lies in [min y, max y) and the point is left of it.
                                if (yi <= py) != (yj <= py) {
                                    let xi = vx[i]
                                    if px < xi + (py - yi) * (vx[j] - xi) / (yj - yi) { inside.toggle() }
                                }
                                j = i
                            }
                            if inside { kept |= 1 << UInt64(bit) }
                        }
                        out[w] = kept
                    }
                }
                }
                }
            }
        }
        return result
    }

    private func select(_ gate: EllipsoidGate, within parent: EventSet, place: String) throws -> EventSet {
        let n = gate.dimensions.count
        guard n >= 1, gate.mean.count == n, gate.covariance.count == n, gate.covariance.allSatisfy({ $0.count == n }) else {
            throw GatingError(.invalidGate, place: place, "expected a mean and an \(n)×\(n) covariance matrix")
        }
        let inverse: [[Double]]
        do {
            let matrix = try SpilloverMatrix(fluorochromes: (0..<n).map(String.init), detectors: (0..<n).map(String.init),
                                             coefficients: gate.covariance, source: "covariance of \(place)")
            inverse = try matrix.unmixingMatrix()
        } catch {
            throw GatingError(.invalidGate, place: place, "the covariance matrix cannot be inverted: \(error)")
        }
        if let fast = try selectTransformed(gate, inverse: inverse, within: parent, place: place) { return fast }
        let columns = try gate.dimensions.map { try values($0, place: place) }
        var result = EventSet(eventCount: parent.eventCount)
        var delta = [Double](repeating: 0, count: n)
        parent.forEach { e in
            for k in 0..<n { delta[k] = columns[k][e] - gate.mean[k] }
            var distance = 0.0
            for i in 0..<n { for j in 0..<n { distance += delta[i] * inverse[i][j] * delta[j] } }
            if distance <= gate.distanceSquare { result.insert(e) }
        }
        return result
    }

    func quadrants(_ gate: QuadrantGate, within parent: EventSet, population: String) throws -> [(String, EventSet)] {
        let dividers = Dictionary(gate.dividers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var intervals: [String: [Int?]] = [:]
        for divider in gate.dividers {
            let values = try values(divider.dimension, place: population)
            intervals[divider.id] = values.map { divider.interval(of: $0) }
        }
        return try gate.quadrants.map { quadrant in
            // Each position as (the divider's interval per event, the interval wanted), looked up once.
            var wanted: [(intervals: [Int?], interval: Int)] = []
            for (dividerID, location) in quadrant.positions {
                guard let divider = dividers[dividerID], let column = intervals[dividerID], let interval = divider.interval(of: location) else {
                    throw GatingError(.invalidGate, place: quadrant.id, "position refers to an unknown divider '\(dividerID)'")
                }
                wanted.append((column, interval))
            }
            var set = EventSet(eventCount: parent.eventCount)
            parent.forEach { e in
                if wanted.allSatisfy({ $0.intervals[e] == $0.interval }) { set.insert(e) }
            }
            return (quadrant.id, set)
        }
    }
}

/// A large polygon's edges sorted into horizontal bands, so each event tests only the edges that span its band
/// instead of every edge: for polygons of many vertices, time per event grows with the edges near the event's y,
/// not with the vertex count. The crossing test is the one of ``EventValues`` (same arithmetic, same answers).
struct EdgeBuckets {
    let vx: [Double], vy: [Double]
    let low: Double, scale: Double
    /// Edges (by end vertex i; the edge runs from vertex i − 1) of band b: `edges[start[b]..<start[b + 1]]`.
    let start: [Int], edges: [Int32]

    /// Nil when the bands would hold more than 32 entries a vertex (edges spanning most of the polygon's
    /// height): then testing every edge is as cheap.
    init?(vx: [Double], vy: [Double]) {
        let n = vx.count
        guard let minY = vy.min(), let maxY = vy.max(), maxY > minY, (maxY - minY).isFinite else { return nil }
        let bands = min(n, 4096)
        self.vx = vx
        self.vy = vy
        low = minY
        let bandScale = Double(bands) / (maxY - minY)
        scale = bandScale
        func band(_ y: Double) -> Int { Swift.min(Swift.max(Int(((y - minY) * bandScale).rounded(.down)), 0), bands - 1) }
        var counts = [Int](repeating: 0, count: bands + 1)
        var total = 0
        for i in 0..<n {
            let j = i == 0 ? n - 1 : i - 1
            let a = band(Swift.min(vy[i], vy[j])), b = band(Swift.max(vy[i], vy[j]))
            counts[a] += 1
            counts[b + 1] -= 1
            total += b - a + 1
            if total > 32 * n { return nil }
        }
        var bandStart = [Int](repeating: 0, count: bands + 1)
        var running = 0, offset = 0
        for b in 0..<bands {
            running += counts[b]
            bandStart[b] = offset
            offset += running
        }
        bandStart[bands] = offset
        var fill = bandStart
        var bandEdges = [Int32](repeating: 0, count: offset)
        for i in 0..<n {
            let j = i == 0 ? n - 1 : i - 1
            for b in band(Swift.min(vy[i], vy[j]))...band(Swift.max(vy[i], vy[j])) {
                bandEdges[fill[b]] = Int32(i)
                fill[b] += 1
            }
        }
        start = bandStart
        edges = bandEdges
    }

    func select(xs: [Double], ys: [Double], within parent: EventSet, box: (Double, Double, Double, Double)) -> EventSet {
        var result = EventSet(eventCount: parent.eventCount)
        let n = vx.count, bands = start.count - 1
        parent.forEach { e in
            let px = xs[e], py = ys[e]
            guard px >= box.0, px <= box.1, py >= box.2, py <= box.3 else { return }
            let b = Swift.min(Swift.max(Int(((py - low) * scale).rounded(.down)), 0), bands - 1)
            var inside = false
            for k in start[b]..<start[b + 1] {
                let i = Int(edges[k]), j = i == 0 ? n - 1 : i - 1
                let yi = vy[i], yj = vy[j]
                if (yi <= py) != (yj <= py) {
                    let xi = vx[i]
                    if px < xi + (py - yi) * (vx[j] - xi) / (yj - yi) { inside.toggle() }
                }
            }
            if inside { result.insert(e) }
        }
        return result
    }
}
