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

    /// The CSV fields; NA for numbers that do not exist.
    public var fields: [String] {
        [sampleID, subjectID, condition, population, marker, channel, "\(events)", csvNumber(mfi), csvNumber(mean),
         csvNumber(geomean), csvNumber(rcv), csvNumber(threshold), thresholdSource, controlSampleID, csvNumber(controlMFI),
         csvNumber(deltaMFI), csvNumber(mfiRatio), csvNumber(percentPositive), flags.joined(separator: ";")]
    }
}

/// The statistics of one channel over one population, in two passes over its events.
struct ChannelSummary {
    var events: Int
    var median: Double
    var mean: Double
    var geomean: Double
    var geomeanExcluded: Int
    var rcv: Double
    /// Events strictly above the threshold given.
    var above: Int

    /// Median; mean; geometric mean over values > 0 (the others counted); robust CV as FlowJo defines it,
    /// 0.5 × (P84.13 − P15.87) / median × 100, with R type 7 percentiles; the count above `threshold`.
    init(values: [Double], events set: EventSet, threshold: Double?) {
        events = set.count
        guard events > 0 else {
            median = .nan; mean = .nan; geomean = .nan; geomeanExcluded = 0; rcv = .nan; above = 0
            return
        }
        let probabilities = [0.1587, 0.8413]
        let quantileRanks = OrderStatistics.quantileRanks(events, probabilities)
        let summary = OrderStatistics.summarize(values, over: set, ranks: quantileRanks + [(events - 1) / 2, events / 2], above: threshold)
        let q = OrderStatistics.interpolate(Array(summary.orders.prefix(4)), events, probabilities)
        median = events % 2 == 1 ? summary.orders[4] : (summary.orders[4] + summary.orders[5]) / 2
        mean = summary.sum / Double(events)
        geomean = summary.positives > 0 ? exp(summary.logSum / Double(summary.positives)) : .nan
        geomeanExcluded = events - summary.positives
        rcv = 0.5 * (q[1] - q[0]) / median * 100
        above = summary.above
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
