/// Midranks of a sample (R's `rank(x)` with `ties.method = "average"`) and the sizes of its tie groups, as the
/// rank tests and their tie corrections need them. Ties are exact equality of doubles, as in R.
public struct Ranks: Sendable {
    /// The rank of each value, in input order; tied values share the mean of the ranks they span.
    public let ranks: [Double]
    /// The size t of every group of two or more equal values.
    public let tieSizes: [Int]

    /// Ranks `values` (which must not contain NaN).
    public init(_ values: [Double]) {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var tieSizes: [Int] = []
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            // Positions start…end−1 hold ranks start+1…end; their mean is (start + 1 + end)/2.
            let midrank = Double(start + 1 + end) / 2
            for position in start..<end { ranks[order[position]] = midrank }
            if end - start > 1 { tieSizes.append(end - start) }
            start = end
        }
        self.ranks = ranks
        self.tieSizes = tieSizes
    }

    /// Whether any two values are equal.
    public var hasTies: Bool { !tieSizes.isEmpty }

    /// Σ(t³ − t) over the tie groups, the quantity every tie correction is built from: exact in integers while
    /// t³ fits (t < 2,097,152), in doubles beyond.
    public var tieSum: Double {
        tieSizes.reduce(0) { sum, t in
            let (square, first) = t.multipliedReportingOverflow(by: t), (cube, second) = square.multipliedReportingOverflow(by: t)
            return sum + (first || second ? Double(t) * Double(t) * Double(t) - Double(t) : Double(cube - t))
        }
    }
}
