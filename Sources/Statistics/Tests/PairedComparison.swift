import Foundation

/// Everything the outcome tables say about one readout measured untreated and treated in the same donors
/// (METHODS §1–4): the signed-rank test on Δ = treated − untreated with its Pratt sensitivity analysis, the
/// Hodges–Lehmann estimate of Δ and of L = log₂(treated/untreated), the paired t-test on logs with the
/// geometric mean ratio, and the fold-change quartiles.
///
/// Ratio statistics (L, FC, t, GMR) need both values of a pair > 0: other pairs are left out of them and
/// counted in `ratioExcludedCount`; they still count for Δ.
public struct PairedComparison: Sendable {
    /// The number of pairs.
    public let pairCount: Int
    /// The Wilcoxon signed-rank test of Δ (zeros dropped) and Pratt's p.
    public let signedRank: SignedRankTest
    /// The Hodges–Lehmann estimate of Δ over all pairs, zeros included (Walsh averages).
    public let differenceShift: HodgesLehmannEstimate
    /// The pairs with a value ≤ 0, left out of every ratio statistic.
    public let ratioExcludedCount: Int
    /// The Hodges–Lehmann estimate of L = log₂(treated/untreated); nil when no pair has a defined ratio.
    public let log2Shift: HodgesLehmannEstimate?
    /// The paired t-test on ln and the geometric mean ratio; nil with fewer than two ratios or constant ones.
    public let logTTest: LogRatioTTest?
    /// Median and type-7 quartiles of FC = treated/untreated; nil when no pair has a defined ratio.
    public let foldChange: Quartiles?

    /// Compares `treated` with `untreated`, paired by position; both finite, equally long and not empty.
    public init(untreated: [Double], treated: [Double], confidence: Double = 0.95) throws {
        guard untreated.count == treated.count else {
            throw StatisticsError.unpairedLengths(untreated: untreated.count, treated: treated.count)
        }
        try Validation.finite(untreated, test: "paired comparison (untreated)")
        try Validation.finite(treated, test: "paired comparison (treated)")
        let differences = zip(treated, untreated).map { $0 - $1 }
        pairCount = differences.count
        signedRank = try SignedRankTest(differences: differences)
        differenceShift = try .walsh(differences, confidence: confidence)

        let ratioPairs = zip(treated, untreated).filter { $0 > 0 && $1 > 0 }
        ratioExcludedCount = pairCount - ratioPairs.count
        // log(RX) − log(UT), as R's t.test(log(treated), log(untreated), paired = TRUE) forms it.
        let logRatios = ratioPairs.map { log($0) - log($1) }
        log2Shift = ratioPairs.isEmpty ? nil : try .walsh(ratioPairs.map { log2($0) - log2($1) }, confidence: confidence)
        logTTest = try LogRatioTTest(logRatios: logRatios, confidence: confidence)
        foldChange = Quartiles(ratioPairs.map { $0 / $1 })
    }
}
