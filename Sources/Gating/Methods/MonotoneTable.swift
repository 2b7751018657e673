import Transforms

/// A strictly increasing transform tabulated for bulk use by the density methods: 4,096 equal steps in the
/// transform's units between the images of the smallest and largest value, each step's end mapped back by the
/// exact inverse, and values placed linearly between the two exact points around them. A kernel density on a
/// 512-point grid cannot tell the difference, and it costs a binary search instead of an iterative solve per event.
struct MonotoneTable {
    let raw: [Double]
    let low: Double, step: Double

    /// Nil when the range is empty or the transform does not map it to finite, increasing values.
    init?(_ transform: any Transform, low rawLow: Double, high rawHigh: Double, steps: Int = 4096) {
        let y0 = transform.apply(rawLow), y1 = transform.apply(rawHigh)
        guard rawLow < rawHigh, y0.isFinite, y1.isFinite, y0 < y1 else { return nil }
        let width = (y1 - y0) / Double(steps)
        step = width
        low = y0
        var raw = (0...steps).map { transform.inverse(y0 + Double($0) * width) }
        raw[0] = rawLow
        raw[steps] = rawHigh
        // The inverse's rounding must not break the order the search relies on.
        for k in 1...steps where !(raw[k] >= raw[k - 1]) { return nil }
        self.raw = raw
        // An index over equal slices of the raw range: the table points each slice starts at, so a search only
        // covers the points inside one slice.
        let slices = steps
        let sliceWidth = (rawHigh - rawLow) / Double(slices)
        var starts = [Int](repeating: 0, count: slices + 2)
        var k = 0
        for b in 0...slices {
            let edge = rawLow + Double(b) * sliceWidth
            while k < steps && raw[k + 1] <= edge { k += 1 }
            starts[b] = k
        }
        starts[slices + 1] = steps
        self.starts = starts
        self.sliceWidth = sliceWidth
        self.rawLow = rawLow
    }

    let starts: [Int]
    let sliceWidth: Double
    let rawLow: Double

    /// The transformed value of `v` (within the table's range; NaN outside or for NaN).
    func apply(_ v: Double) -> Double {
        guard let first = raw.first, let last = raw.last, v >= first, v <= last else { return .nan }
        // The slice's points bracket v (slices are closed to the left and computed with the same edges), widened by
        // one on each side against rounding; the binary search then runs inside them.
        let b = min(max(Int(((v - rawLow) / sliceWidth).rounded(.down)), 0), starts.count - 2)
        var lowIndex = max(starts[b] - 1, 0), highIndex = min(starts[b + 1] + 2, raw.count - 1)
        if raw[lowIndex] > v { lowIndex = 0 }
        if raw[highIndex] <= v && highIndex < raw.count - 1 { highIndex = raw.count - 1 }
        while highIndex - lowIndex > 1 {
            let mid = (lowIndex + highIndex) / 2
            if raw[mid] <= v { lowIndex = mid } else { highIndex = mid }
        }
        let width = raw[highIndex] - raw[lowIndex]
        let fraction = width > 0 ? (v - raw[lowIndex]) / width : 0
        return low + (Double(lowIndex) + fraction) * step
    }
}
