import FCS
import Foundation
import Testing
@testable import Gating

/// Order statistics over the finite values of a population: NaN and ±∞ are left out of the ranks, the sums and
/// the counts; the all-values `select` keeps numpy's NaN rule. Expected values are sorted or summed by hand.
@Suite("Order statistics with non-finite values")
struct OrderStatisticsTests {
    @Test("the finite buckets hold every finite Double and no NaN or ∞")
    func bucketEdges() {
        let bucket = { (x: Double) in Int(OrderStatistics.key(x) >> 48) }
        for x in [0.0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1] {
            #expect(OrderStatistics.finiteBuckets.contains(bucket(x)), "\(x)")
        }
        let signalling = Double(bitPattern: 0x7FF0_0000_0000_0001), negativeNaN = Double(bitPattern: 0xFFF8_0000_0000_0000)
        for x in [Double.infinity, -.infinity, .nan, signalling, negativeNaN, -signalling] {
            #expect(!OrderStatistics.finiteBuckets.contains(bucket(x)), "\(x.bitPattern)")
        }
    }

    @Test("selectFinite ranks only the finite values of the population")
    func selectFinite() {
        let values: [Double] = [5, .nan, 1, .infinity, 3, -.infinity, 2, 4, .nan, 100]
        var events = EventSet(eventCount: values.count)
        for e in 0..<9 { events.insert(e) }   // 100 is outside the population
        // Finite members sorted: 1, 2, 3, 4, 5.
        let (orders, finite) = OrderStatistics.selectFinite(values, over: events) { n in [0, (n - 1) / 2, n - 1] }
        #expect(finite == 5)
        #expect(orders == [1, 3, 5])
        let none = OrderStatistics.selectFinite([.nan, .infinity, -.infinity], over: .all(3)) { n in [n / 2] }
        #expect(none.finite == 0 && none.orders.isEmpty)
    }

    @Test("summarize with 50 +∞ among 200 values does not trap, and its sums and counts are the finite values'")
    func summarizeInfinity() {
        // The audit's shape: an uncompensated channel with +∞ in 50 events (∞'s exponent is Int.max).
        let values = (1...150).map(Double.init) + Array(repeating: .infinity, count: 50)
        let summary = OrderStatistics.summarize(values, over: .all(200), ranks: { n in [(n - 1) / 2, n / 2] }, above: 100)
        #expect(summary.finite == 150)
        #expect(summary.orders == [75, 76])            // the middle of 1…150
        #expect(summary.sum == 11_325)                 // 150 · 151 / 2
        #expect(summary.positives == 150)
        #expect(summary.above == 50)                   // 101…150; +∞ is not counted
        let lnFactorial = (1...150).reduce(0.0) { $0 + log(Double($1)) }
        #expect(abs(summary.logSum - lnFactorial) < 1e-9 * lnFactorial)
        let mixed = OrderStatistics.summarize([-.infinity, .nan, -2, 0, 8], over: .all(5), ranks: { n in [0, n - 1] }, above: -1)
        #expect(mixed.finite == 3 && mixed.orders == [-2, 8] && mixed.sum == 6 && mixed.positives == 1 && mixed.above == 2)
    }

    @Test("select over every value still makes every result NaN when one is NaN (numpy)")
    func selectNaN() {
        let result = OrderStatistics.select([1, .nan, 2], over: .all(3), ranks: [0, 2])
        #expect(result.count == 2 && result.allSatisfy(\.isNaN))
        #expect(OrderStatistics.select([3, .infinity, -.infinity], over: .all(3), ranks: [0, 1, 2]) == [-.infinity, 3, .infinity])
    }

    @Test("a type-7 quantile at an order statistic is that value, even ∞; an overflowing step is weighted")
    func interpolation() {
        // h = (3 − 1) · 0.5 = 1 exactly: x[1] = ∞ (∞ + 0 · (∞ − ∞) was NaN).
        #expect(OrderStatistics.quantiles([1, .infinity, .infinity], over: .all(3), probabilities: [0.5]) == [.infinity])
        // h = 0.5 between −1e308 and 1e308: their difference overflows; the midpoint is 0.
        #expect(OrderStatistics.quantiles([-1e308, 1e308], over: .all(2), probabilities: [0.5]) == [0])
        #expect(OrderStatistics.quantiles([0, 10], over: .all(2), probabilities: [0.25]) == [2.5])
    }

    @Test("gate --medians: medians of the finite values, an empty cell when none is, never NaN or Inf")
    func medianRows() throws {
        // X: 4, NaN, 1, +inf, 3, 2 (finite sorted 1, 2, 3, 4: median 2.5); Y: NaN, inf, -inf, NaN, NaN, NaN.
        let x: [Double] = [4, .nan, 1, .infinity, 3, 2], y: [Double] = [.nan, .infinity, -.infinity, .nan, .nan, .nan]
        let sample = Sample(file: "m.fcs", keywords: Keywords(), parameters: [Parameter(index: 1, name: "X"), Parameter(index: 2, name: "Y")],
                            columns: [ChannelValues(x), ChannelValues(y)])
        let template = try TemplateReader.read(#"{"format": "flowstudy-gating/1", "populations": [{"id": "all", "gate": {"type": "range", "dimensions": [{"channel": "X", "min": -1e300}]}}]}"#,
                                               name: "t.json")
        // The range keeps X ≥ −1e300: 4, 1, +inf, 3, 2 (NaN is in no gate). Finite X: 1, 2, 3, 4.
        let rows = try GatingSession(strategy: template.strategy, sample: sample).medianRows()
        #expect(rows == [["all", "X", "2.5"], ["all", "Y", ""]], "\(rows)")
    }
}
