/// How the order statistic k of a Hodges–Lehmann interval was chosen. The raw values are the texts of
/// `flowstudy stats --json`'s `hl_ci_method` keys.
public enum IntervalMethod: String, Sendable, Codable {
    /// k from the exact null distribution of the rank statistic (R's `qsignrank`, `qwilcox`).
    case exact = "exact"
    /// k from ``RankStatisticApproximation``: the normal approximation with a continuity correction of ½ and the
    /// kurtosis term, for samples whose exact distribution would cost too much to tabulate.
    case normalApproximation = "normal approximation with continuity and kurtosis corrections"
}
