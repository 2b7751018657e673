/// Exact order statistics of an in-memory sample (a few thousand to a few hundred thousand values) by quickselect on
/// a reusable scratch buffer of order-preserving keys.
///
/// The same values as ``OrderStatistics/select(_:over:ranks:)`` (the same key order, so −0 ranks below +0; NaN makes
/// every result NaN), but without its two 65,536-bucket tables: for the singlet fit's median of 10,000 residuals per
/// iteration and the bandwidth's quartiles, those tables cost more than the values themselves.
struct SampleSelection {
    /// Keys of the last selection, kept to reuse their storage.
    private var keys: [UInt64] = []
    /// The keys of the last band pass (``bandSelect(_:ranks:band:)``), kept to reuse their storage.
    private var band: [UInt64] = []

    /// The values of ranks `ranks` (0-based, in ascending order of the values) among `values`. `near`, a guess of
    /// an interval holding the wanted values (a previous iteration's median), only makes the selection faster: a
    /// wrong guess gives the same result.
    mutating func select(_ values: UnsafeBufferPointer<Double>, ranks: [Int], near guess: ClosedRange<Double>? = nil) -> [Double] {
        let n = values.count
        guard n > 0, !ranks.isEmpty else { return ranks.map { _ in .nan } }
        if n >= Self.bandMinimum {
            if let guess {
                // In key order (0 ... −0 is a range of Doubles, but −0's key is the smaller).
                let a = OrderStatistics.key(guess.lowerBound), b = OrderStatistics.key(guess.upperBound)
                let band = (min(a, b), max(a, b))
                if let found = bandSelect(values, ranks: ranks, band: { _, _ in band }) { return found }
            }
            // Bands from the keys of an evenly strided sample, sorted.
            let samples = min(max(64, Int(3 * Double(n).squareRoot())), n / 4)
            var sample = (0..<samples).map { OrderStatistics.key(values[$0 * n / samples]) }
            sample.sort()
            // About 3 standard deviations of a sample rank either side of the wanted rank's place in the sample.
            let margin = Int(1.5 * Double(samples).squareRoot()) + 1
            let found = bandSelect(values, ranks: ranks) { first, last in
                let low = first * samples / n - margin, high = last * samples / n + margin
                return (low < 0 ? 0 : sample[low], high >= samples ? UInt64.max : sample[high])
            }
            if let found { return found }
        }
        var hasNaN = false
        func fill(_ k: UnsafeMutableBufferPointer<UInt64>) {
            for i in 0..<n {
                let x = values[i]
                if x.isNaN { hasNaN = true }
                k[i] = OrderStatistics.key(x)
            }
        }
        if keys.count < n {
            // Written in full here: no zero-filling first.
            keys = [UInt64](unsafeUninitializedCapacity: n) { k, count in
                fill(k)
                count = n
            }
        } else {
            keys.withUnsafeMutableBufferPointer { fill($0) }
        }
        if hasNaN { return ranks.map { _ in .nan } }
        // Ranks in ascending order: each selection leaves everything before its rank no larger, so the next one
        // only searches from there.
        let order = ranks.indices.sorted { ranks[$0] < ranks[$1] }
        var result = [Double](repeating: .nan, count: ranks.count)
        keys.withUnsafeMutableBufferPointer { k in
            var low = 0, placed = false
            for index in order {
                let rank = ranks[index]
                if placed && rank == low + 1 {
                    // The next rank (a median's or a type-7 quantile's second order statistic): the smallest key
                    // after the one just placed, in one scan.
                    var smallest = rank
                    for i in (rank + 1)..<n where k[i] < k[smallest] { smallest = i }
                    k.swapAt(rank, smallest)
                } else if !(placed && rank == low) {
                    Self.nthElement(k.baseAddress!, low, n, rank)
                }
                result[index] = Self.value(k[rank])
                low = rank
                placed = true
            }
        }
        return result
    }

    /// Below this many values quickselect on every key is as fast as a band pass.
    static let bandMinimum = 512

    /// Floyd–Rivest-style selection: `band(first, last)` gives two keys bracketing the keys of ranks
    /// `first...last` (from a sorted sample of the values, or a guess); a branch-free pass counts the keys below
    /// each band and copies the band's keys (two bands a pass), and quickselect runs on the bands only (a small
    /// fraction of the values) instead of on every key, whose partitioning branches the processor cannot predict.
    /// Consecutive ranks (a median's or a type-7 quantile's pair) share a band. The same keys, so the same order
    /// statistics; nil when a rank falls outside its band (a sample or guess that misrepresents the values), and
    /// the caller selects another way.
    private mutating func bandSelect(_ values: UnsafeBufferPointer<Double>, ranks: [Int], band: (Int, Int) -> (UInt64, UInt64)) -> [Double]? {
        let n = values.count
        if self.band.count < n { self.band = [UInt64](unsafeUninitializedCapacity: n) { _, count in count = n } }
        // Indices of `ranks` in ascending rank order, grouped by consecutive ranks.
        var groups: [[Int]] = []
        for index in ranks.indices.sorted(by: { ranks[$0] < ranks[$1] }) {
            if let last = groups.last?.last, ranks[index] - ranks[last] <= 1 { groups[groups.count - 1].append(index) } else { groups.append([index]) }
        }
        var result = [Double](repeating: .nan, count: ranks.count)
        var missed = false, hasNaN = false
        self.band.withUnsafeMutableBufferPointer { b in
            let base = b.baseAddress!
            var start = 0
            while start < groups.count {
                // Two groups a pass, unless their bands together fill the scratch (then one).
                var pair = Array(groups[start..<min(start + 2, groups.count)])
                var passes = Self.bandPass(values, into: base, bands: pair.map { band(ranks[$0[0]], ranks[$0[$0.count - 1]]) })
                if passes.nans > 0 { hasNaN = true; return }
                if passes.taken.count == 2 && passes.taken[0] + passes.taken[1] > n - 2 {
                    pair = [pair[0]]
                    passes = Self.bandPass(values, into: base, bands: [band(ranks[pair[0][0]], ranks[pair[0][pair[0].count - 1]])])
                }
                start += pair.count
                for (g, group) in pair.enumerated() {
                    let below = passes.below[g], inBand = passes.taken[g]
                    let out = g == 0 ? base : base + (n - inBand)
                    var low = 0, placed = false
                    for index in group {
                        let t = ranks[index] - below
                        guard t >= 0, t < inBand else { missed = true; return }
                        if placed && t == low + 1 {
                            // The next rank: the smallest key after the one just placed, in one scan.
                            var smallest = t
                            for i in (t + 1)..<inBand where out[i] < out[smallest] { smallest = i }
                            out.swapAt(t, smallest)
                        } else if !(placed && t == low) {
                            Self.nthElement(out, low, inBand, t)
                        }
                        result[index] = Self.value(out[t])
                        low = t
                        placed = true
                    }
                }
            }
        }
        if hasNaN { return ranks.map { _ in .nan } }
        return missed ? nil : result
    }

