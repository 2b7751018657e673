import Compensation
import FCS
import Transforms

/// The values gates read, computed once per sample and only when a gate asks: scale values, compensated values
/// per matrix, and transformed values per dimension.
final class EventValues {
    let sample: Sample
    let strategy: GatingStrategy
    private var scale: [Int: [Double]] = [:]
    private var compensators: [CompensationReference: Compensator?] = [:]
    private var compensated: [CompensationReference: [[Double]]] = [:]
    private var dimensions: [GateDimension: [Double]] = [:]

    init(strategy: GatingStrategy, sample: Sample) throws {
        self.strategy = strategy
        self.sample = sample
    }

    // MARK: - Values

    func scaleValues(_ index: Int) -> [Double] {
        if let cached = scale[index] { return cached }
        let values = sample.scaleValues(at: index)
        scale[index] = values
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
    func channelValues(_ channel: String, _ reference: CompensationReference, place: String) throws -> [Double] {
        if let compensator = try compensator(reference, place: place) {
            let matrix = compensator.matrix
            // A fluorochrome of the matrix by name, or the fluorochrome whose detector is this channel.
            var row = matrix.fluorochromes.firstIndex(of: channel)
            if row == nil, matrix.isSquare, let index = sample.parameterIndex(channel) {
                row = compensator.detectorParameters.firstIndex { $0.index == index }
            }
            if let row {
                if compensated[reference] == nil { compensated[reference] = compensator.compensate(sample) }
                return compensated[reference]![row]
            }
        }
        return scaleValues(try parameterIndex(channel, place: place))
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
        if let cached = dimensions[dimension] { return cached }
        var values = try untransformed(dimension, place: place)
        if let transform = try transform(dimension.transform, place: place)?.transform {
            transform.apply(inPlace: &values)
        }
        dimensions[dimension] = values
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
        var candidates = parent.indices
        for (d, dimension) in gate.dimensions.enumerated() {
            let low = gate.minimum[d] ?? -.infinity, high = gate.maximum[d] ?? .infinity
            if let scaleTransform = try transform(dimension.transform, place: place), scaleTransform.isStrictlyIncreasing,
               let transform = scaleTransform.transform {
                let raw = try untransformed(dimension, place: place)
                let rawLow = low == -.infinity ? -.infinity : transform.inverse(low)
                let rawHigh = high == .infinity ? .infinity : transform.inverse(high)
                let slackLow = 1e-9 * max(1, abs(rawLow)), slackHigh = 1e-9 * max(1, abs(rawHigh))
                candidates = candidates.filter { e in
                    let x = raw[e]
                    if x.isNaN { return false }
                    if x > rawLow + slackLow && x < rawHigh - slackHigh { return true }
                    if x < rawLow - slackLow || x > rawHigh + slackHigh { return false }
                    let y = transform.apply(x)
                    return y >= low && y < high
                }
            } else {
                let values = try values(dimension, place: place)
                candidates = candidates.filter { values[$0] >= low && values[$0] < high }
            }
        }
        var result = EventSet(eventCount: parent.eventCount)
        for e in candidates { result.insert(e) }
        return result
    }

    /// Even–odd crossing count with the half-open edge rule (FlowUtils' point-in-polygon).
    private func select(_ gate: PolygonGate, within parent: EventSet, place: String) throws -> EventSet {
        guard gate.dimensions.count == 2, gate.vertices.count >= 3, gate.vertices.allSatisfy({ $0.count == 2 }) else {
            throw GatingError(.invalidGate, place: place, "expected a polygon of at least 3 vertices in 2 dimensions")
        }
        let xs = try values(gate.dimensions[0], place: place), ys = try values(gate.dimensions[1], place: place)
        let vx = gate.vertices.map { $0[0] }, vy = gate.vertices.map { $0[1] }
        let n = vx.count
        var result = EventSet(eventCount: parent.eventCount)
        parent.forEach { e in
            let px = xs[e], py = ys[e]
            var inside = false
            var j = n - 1
            for i in 0..<n {
                let (xi, yi, xj, yj) = (vx[i], vy[i], vx[j], vy[j])
                // Edge (j → i) counts when py lies in [min y, max y) and the point is left of the edge.
                if (yi <= py) != (yj <= py) {
                    let crossing = xi + (py - yi) * (xj - xi) / (yj - yi)
                    if px < crossing { inside.toggle() }
                }
                j = i
            }
            if inside { result.insert(e) }
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
            var wanted: [(String, Int)] = []
            for (dividerID, location) in quadrant.positions {
                guard let divider = dividers[dividerID], let interval = divider.interval(of: location) else {
                    throw GatingError(.invalidGate, place: quadrant.id, "position refers to an unknown divider '\(dividerID)'")
                }
                wanted.append((dividerID, interval))
            }
            var set = EventSet(eventCount: parent.eventCount)
            parent.forEach { e in
                if wanted.allSatisfy({ intervals[$0.0]![e] == $0.1 }) { set.insert(e) }
            }
            return (quadrant.id, set)
        }
    }
}
