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
                if let found = bandSelect(values, ranks: ranks, band: { _ in band }) { return found }
            }
            // Bands from the keys of an evenly strided sample, sorted.
            let samples = min(max(64, Int(3 * Double(n).squareRoot())), n / 4)
            var sample = (0..<samples).map { OrderStatistics.key(values[$0 * n / samples]) }
            sample.sort()
            // About 3 standard deviations of a sample rank either side of the wanted rank's place in the sample.
            let margin = Int(1.5 * Double(samples).squareRoot()) + 1
            let found = bandSelect(values, ranks: ranks) { rank in
                let position = rank * samples / n
                return (position - margin < 0 ? 0 : sample[position - margin],
                        position + margin >= samples ? UInt64.max : sample[position + margin])
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

    /// Floyd–Rivest-style selection: `band(rank)` gives two keys bracketing the wanted rank's key (from a sorted
    /// sample of the values, or a guess), one branch-free pass counts the keys below the band and copies the
    /// band's keys, and quickselect runs on the band only (a small fraction of the values) instead of on every key,
    /// whose partitioning branches the processor cannot predict. Nearby ranks share a band. The same keys, so the
    /// same order statistics; nil when a rank falls outside its band (a sample or guess that misrepresents the
    /// values), and the caller selects another way.
    private mutating func bandSelect(_ values: UnsafeBufferPointer<Double>, ranks: [Int], band: (Int) -> (UInt64, UInt64)) -> [Double]? {
        let n = values.count
        if self.band.count < n { self.band = [UInt64](unsafeUninitializedCapacity: n) { _, count in count = n } }
        let order = ranks.indices.sorted { ranks[$0] < ranks[$1] }
        var result = [Double](repeating: .nan, count: ranks.count)
        var below = 0, inBand = 0, low = 0, placed = false, missed = false, hasNaN = false
        self.band.withUnsafeMutableBufferPointer { b in
            let out = b.baseAddress!
            for index in order {
                let rank = ranks[index]
                if !placed || rank - below < low || rank - below >= inBand {
                    // A new band around this rank.
                    let (lowKey, highKey) = band(rank)
                    let pass = Self.bandPass(values, into: out, lowKey: lowKey, highKey: highKey)
                    if pass.nans > 0 { hasNaN = true; return }
                    below = pass.below
                    inBand = pass.taken
                    low = 0
                    placed = false
                    guard rank - below >= 0, rank - below < inBand else { missed = true; return }
                }
                let t = rank - below
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
        if hasNaN { return ranks.map { _ in .nan } }
        return missed ? nil : result
    }

    /// One pass over the values: the keys below `lowKey`, the keys in `lowKey...highKey` copied to `out` in
    /// order, and the NaNs, without a branch per value (each key is written at the band's end, which only moves
    /// on when the key is in the band).
    @inline(__always)
    static func bandPass(_ values: UnsafeBufferPointer<Double>, into out: UnsafeMutablePointer<UInt64>,
                         lowKey: UInt64, highKey: UInt64) -> (below: Int, taken: Int, nans: Int) {
        let width = highKey &- lowKey
        var below = 0, outside = 0, nans = 0
        for i in 0..<values.count {
            let x = values[i]
            let k = OrderStatistics.key(x)
            out[i &- outside] = k
            below &+= k < lowKey ? 1 : 0
            outside &+= width < k &- lowKey ? 1 : 0  // k < lowKey wraps around to a large difference
            nans &+= x != x ? 1 : 0
        }
        return (below, values.count - outside, nans)
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