    /// One pass over the values for one or two bands (`bands[g]` = lowest and highest key): the keys below each
    /// band, and the NaNs; band 0's keys are copied in order to the start of `scratch`, band 1's from its end
    /// backwards (`scratch[n − taken₁ ..< n]`; valid when the two counts add up to at most n − 2, so neither
    /// end ever reached the other). No branch per value: each key is written at each band's end, which only moves
    /// on when the key is in the band.
    static func bandPass(_ values: UnsafeBufferPointer<Double>, into scratch: UnsafeMutablePointer<UInt64>,
                         bands: [(UInt64, UInt64)]) -> (below: [Int], taken: [Int], nans: Int) {
        let n = values.count
        // A key k is in lowKey...highKey when k − lowKey (wrapping below lowKey to a large number) ≤ the width.
        @inline(__always) func bit(_ condition: Bool) -> Int { Int(unsafeBitCast(condition, to: UInt8.self)) }
        let low0 = bands[0].0, width0 = bands[0].1 &- bands[0].0
        var below0 = 0, outside0 = 0, nans = 0
        if bands.count == 1 {
            for i in 0..<n {
                let x = values[i]
                let k = OrderStatistics.key(x)
                scratch[i &- outside0] = k
                below0 &+= bit(k < low0)
                outside0 &+= bit(width0 < k &- low0)
                nans &+= bit(x != x)
            }
            return ([below0], [n - outside0], nans)
        }
        let low1 = bands[1].0, width1 = bands[1].1 &- bands[1].0
        var below1 = 0, outside1 = 0
        let last = scratch + (n - 1)
        for i in 0..<n {
            let x = values[i]
            let k = OrderStatistics.key(x)
            scratch[i &- outside0] = k
            last[outside1 &- i] = k
            below0 &+= bit(k < low0)
            outside0 &+= bit(width0 < k &- low0)
            below1 &+= bit(k < low1)
            outside1 &+= bit(width1 < k &- low1)
            nans &+= bit(x != x)
        }
        return ([below0, below1], [n - outside0, n - outside1], nans)
    }

    /// The median of `values`: the middle value, or the mean of the two middle values (as ``OrderStatistics/median(_:over:)``).
    /// `near`: a guess of an interval holding it, as ``select(_:ranks:near:)``.
    mutating func median(_ values: UnsafeBufferPointer<Double>, near guess: ClosedRange<Double>? = nil) -> Double {
        let n = values.count
        guard n > 0 else { return .nan }
        let middle = select(values, ranks: [(n - 1) / 2, n / 2], near: guess)
        return n % 2 == 1 ? middle[0] : (middle[0] + middle[1]) / 2
    }

    /// The Double of an order-preserving key (the inverse of ``OrderStatistics/key(_:)``).
    @inline(__always)
    static func value(_ key: UInt64) -> Double {
        Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }

    /// Rearranges `a[low..<high]` so that `a[rank]` holds the key of that rank, no larger keys before it and no
    /// smaller after. Median-of-three quickselect; a range that keeps shrinking slowly is sorted instead, so the
    /// worst case stays O(n log n).
    static func nthElement(_ a: UnsafeMutablePointer<UInt64>, _ low: Int, _ high: Int, _ rank: Int) {
        var lo = low, hi = high - 1
        var budget = 2 * (Int.bitWidth - (high - low).leadingZeroBitCount) + 4
        while hi > lo {
            if budget == 0 {
                var rest = UnsafeMutableBufferPointer(start: a + lo, count: hi - lo + 1)
                rest.sort()
                return
            }
            budget -= 1
            let mid = lo + (hi - lo) / 2
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo, j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // Now a[lo...j] ≤ pivot ≤ a[i...hi], and every key strictly between j and i equals the pivot.
            if rank <= j { hi = j } else if rank >= i { lo = i } else { return }
        }
    }
}

extension UnsafeMutablePointer where Pointee == UInt64 {
    /// Exchanges the keys at two offsets.
    @inline(__always)
    fileprivate func swapAt(_ i: Int, _ j: Int) {
        let t = self[i]
        self[i] = self[j]
        self[j] = t
    }
}
