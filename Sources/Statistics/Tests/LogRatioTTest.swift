import Foundation

/// The paired t-test on the natural-log scale and the geometric mean ratio, as R's
/// `t.test(log(treated), log(untreated), paired = TRUE)`: t = mean/(SD/√n) of the log ratios, n − 1 degrees of
/// freedom, GMR = exp(mean) with the interval exp(mean ± t₀.₉₇₅,ₙ₋₁·SD/√n).
public struct LogRatioTTest: Sendable {
    /// The number of log ratios.
    public let count: Int
    /// The t statistic.
    public let t: Double
    /// n − 1.
    public let degreesOfFreedom: Double
    /// The two-sided p-value.
    public let p: Double
    /// The mean of ln(treated) − ln(untreated).
    public let meanLogRatio: Double
    /// The geometric mean ratio exp(mean) (= 2^mean(log₂ ratio)).
    public let geometricMeanRatio: Double
    /// The lower limit of the ratio's confidence interval.
    public let lower: Double
    /// The upper limit of the ratio's confidence interval.
    public let upper: Double

    /// Tests `logRatios` (natural logs, finite) against 0. Nil when the test is undefined: fewer than two
    /// ratios, or all equal (R: "data are essentially constant").
    public init?(logRatios: [Double], confidence: Double = 0.95) throws {
        try Validation.finite(logRatios, test: "paired t-test on logs", needed: 0)
        try Validation.confidence(confidence)
        guard logRatios.count >= 2 else { return nil }
        let n = Double(logRatios.count)
        let mean = logRatios.reduce(0, +) / n
        let variance = logRatios.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        let standardError = (variance / n).squareRoot()
        guard standardError > 0 else { return nil }
        let distribution = StudentTDistribution(degreesOfFreedom: n - 1)
        let margin = distribution.upperQuantile((1 - confidence) / 2) * standardError
        count = logRatios.count
        t = mean / standardError
        degreesOfFreedom = n - 1
        p = distribution.twoSidedP(t)
        meanLogRatio = mean
        geometricMeanRatio = exp(mean)
        lower = exp(mean - margin)
        upper = exp(mean + margin)
    }
}
