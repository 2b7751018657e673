/// The normal approximation the rank tests fall back on, as R writes it in `wilcox.test`.
enum NormalApproximation {
    /// 2·min(Φ(z), 1 − Φ(z)) with z = (statistic − mean − c)/σ, where c = ½·sign(statistic − mean) when
    /// `continuity` (R's `correct = TRUE`) and 0 otherwise; nil when the variance is 0 (R: NaN).
    static func twoSidedP(statistic: Double, mean: Double, variance: Double, continuity: Bool) -> Double? {
        guard variance > 0 else { return nil }
        let centred = statistic - mean
        let correction = continuity ? 0.5 * (centred > 0 ? 1 : centred < 0 ? -1 : 0) : 0
        return NormalDistribution.twoSidedP((centred - correction) / variance.squareRoot())
    }
}
