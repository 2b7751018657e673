/// Median and type-7 quartiles of a sample, the descriptive triple of the outcome tables ("median [Q1; Q3]").
public struct Quartiles: Sendable, Equatable {
    /// The median (R's `median`).
    public let median: Double
    /// The first quartile (R's `quantile(x, 0.25)`, type 7).
    public let q1: Double
    /// The third quartile (R's `quantile(x, 0.75)`, type 7).
    public let q3: Double

    /// The quartiles of `values`, or nil when there are none.
    public init?(_ values: [Double]) {
        let sorted = values.sorted()
        guard let median = Quantile.median(sorted: sorted), let q1 = Quantile.type7(sorted: sorted, 0.25),
              let q3 = Quantile.type7(sorted: sorted, 0.75) else { return nil }
        self.median = median
        self.q1 = q1
        self.q3 = q3
    }
}
