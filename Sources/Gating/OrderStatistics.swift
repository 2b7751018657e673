#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exact order statistics (medians, percentiles) of a channel over a population, without sorting it.
///
/// Two streaming passes: a histogram of the top 16 bits of each value's order-preserving key finds the bucket
/// that holds the wanted rank; only that bucket's values are then sorted. Exact for every Double.
public enum OrderStatistics {
    /// Maps a Double to an unsigned key with the same order (negative values reversed).
    @inline(__always)
    static func key(_ value: Double) -> UInt64 {
        let bits = value.bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// Buckets (top 16 bits of a key) that hold only non-finite values: −∞ and negative NaNs map below 0x0010,
    /// +∞ and positive NaNs above 0xFFEF; every finite Double (±0 and subnormals included) lies in between.
    static let finiteBuckets = 0x0010...0xFFEF

    /// Everything a readout needs from one channel over one population, in two passes over the events.
    /// Only the finite values count: NaN and ±∞ are left out of every field (``finite`` says how many remain).
    public struct Summary: Sendable {
        /// The values at the requested ranks among the finite values; empty when no value is finite.
        public var orders: [Double]
        /// How many of the population's values are finite (the ranks were asked for this count).
        public var finite: Int
        /// Sum of the finite values.
        public var sum: Double
        /// Sum of the natural logarithms of the finite values > 0, and how many there were.
        public var logSum: Double
        public var positives: Int
        /// Number of finite values strictly above the threshold asked for (0 without one).
        public var above: Int
    }

    /// Order statistics at `ranks(finite)` among the finite values, their sum, the log-sum of the positive ones
    /// and the count above `threshold`, computed in the same two passes that select the ranks. The ranks are
    /// asked for once the first pass has counted the finite values.
    public static func summarize(_ values: [Double], over events: EventSet, ranks: (Int) -> [Int], above threshold: Double? = nil) -> Summary {
        var sum = 0.0, positives = 0, above = 0
        // Σ ln x without a logarithm per value: multiply the significands (in [1, 2)) and add the exponents,
        // renormalising the product every 512 factors; Σ ln x = ln(product) + exponents · ln 2.
        var product = 1.0, exponents = 0, pending = 0
        let limit = threshold ?? .infinity
        let (orders, finite) = select(values, over: events, finiteOnly: true, ranks: ranks) { x in
            // One comparison keeps NaN out of the sum and ±∞ out of it and of the exponents (∞'s is Int.max).
            guard x.isFinite else { return }
            sum += x
            if x > 0 {
                product *= x.significand
                exponents += Int(x.exponent)
                positives += 1
                pending += 1
                if pending == 512 {
                    exponents += Int(product.exponent)
                    product = product.significand
                    pending = 0
                }
            }
            if x > limit { above += 1 }
        }
        let logSum = log(product) + Double(exponents) * 0.6931471805599453
        return Summary(orders: orders, finite: finite, sum: sum, logSum: logSum, positives: positives, above: above)
    }

    /// The values of ranks `ranks` (0-based, ascending order) among `values[e]` for e in `events`.
    /// NaN values make every result NaN (as numpy does).
    public static func select(_ values: [Double], over events: EventSet, ranks: [Int]) -> [Double] {
        select(values, over: events, finiteOnly: false, ranks: { _ in ranks }) { _ in }.orders
    }

    /// The values of ranks `ranks(finite)` among the finite `values[e]` for e in `events`, NaN and ±∞ left out,
    /// and `finite`, how many there are (the orders are empty when none is).
    public static func selectFinite(_ values: [Double], over events: EventSet, ranks: (Int) -> [Int]) -> (orders: [Double], finite: Int) {
        select(values, over: events, finiteOnly: true, ranks: ranks) { _ in }
    }

    /// `select` over every value (NaN making every result NaN) or only the finite ones, calling `visit` with every
    /// value during the first pass; `ranks` gets the number of values that count. Inlined so that each caller's
    /// `visit` is compiled into the loop rather than called per value.
    @inline(__always)
    static func select(_ values: [Double], over events: EventSet, finiteOnly: Bool, ranks rankFor: (Int) -> [Int],
                       visit: (Double) -> Void) -> (orders: [Double], finite: Int) {
        let n = events.count
        var histogram = [Int32](repeating: 0, count: 1 << 16)
        var hasNaN = false
        if n > 0 {
            values.withUnsafeBufferPointer { v in
                histogram.withUnsafeMutableBufferPointer { h in
                    events.forEach { e in
                        let x = v[e]
                        if x.isNaN { hasNaN = true }
                        h[Int(key(x) >> 48)] += 1
                        visit(x)
                    }
                }
            }
        }
        // Non-finite values sit in the 32 edge buckets, so leaving them out costs nothing per value: the rank
        // search below only walks the finite buckets, and the second pass only collects from wanted ones.
        let buckets = finiteOnly ? finiteBuckets : 0...0xFFFF
        var counted = n
        if finiteOnly {
            for bucket in 0..<finiteBuckets.lowerBound { counted -= Int(histogram[bucket]) }
            for bucket in (finiteBuckets.upperBound + 1)...0xFFFF { counted -= Int(histogram[bucket]) }
            if counted == 0 { return ([], 0) }
        }
        let ranks = rankFor(counted)
        guard counted > 0, !ranks.isEmpty else { return (ranks.map { _ in .nan }, counted) }
        // A caller's mistake, never the data's: ranks come from the count just made.
        precondition(ranks.allSatisfy { (0..<counted).contains($0) }, "OrderStatistics: a rank outside 0..<\(counted)")
        if hasNaN && !finiteOnly { return (ranks.map { _ in .nan }, counted) }
        // For each wanted rank: its bucket, and its rank within the bucket.
        var cumulative = 0
        var bucketOf: [Int] = Array(repeating: 0, count: ranks.count)
        var offsetIn: [Int] = Array(repeating: 0, count: ranks.count)
        let order = ranks.indices.sorted { ranks[$0] < ranks[$1] }
        var next = 0
        for bucket in buckets where histogram[bucket] > 0 {
            while next < order.count, ranks[order[next]] < cumulative + Int(histogram[bucket]) {
                bucketOf[order[next]] = bucket
                offsetIn[order[next]] = ranks[order[next]] - cumulative
                next += 1
            }
            cumulative += Int(histogram[bucket])
            if next == order.count { break }
        }
        // Usually one or two buckets: a flag table keeps the second pass free of hashing.
        let wanted = Array(Set(bucketOf)).sorted()
        var slot = [Int32](repeating: -1, count: 1 << 16)
        for (i, bucket) in wanted.enumerated() { slot[bucket] = Int32(i) }
        var members = wanted.map { bucket -> [Double] in
            var list: [Double] = []
            list.reserveCapacity(Int(histogram[bucket]))
            return list
        }
        values.withUnsafeBufferPointer { v in
            slot.withUnsafeBufferPointer { s in
                events.forEach { e in
                    let x = v[e]
                    let index = s[Int(key(x) >> 48)]
                    if index >= 0 { members[Int(index)].append(x) }
                }
            }
        }
        for i in members.indices { members[i].sort() }
        return (ranks.indices.map { members[Int(slot[bucketOf[$0]])][offsetIn[$0]] }, counted)
    }

    /// The median: the middle value, or the mean of the two middle values (numpy, R).
    public static func median(_ values: [Double], over events: EventSet) -> Double {
        let n = events.count
        guard n > 0 else { return .nan }
        let middle = select(values, over: events, ranks: middleRanks(n))
        return n % 2 == 1 ? middle[0] : midpoint(middle[0], middle[1])
    }

    /// The ranks of the middle value, or of the two middle values, among `n` (0-based): both are the one value
    /// when `n` is odd.
    public static func middleRanks(_ n: Int) -> [Int] { [(n - 1) / 2, n / 2] }

    /// The mean of two middle values: `(a + b) / 2`, or `a / 2 + b / 2` when the sum overflows (values near
    /// ±1.8e308), so a median is never ∞ between two finite values. Halving first everywhere would lose the
    /// smallest subnormals instead.
    public static func midpoint(_ a: Double, _ b: Double) -> Double {
        let sum = a + b
        return sum.isFinite ? sum / 2 : a / 2 + b / 2
    }

    /// Quantiles by R's type 7 (linear interpolation between order statistics; numpy's default).
    public static func quantiles(_ values: [Double], over events: EventSet, probabilities: [Double]) -> [Double] {
        let n = events.count
        guard n > 0 else { return probabilities.map { _ in .nan } }
        return interpolate(select(values, over: events, ranks: quantileRanks(n, probabilities)), n, probabilities)
    }

    /// The order-statistic ranks type-7 quantiles need: two per probability.
    public static func quantileRanks(_ n: Int, _ probabilities: [Double]) -> [Int] {
        probabilities.flatMap { p -> [Int] in
            let low = Int((Double(n - 1) * p).rounded(.down))
            return [low, min(low + 1, n - 1)]
        }
    }

    /// Type-7 quantiles from the order statistics at `quantileRanks`.
    public static func interpolate(_ orders: [Double], _ n: Int, _ probabilities: [Double]) -> [Double] {
        probabilities.indices.map { i in
            let position = Double(n - 1) * probabilities[i]
            let low = orders[2 * i], high = orders[2 * i + 1]
            let fraction = position - position.rounded(.down)
            // At an order statistic the quantile is that value, even ±∞ (∞ + 0 · (∞ − ∞) would be NaN); a step
            // that overflows (−1e308 to 1e308) is weighted instead.
            if fraction == 0 { return low }
            let step = high - low
            return step.isFinite ? low + fraction * step : low * (1 - fraction) + high * fraction
        }
    }
}
