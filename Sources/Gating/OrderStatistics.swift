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

    /// Everything a readout needs from one channel over one population, in two passes over the events.
    public struct Summary: Sendable {
        /// The values at the requested ranks.
        public var orders: [Double]
        /// Sum of the values.
        public var sum: Double
        /// Sum of the natural logarithms of the values > 0, and how many there were.
        public var logSum: Double
        public var positives: Int
        /// Number of values strictly above the threshold asked for (0 without one).
        public var above: Int
    }

    /// Order statistics at `ranks`, the sum, the log-sum of positive values, and the count above `threshold`,
    /// computed in the same two passes that select the ranks.
    public static func summarize(_ values: [Double], over events: EventSet, ranks: [Int], above threshold: Double? = nil) -> Summary {
        var sum = 0.0, positives = 0, above = 0
        // Σ ln x without a logarithm per value: multiply the significands (in [1, 2)) and add the exponents,
        // renormalising the product every 512 factors; Σ ln x = ln(product) + exponents · ln 2.
        var product = 1.0, exponents = 0, pending = 0
        let limit = threshold ?? .infinity
        let orders = select(values, over: events, ranks: ranks) { x in
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
        return Summary(orders: orders, sum: sum, logSum: logSum, positives: positives, above: above)
    }

    /// The values of ranks `ranks` (0-based, ascending order) among `values[e]` for e in `events`.
    /// NaN values make every result NaN (as numpy does).
    public static func select(_ values: [Double], over events: EventSet, ranks: [Int]) -> [Double] {
        select(values, over: events, ranks: ranks) { _ in }
    }

    /// `select`, calling `visit` with every value during the first pass.
    static func select(_ values: [Double], over events: EventSet, ranks: [Int], visit: (Double) -> Void) -> [Double] {
        let n = events.count
        guard n > 0, !ranks.isEmpty else { return ranks.map { _ in .nan } }
        var histogram = [Int32](repeating: 0, count: 1 << 16)
        var hasNaN = false
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
        if hasNaN { return ranks.map { _ in .nan } }
        // For each wanted rank: its bucket, and its rank within the bucket.
        var cumulative = 0
        var bucketOf: [Int] = Array(repeating: 0, count: ranks.count)
        var offsetIn: [Int] = Array(repeating: 0, count: ranks.count)
        let order = ranks.indices.sorted { ranks[$0] < ranks[$1] }
        var next = 0
        for bucket in 0..<(1 << 16) where histogram[bucket] > 0 {
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
        return ranks.indices.map { members[wanted.firstIndex(of: bucketOf[$0])!][offsetIn[$0]] }
    }

    /// The median: the middle value, or the mean of the two middle values (numpy, R).
    public static func median(_ values: [Double], over events: EventSet) -> Double {
        let n = events.count
        guard n > 0 else { return .nan }
        let middle = select(values, over: events, ranks: [(n - 1) / 2, n / 2])
        return n % 2 == 1 ? middle[0] : (middle[0] + middle[1]) / 2
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
            return low + (position - position.rounded(.down)) * (high - low)
        }
    }
}
