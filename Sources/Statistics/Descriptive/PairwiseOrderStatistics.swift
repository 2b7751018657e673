/// The order statistics of all Walsh averages (xᵢ + xⱼ)/2, i ≤ j, of one sample, or of all differences xᵢ − yⱼ
/// between two samples, found without forming the n(n + 1)/2 or m·n pairs: memory stays O(n) and each order
/// statistic costs about 64 counting passes of O(n).
///
/// With the values sorted, fl((xᵢ + xⱼ)/2) is non-decreasing in i and in j, and fl(xᵢ − yⱼ) non-decreasing in i and
/// non-increasing in j (rounding to nearest is monotone, overflow goes to ±∞ in order), so how many pairs lie at or
/// below t is a two-pointer count. The k-th smallest pair is the smallest double t whose count reaches k, found by
/// a binary search over the doubles' bit patterns mapped to order-preserving integers; it is always one of the
/// pairs' own values, bit for bit what sorting all pairs and reading entry k gives.
///
/// Order is IEEE's total order, in which −0 comes before +0; a comparison sort sees the two zeros as equal, so it
/// may return either. Every other value is the same.
struct PairwiseOrderStatistics: Sendable {
    private enum Pairs: Sendable {
        case walshAverages([Double])
        case differences([Double], [Double])
    }

    private let pairs: Pairs
    /// The number of pairs: n(n + 1)/2 Walsh averages, or m·n differences.
    let count: Int
    /// The smallest and largest pair, as order keys.
    private let range: (low: Int64, high: Int64)

    /// The Walsh averages of `values` (finite, not empty).
    init(walshAveragesOf values: [Double]) {
        let sorted = Self.sortedInTotalOrder(values)
        pairs = .walshAverages(sorted)
        count = sorted.count * (sorted.count + 1) / 2
        range = (Self.key((sorted[0] + sorted[0]) / 2), Self.key((sorted[sorted.count - 1] + sorted[sorted.count - 1]) / 2))
    }

    /// The differences `first` − `second` (each finite, not empty).
    init(differencesOf first: [Double], minus second: [Double]) {
        let x = Self.sortedInTotalOrder(first), y = Self.sortedInTotalOrder(second)
        pairs = .differences(x, y)
        count = x.count * y.count
        range = (Self.key(x[0] - y[y.count - 1]), Self.key(x[x.count - 1] - y[0]))
    }

    /// The k-th smallest pair, 1 ≤ k ≤ `count` (entry k − 1 of the sorted pairs).
    func smallest(_ k: Int) -> Double {
        precondition(k >= 1 && k <= count, "order statistic \(k) of \(count) pairs")
        // Invariant: fewer than k pairs lie below `low`, at least k at or below `high`.
        var low = range.low, high = range.high
        while low < high {
            let middle = (low & high) + ((low ^ high) >> 1)   // ⌊(low + high)/2⌋ without overflow
            if countAtMost(middle) >= k { high = middle } else { low = middle + 1 }
        }
        return Self.value(low)
    }

    /// The median as `Quantile.median(sorted:)` takes it: the middle pair, or the mean of the middle two.
    var median: Double {
        count % 2 == 1 ? smallest(count / 2 + 1) : (smallest(count / 2) + smallest(count / 2 + 1)) / 2
    }

    /// How many pairs have an order key ≤ `bound`.
    private func countAtMost(_ bound: Int64) -> Int {
        var total = 0
        switch pairs {
        case let .walshAverages(x):
            // For each i, the j ≥ i with (xᵢ + xⱼ)/2 ≤ bound are i…j; j only moves down as i grows.
            var j = x.count - 1
            for i in x.indices {
                while j >= i && Self.key((x[i] + x[j]) / 2) > bound { j -= 1 }
                if j < i { break }
                total += j - i + 1
            }
        case let .differences(x, y):
            // For each i, the j with xᵢ − yⱼ ≤ bound are j…n − 1; j only moves up as i grows.
            var j = 0
            for i in x.indices {
                while j < y.count && Self.key(x[i] - y[j]) > bound { j += 1 }
                if j == y.count { break }
                total += y.count - j
            }
        }
        return total
    }

    /// `values` sorted in IEEE total order (through their keys, so −0 precedes +0).
    private static func sortedInTotalOrder(_ values: [Double]) -> [Double] {
        values.map(key).sorted().map(value)
    }

    /// An integer in the doubles' total order: non-negative doubles keep their bits, negative ones have all bits
    /// but the sign flipped, so a larger magnitude gives a smaller key.
    static func key(_ x: Double) -> Int64 {
        let bits = Int64(bitPattern: x.bitPattern)
        return bits < 0 ? bits ^ Int64.max : bits
    }

    /// The double with order key `key` (the inverse of ``key(_:)``).
    static func value(_ key: Int64) -> Double {
        Double(bitPattern: UInt64(bitPattern: key < 0 ? key ^ Int64.max : key))
    }
}
