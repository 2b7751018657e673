extension StudyOutcomes {
    /// What every outcome table states (METHODS §7): the tests and their rules, the zero handling, the HL
    /// definition, the substitution and the values substituted per arm, the pairs excluded and why, the samples
    /// missing, and the multiplicity family. Markdown, one section per table.
    public var footnotes: String {
        var text = "# Footnotes to the outcome tables\n\n" + Self.methods + "\n"
        let sections: [(String, [PairedOutcome], String)] = [
            ("T1_primary_CCL18.csv", [primary], "Primary outcome: not adjusted for multiplicity."),
            ("T2_soluble_SSc.csv", solubleSSc, "BH family: the \(solubleSSc.count) analytes of this table."),
            ("T3_markers_SSc.csv", markersSSc, "BH family: the \(markersSSc.count) readouts of this table. % positive: Δ in percentage points and its HL; no FC."),
            ("T4_soluble_HD_serum.csv", solubleHD, "BH family: the \(solubleHD.count) analytes of this table. Unit: HD donor, median over sera per condition before pairing."),
            ("T5_markers_HD_serum.csv", markersHD, "BH family: the \(markersHD.count) readouts of this table. Unit: HD donor, median over sera per condition before pairing."),
        ]
        for (name, outcomes, family) in sections {
            text += "\n## \(name)\n\n\(family)\n\n"
            for outcome in outcomes { text += Self.footnote(outcome) }
        }
        text += "\n## S4_per_patient_CCL18.csv, T6_subgroups_CCL18_L.csv, T6_subgroups_CCL18_delta_sensitivity.csv\n\n"
        text += "Exploratory. L = log2(RUX/UT) of CCL18 per SSc patient from P1's complete pairs (Δ = RUX − UT in the sensitivity table). "
        text += "Mann–Whitney (W = U of the first level; exact without ties when both n < 50, else normal approximation with continuity correction), "
        text += "HL shift first − second with R's order-statistic CI (k exact up to 10,000 pairs, or with a level of fewer than 15 patients; beyond, docs/statistics.md); Kruskal–Wallis on the levels with n ≥ 3 (not tested with fewer than 2 such levels); "
        text += "a two-level variable is tested only when both levels have n ≥ 3; Spearman's ρ with R's p (AS 89 exact for n ≤ 9 without ties, "
        text += "Edgeworth above, t approximation with ties). BH q over the variables tested. `multiple` and `other` antibodies form the level `other`; "
        text += "DU yes = current or past; `sine` patients are not a level of S4f (counted in n_missing_dropped).\n"
        if !ratioUndefinedPatients.isEmpty {
            text += "\nRatio undefined (a value ≤ 0), left out of L but kept in Δ: \(ratioUndefinedPatients.joined(separator: ", ")).\n"
        }
        if let assayQC { text += assayQC.footnotes }
        text += "\n## Missing results\n\n"
        text += data.missing.isEmpty ? "None: every culture sample of the sheet has its results.\n"
            : data.missing.map { "- \($0.sampleID) \($0.readout): \($0.reason)\n" }.joined()
        return text
    }

    /// The methods shared by T1–T5.
    public static let methods = """
        Wilcoxon signed-rank test on Δ = treated − untreated, two-sided (exact when n < 50 without ties or zero differences, \
        otherwise normal approximation with continuity correction and R's tie correction; zero differences dropped), with Pratt's \
        test as the sensitivity analysis (zeros ranked, then dropped; normal approximation without continuity correction). Effect: \
        Hodges–Lehmann median of the Walsh averages (zeros included) of L = log2 FC, back-transformed to a ratio, with the exact \
        order-statistic 95 % CI at qsignrank(0.025, n) and its achieved confidence; for % positive, the HL of Δ in percentage points. \
        Paired t-test on natural logs and the geometric mean ratio with its 95 % CI. Quartiles: R type 7. Pairs with a value ≤ 0 are \
        left out of L, FC, t and GMR (n_ratio_excluded). Values for statistics: the ELISA `value_for_stats` (below the LLOQ the \
        substituted value of the ELISA run, LLOQ·DF/2 by default; above the ULOQ, ULOQ·DF). Results flagged CURVE_REJECTED (or \
        CURVE_NOT_CONVERGED) and NOT_READ results are excluded; only complete pairs enter.
        """

    /// One readout's counts: substituted values per arm, exclusions, incomplete pairs, absent results.
    public static func footnote(_ outcome: PairedOutcome) -> String {
        let pairs = outcome.pairs
        var parts = ["n = \(pairs.count) pairs"]
        if case .concentration = outcome.readout {
            parts.append("values < LLOQ substituted: \(outcome.arm.untreated.rawValue) \(pairs.belowLLOQ.untreated)/\(pairs.count), \(outcome.arm.treated.rawValue) \(pairs.belowLLOQ.treated)/\(pairs.count)")
            parts.append("values > ULOQ substituted: \(outcome.arm.untreated.rawValue) \(pairs.aboveULOQ.untreated)/\(pairs.count), \(outcome.arm.treated.rawValue) \(pairs.aboveULOQ.treated)/\(pairs.count)")
        }
        for (reason, samples) in pairs.excluded.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            parts.append("excluded \(reason.rawValue): \(samples.count) (\(samples.joined(separator: ", ")))")
        }
        if !pairs.incompleteUnits.isEmpty {
            parts.append("incomplete pairs: \(pairs.incompleteUnits.count) (\(pairs.incompleteUnits.joined(separator: ", ")))")
        }
        if !pairs.absent.isEmpty {
            parts.append("missing results: \(pairs.absent.count) (\(pairs.absent.joined(separator: ", ")))")
        }
        if !pairs.notMeasured.isEmpty {
            parts.append("not measured (the sheet gives no FCS file or plate for it): \(pairs.notMeasured.count) (\(pairs.notMeasured.joined(separator: ", ")))")
        }
        if let excluded = outcome.comparison?.ratioExcludedCount, excluded > 0, outcome.readout.isRatioScale {
            parts.append("ratio undefined (value ≤ 0): \(excluded)")
        }
        if let test = outcome.comparison?.signedRank, test.zerosDropped > 0 {
            parts.append("zero differences dropped: \(test.zerosDropped)")
        }
        return "- \(outcome.readout.name): " + parts.joined(separator: "; ") + ".\n"
    }

    /// The header of `missing_results.csv`.
    public static let missingHeader = ["sample_id", "readout", "reason"]

    /// Every file of an outcomes run: T0–T6, S4, the footnotes and the missing results.
    public var files: [(name: String, bytes: [UInt8])] {
        tables.map { ($0.name, $0.csv) } + [
            ("footnotes.md", Array(footnotes.utf8)),
            ("missing_results.csv", OutcomeTable(name: "missing_results.csv", header: Self.missingHeader,
                                                 rows: data.missing.map { [$0.sampleID, $0.readout, $0.reason] }).csv),
        ]
    }
}
