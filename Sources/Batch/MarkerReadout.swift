import Tables
import FCS
import Gating

/// One row of `markers.csv`: a marker on a population of one sample, with its threshold and control.
/// `docs/statistics.md` defines every column.
public struct MarkerReadout: Sendable {
    /// Columns of markers.csv, defined in docs/statistics.md.
    public var sampleID: String
    public var subjectID: String
    public var condition: String
    public var population: String
    public var marker: String
    public var channel: String
    public var events: Int
    public var mfi: Double
    public var mean: Double
    public var geomean: Double
    public var rcv: Double
    public var threshold: Double
    public var thresholdSource: String
    public var controlSampleID: String
    public var controlMFI: Double
    public var deltaMFI: Double
    public var mfiRatio: Double
    public var percentPositive: Double
    public var flags: [String]

    /// The CSV header.
    public static let header = ["sample_id", "subject_id", "condition", "population", "marker", "channel", "n_events", "mfi", "mean",
                                "geomean", "rcv", "threshold", "threshold_source", "control_sample_id", "control_mfi", "delta_mfi",
                                "mfi_ratio", "percent_positive", "flags"]

    /// The CSV fields: a number that does not exist, or is not finite, is an empty cell, and −0 is written 0.
    public var fields: [String] {
        let number = Self.number
        return [sampleID, subjectID, condition, population, marker, channel, "\(events)", number(mfi), number(mean),
                number(geomean), number(rcv), number(threshold), thresholdSource, controlSampleID, number(controlMFI),
                number(deltaMFI), number(mfiRatio), number(percentPositive), flags.joined(separator: ";")]
    }

    /// A statistic's cell: shortest round-trip text of a finite value, empty otherwise; a median of −0 values or
    /// a difference of equal ones is a zero, and `-0` would read as a different value to a person.
    static func number(_ value: Double) -> String {
        csvFiniteNumber(value == 0 ? 0 : value)
    }

    /// `mfi / control_mfi`, a fold over the control: defined for two positive medians (a ratio with a negative
    /// or zero compensated median says nothing about brightness); nil when it is not defined or overflows.
    static func ratio(_ mfi: Double, over control: Double) -> Double? {
        guard mfi > 0, control > 0 else { return nil }
        let ratio = mfi / control
        return ratio.isFinite ? ratio : nil
    }
}

/// The statistics of one channel over one population, in two passes over its events. Only finite values count:
/// an event whose value is NaN or ±∞ is left out of every statistic and counted in ``nonFinite``.
struct ChannelSummary {
    /// The population's events, finite or not.
    var events: Int
    /// The events whose value is finite: every statistic's denominator.
    var finite: Int
    var median: Double
    var mean: Double
    var geomean: Double
    /// Finite values ≤ 0, left out of the geometric mean.
    var geomeanExcluded: Int
    /// NaN when the median is ≤ 0 (a CV relative to a non-positive centre is not defined).
    var rcv: Double
    /// Finite events strictly above the threshold given.
    var above: Int

    /// Events left out for a non-finite value.
    var nonFinite: Int { events - finite }

    /// The row's flags for these statistics: `NONFINITE_EXCLUDED=n`, `GEOMEAN_EXCLUDED=k`, `RCV_UNDEFINED`.
    var flags: [String] {
        var flags: [String] = []
        if nonFinite > 0 { flags.append("NONFINITE_EXCLUDED=\(nonFinite)") }
        if geomeanExcluded > 0 { flags.append("GEOMEAN_EXCLUDED=\(geomeanExcluded)") }
        if finite > 0 && rcv.isNaN { flags.append("RCV_UNDEFINED") }
        return flags
    }

    /// Median; mean; geometric mean over values > 0 (the others counted); robust CV as FlowJo defines it,
    /// 0.5 × (P84.13 − P15.87) / median × 100, with R type 7 percentiles; the count above `threshold`.
    init(values: [Double], events set: EventSet, threshold: Double?) {
        events = set.count
        median = .nan; mean = .nan; geomean = .nan; geomeanExcluded = 0; rcv = .nan; above = 0; finite = 0
        guard events > 0 else { return }
        let probabilities = [0.1587, 0.8413]
        let ranks = { (n: Int) -> [Int] in OrderStatistics.quantileRanks(n, probabilities) + OrderStatistics.middleRanks(n) }
        let summary = OrderStatistics.summarize(values, over: set, ranks: ranks, above: threshold)
        finite = summary.finite
        guard finite > 0 else { return }
        let q = OrderStatistics.interpolate(Array(summary.orders.prefix(4)), finite, probabilities)
        median = finite % 2 == 1 ? summary.orders[4] : OrderStatistics.midpoint(summary.orders[4], summary.orders[5])
        mean = summary.sum / Double(finite)
        if !mean.isFinite { mean = Self.scaledMean(values, over: set, count: finite) }
        geomean = summary.positives > 0 ? exp(summary.logSum / Double(summary.positives)) : .nan
        geomeanExcluded = finite - summary.positives
        // Halves first: P84.13 − P15.87 of values near ±1.8e308 overflows.
        let spread = 0.5 * q[1] - 0.5 * q[0]
        if median > 0, case let cv = spread / median * 100, cv.isFinite { rcv = cv }
        above = summary.above
    }

    /// The mean of finite values whose sum overflows (values near ±1.8e308 in a float64 file): Σ x / n.
    static func scaledMean(_ values: [Double], over set: EventSet, count: Int) -> Double {
        var mean = 0.0
        let n = Double(count)
        set.forEach { e in
            if values[e].isFinite { mean += values[e] / n }
        }
        return mean
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
