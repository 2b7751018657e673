import Foundation
import Statistics
import Tables

extension PairedOutcome {
    /// The header of T1, T2 and T4 (soluble factors), as the reference cohort's tables.
    public static let solubleHeader = ["outcome", "arm", "comparison", "analyte", "units", "n_pairs", "n_ut_below_lloq", "n_rx_below_lloq",
                                       "n_ut_above_uloq", "n_rx_above_uloq", "ut_median", "ut_q1", "ut_q3", "rx_median", "rx_q1", "rx_q3",
                                       "delta_median", "delta_q1", "delta_q3", "fc_median", "fc_q1", "fc_q3", "wilcoxon_V",
                                       "wilcoxon_n_nonzero", "zeros_dropped", "p_method", "p", "p_pratt", "hl_log2", "hl_log2_ci_low",
                                       "hl_log2_ci_high", "effect_type", "effect", "effect_ci_low", "effect_ci_high",
                                       "hl_achieved_confidence", "n_ratio_excluded", "t_log_statistic", "t_log_df", "t_log_p", "gmr",
                                       "gmr_ci_low", "gmr_ci_high", "q_bh"]

    /// The header of T3 and T5 (flow readouts).
    public static let markerHeader = ["outcome", "arm", "comparison", "marker", "readout", "units", "n_pairs", "ut_median", "ut_q1", "ut_q3",
                                      "rx_median", "rx_q1", "rx_q3", "delta_median", "delta_q1", "delta_q3", "fc_median", "fc_q1", "fc_q3",
                                      "wilcoxon_V", "wilcoxon_n_nonzero", "zeros_dropped", "p_method", "p", "p_pratt", "effect_type",
                                      "effect", "effect_ci_low", "effect_ci_high", "hl_log2", "hl_log2_ci_low", "hl_log2_ci_high",
                                      "hl_achieved_confidence", "n_ratio_excluded", "t_log_statistic", "t_log_df", "t_log_p", "gmr",
                                      "gmr_ci_low", "gmr_ci_high", "q_bh"]

    /// The row's cells by column name; a value that does not exist is an empty cell.
    public var cells: [String: String] {
        var cells: [String: String] = ["outcome": outcome, "arm": arm.rawValue, "comparison": arm.comparison, "units": units,
                                       "n_pairs": "\(pairs.count)"]
        switch readout {
        case .concentration(let analyte):
            cells["analyte"] = analyte.rawValue
            cells["n_ut_below_lloq"] = "\(pairs.belowLLOQ.untreated)"
            cells["n_rx_below_lloq"] = "\(pairs.belowLLOQ.treated)"
            cells["n_ut_above_uloq"] = "\(pairs.aboveULOQ.untreated)"
            cells["n_rx_above_uloq"] = "\(pairs.aboveULOQ.treated)"
        case let .flow(marker, flow):
            cells["marker"] = marker.rawValue
            cells["readout"] = flow.rawValue
        }
        Self.put(&cells, "ut", Quartiles(pairs.untreated))
        Self.put(&cells, "rx", Quartiles(pairs.treated))
        Self.put(&cells, "delta", Quartiles(zip(pairs.treated, pairs.untreated).map { $0 - $1 }))
        cells["q_bh"] = Self.number(q)
        guard let comparison else { return cells }
        let test = comparison.signedRank
        cells["wilcoxon_V"] = Self.number(test.nonZeroCount > 0 ? test.v : nil)
        cells["wilcoxon_n_nonzero"] = "\(test.nonZeroCount)"
        cells["zeros_dropped"] = "\(test.zerosDropped)"
        cells["p_method"] = test.p == nil ? "" : test.method.rawValue
        cells["p"] = Self.number(test.p)
        cells["p_pratt"] = Self.number(test.prattP)
        if readout.isRatioScale {
            ratioCells(&cells, comparison)
        } else {
            let shift = comparison.differenceShift
            cells["effect_type"] = "HL delta (percentage points)"
            cells["effect"] = Self.number(shift.estimate)
            cells["effect_ci_low"] = Self.number(shift.lower)
            cells["effect_ci_high"] = Self.number(shift.upper)
            cells["hl_achieved_confidence"] = Self.number(shift.achievedConfidence)
        }
        return cells
    }

    /// FC, HL of L back-transformed, the t-test on logs and the GMR.
    private func ratioCells(_ cells: inout [String: String], _ comparison: PairedComparison) {
        Self.put(&cells, "fc", comparison.foldChange)
        cells["n_ratio_excluded"] = "\(comparison.ratioExcludedCount)"
        cells["effect_type"] = "HL ratio (2^HL of log2 FC)"
        if let shift = comparison.log2Shift {
            cells["hl_log2"] = Self.number(shift.estimate)
            cells["hl_log2_ci_low"] = Self.number(shift.lower)
            cells["hl_log2_ci_high"] = Self.number(shift.upper)
            cells["effect"] = Self.number(Self.exp2(shift.estimate))
            cells["effect_ci_low"] = Self.number(Self.exp2(shift.lower))
            cells["effect_ci_high"] = Self.number(Self.exp2(shift.upper))
            cells["hl_achieved_confidence"] = Self.number(shift.achievedConfidence)
        }
        if let t = comparison.logTTest {
            cells["t_log_statistic"] = Self.number(t.t)
            cells["t_log_df"] = Self.number(t.degreesOfFreedom)
            cells["t_log_p"] = Self.number(t.p)
            cells["gmr"] = Self.number(t.geometricMeanRatio)
            cells["gmr_ci_low"] = Self.number(t.lower)
            cells["gmr_ci_high"] = Self.number(t.upper)
        }
    }

    /// The cells of `header`, in its order.
    public func row(_ header: [String]) -> [String] {
        let cells = self.cells
        return header.map { cells[$0] ?? "" }
    }

    /// 2^x.
    static func exp2(_ x: Double) -> Double { pow(2, x) }

    /// `prefix_median`, `prefix_q1`, `prefix_q3`.
    static func put(_ cells: inout [String: String], _ prefix: String, _ quartiles: Quartiles?) {
        guard let quartiles else { return }
        cells[prefix + "_median"] = number(quartiles.median)
        cells[prefix + "_q1"] = number(quartiles.q1)
        cells[prefix + "_q3"] = number(quartiles.q3)
    }

    /// Shortest round-trip text; empty for a value that does not exist.
    static func number(_ value: Double?) -> String { csvFiniteNumber(value) }
}
