import Statistics

extension SubgroupAnalysis {
    /// The header of T6 (`T6_subgroups_CCL18_L.csv` and its Δ sensitivity table).
    public static let header = ["variable_id", "variable", "level", "n", "median", "q1", "q3", "n_missing_dropped", "test", "statistic",
                                "statistic_name", "p_method", "p", "q_bh", "hl_shift", "hl_ci_low", "hl_ci_high",
                                "hl_achieved_confidence", "tested", "note"]

    /// One row per level; the test, its p and q on the block's first row.
    public var rows: [[String]] {
        levels.enumerated().map { index, level in
            var cells: [String: String] = ["variable_id": variable.id, "variable": variable.name, "level": level.name,
                                           "n": "\(level.values.count)", "n_missing_dropped": "\(missingDropped)"]
            if let quartiles = Quartiles(level.values) {
                cells["median"] = PairedOutcome.number(quartiles.median)
                cells["q1"] = PairedOutcome.number(quartiles.q1)
                cells["q3"] = PairedOutcome.number(quartiles.q3)
            }
            if index == 0 {
                cells["test"] = test
                cells["tested"] = tested ? "true" : "false"
                cells["note"] = note
                if tested {
                    cells["statistic"] = PairedOutcome.number(statistic)
                    cells["statistic_name"] = statisticName
                    cells["p_method"] = pMethod
                    cells["p"] = PairedOutcome.number(p)
                    cells["q_bh"] = PairedOutcome.number(q)
                    if let shift {
                        cells["hl_shift"] = PairedOutcome.number(shift.estimate)
                        cells["hl_ci_low"] = PairedOutcome.number(shift.lower)
                        cells["hl_ci_high"] = PairedOutcome.number(shift.upper)
                        cells["hl_achieved_confidence"] = PairedOutcome.number(shift.achievedConfidence)
                    }
                }
            }
            return Self.header.map { cells[$0] ?? "" }
        }
    }

    /// The analyses of every study variable on one effect, with BH q over the variables tested.
    static func table(_ effects: [(subject: Subject, effect: Double)]) throws -> [SubgroupAnalysis] {
        var analyses = try SubgroupVariable.study.map { try SubgroupAnalysis($0, effects: effects) }
        let adjusted = try BenjaminiHochberg.adjust(analyses.map { $0.tested ? $0.p : nil })
        for index in analyses.indices { analyses[index].q = adjusted[index] }
        return analyses
    }
}
