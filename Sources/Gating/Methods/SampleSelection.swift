/// Exact order statistics of an in-memory sample (a few thousand to a few hundred thousand values) by quickselect on
/// a reusable scratch buffer of order-preserving keys.
///
/// The same values as ``OrderStatistics/select(_:over:ranks:)`` (the same key order, so −0 ranks below +0; NaN makes
/// every result NaN), but without its two 65,536-bucket tables: for the singlet fit's median of 10,000 residuals per
/// iteration and the bandwidth's quartiles, those tables cost more than the values themselves.
struct SampleSelection {
    /// Keys of the last selection, kept to reuse their storage.
    private var keys: [UInt64] = []

    /// The values of ranks `ranks` (0-based, in ascending order of the values) among `values`.
    mutating func select(_ values: UnsafeBufferPointer<Double>, ranks: [Int]) -> [Double] {
        let n = values.count
        guard n > 0, !ranks.isEmpty else { return ranks.map { _ in .nan } }
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

    /// The median of `values`: the middle value, or the mean of the two middle values (as ``OrderStatistics/median(_:over:)``).
    mutating func median(_ values: UnsafeBufferPointer<Double>) -> Double {
        let n = values.count
        guard n > 0 else { return .nan }
        let middle = select(values, ranks: [(n - 1) / 2, n / 2])
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
