import Foundation
import Outcomes
import Plots
import Statistics

/// The study's figures (OUTCOMES F1–F6) from its outcomes: the mapping from typed outcomes to the plain values
/// the `Plots` figures draw.
public enum StudyFigures {
    /// F1, F2, F3, F4a, F4b, F5, F6.
    public static func all(_ outcomes: StudyOutcomes) -> [ReportFigure] {
        let data = outcomes.data
        func paired(_ name: String, _ title: String, _ list: [PairedOutcome], columns: Int, panel: (Double, Double), caption: String) -> ReportFigure {
            let figure = PairedFigure(title: title, panels: list.map { Self.panel($0, data: data, plates: outcomes.assayQC?.plates) },
                                      columns: columns, panelSize: panel)
            return ReportFigure(name: name, caption: caption, svg: figure.svg(), size: figure.size)
        }
        let pairedCaption = "One line per unit, untreated and treated values side by side; open symbols are values substituted for censored "
            + "results (LLOQ·DF/2 below the LLOQ, ULOQ·DF above the ULOQ), drawn at the substituted value; the grey band lies below the "
            + "largest LLOQ×DF of the arm's results (the plate's LLOQ times the sample's dilution). Inset: complete pairs and the Wilcoxon signed-rank p."
        return [
            paired("F1_primary_CCL18", "F1. CCL18, SSc MDM, RUX vs UT (P1, primary)", [outcomes.primary], columns: 1, panel: (420, 420),
                   caption: "F1. " + pairedCaption),
            paired("F2_soluble_SSc", "F2. Soluble factors in SSc MDM, RUX vs UT (S1)", outcomes.solubleSSc, columns: 4, panel: (250, 320),
                   caption: "F2. S1, as F1 for each analyte; q (BH over the 4 analytes) in T2. " + pairedCaption),
            paired("F3_markers_SSc", "F3. Membrane markers in SSc MDM, RUX vs UT (S2): MFI and % positive", outcomes.markersSSc, columns: 2,
                   panel: (280, 250), caption: "F3. S2, one row per marker: MFI (log scale) and % positive (linear). " + pairedCaption),
            paired("F4a_soluble_HD_serum", "F4a. Soluble factors in HD MDM with SSc serum, SERUM_RUX vs SERUM (S3)", outcomes.solubleHD,
                   columns: 5, panel: (240, 320), caption: "F4a. S3, one unit per HD donor (median over sera); grey: HD_CTRL, where there is one, for reference (not tested). " + pairedCaption),
            paired("F4b_markers_HD_serum", "F4b. Membrane markers in HD MDM with SSc serum, SERUM_RUX vs SERUM (S3)", outcomes.markersHD,
                   columns: 2, panel: (280, 250), caption: "F4b. S3 markers, as F3; grey: HD_CTRL, where there is one, for reference (not tested). " + pairedCaption),
            forest(outcomes),
            scatter(outcomes),
        ]
    }

    /// The paired panel of one outcome: its pairs, their censoring, the LLOQ×DF of its analyte in its arm.
    ///
    /// The LLOQ×DF is the largest over the arm's results of the plate's LLOQ (in the well, from `plates`) times the
    /// result's dilution factor, so the band is drawn for every analyte whose plates were read, censored or not;
    /// without the plates, the largest `<x` a censored result reports.
    public static func panel(_ outcome: PairedOutcome, data: StudyData, plates: ELISAPlateQC? = nil) -> PairedPanel {
        let pairs = outcome.pairs
        let points = pairs.units.indices.map { index in
            PairedPanel.Pair(id: pairs.units[index], untreated: pairs.untreated[index], treated: pairs.treated[index],
                             untreatedCensored: pairs.censored[index].untreated, treatedCensored: pairs.censored[index].treated)
        }
        var title = outcome.readout.name, yLabel = outcome.units, limit: Double?
        var logarithmic = true
        switch outcome.readout {
        case .concentration(let analyte):
            let lloqInWell = Dictionary((plates?.plates ?? []).compactMap { plate in plate.lloqInWell.map { (plate.plate, $0) } },
                                        uniquingKeysWith: { first, _ in first })
            limit = data.cultureSamples(in: outcome.arm).compactMap { sample -> Double? in
                guard let result = data.concentrations[sample.id]?[analyte] else { return nil }
                if let lloq = lloqInWell[result.plate], let dilution = result.dilutionFactor { return lloq * dilution }
                return result.lowerLimitTimesDilution
            }.max()
        case let .flow(marker, readout):
            title = marker.rawValue + (readout == .mfi ? " MFI" : " % positive")
            yLabel = readout == .mfi ? "MFI (compensated units)" : "% positive"
            logarithmic = readout == .mfi
        }
        var inset = ["n = \(pairs.count)"]
        if let p = outcome.p {
            let method = outcome.comparison?.signedRank.method.rawValue == "exact" ? "exact" : "normal approx."
            inset[0] += ", p = \(HTML.p(p)) (\(method))"
        }
        if let q = outcome.q { inset.append("q = \(HTML.p(q)) (BH)") }
        return PairedPanel(title: title, yLabel: yLabel, conditions: (outcome.arm.untreated.rawValue, outcome.arm.treated.rawValue),
                           pairs: points, logarithmic: logarithmic, censoringLimit: limit, inset: inset,
                           reference: reference(outcome, data: data))
    }

    /// The `HD_CTRL` values of the HD arm (OUTCOMES F4: a grey reference column, description only): per unit the
    /// median of its `HD_CTRL` samples' values, censored when any of them is. Nil for the SSc arm or without any.
    static func reference(_ outcome: PairedOutcome, data: StudyData) -> (condition: String, values: [PairedPanel.ReferenceValue])? {
        guard outcome.arm.conditions.contains(.hdControl) else { return nil }
        var order: [String] = []
        var values: [String: [(Double, Bool)]] = [:]
        for sample in data.cultureSamples(in: outcome.arm) where sample.condition == .hdControl {
            guard case let .value(value, status) = data.observation(outcome.readout, sample: sample) else { continue }
            if values[sample.unitID] == nil { order.append(sample.unitID) }
            values[sample.unitID, default: []].append((value, status == .belowLLOQ || status == .aboveULOQ))
        }
        guard !order.isEmpty else { return nil }
        return (CultureCondition.hdControl.rawValue, order.compactMap { unit in
            let unitValues = values[unit] ?? []
            guard let median = Quartiles(unitValues.map(\.0))?.median else { return nil }
            return PairedPanel.ReferenceValue(id: unit, value: median, censored: unitValues.contains { $0.1 })
        })
    }

    /// F5: the overall P1 effect (HL of L with its 95 % CI), then each S4 variable's levels (median L with IQR),
    /// p and q on each variable's line.
    public static func forest(_ outcomes: StudyOutcomes) -> ReportFigure {
        var rows: [ForestPlot.Row] = []
        let primary = outcomes.primary
        let shift = primary.comparison?.log2Shift
        rows.append(.init(label: "All SSc patients (P1, HL)", n: "\(primary.pairs.count)", estimate: shift?.estimate, low: shift?.lower,
                          high: shift?.upper, p: HTML.p(primary.p), q: "", style: .overall))
        for analysis in outcomes.subgroupsL {
            var label = "\(analysis.variable.id) \(analysis.variable.name)"
            if case .continuous = analysis.variable.kind, let rho = analysis.statistic { label += " (Spearman ρ = \(HTML.number(rho)))" }
            if !analysis.tested { label += " (not tested)" }
            rows.append(.init(label: label, p: analysis.tested ? HTML.p(analysis.p) : "–", q: analysis.tested ? HTML.p(analysis.q) : "–", style: .header))
            if case .continuous = analysis.variable.kind { continue }
            for level in analysis.levels {
                let q = Quartiles(level.values)
                rows.append(.init(label: level.name, n: "\(level.values.count)", estimate: q?.median, low: q?.q1, high: q?.q3))
            }
        }
        let plot = ForestPlot(title: "F5. Ruxolitinib effect on CCL18 by clinical subgroup (S4, exploratory)",
                              xLabel: "L = log2(RUX/UT) of CCL18 (0 = no effect; ×: ratio)", rows: rows,
                              note: "◆ overall: Hodges–Lehmann estimate of L with its 95 % CI.  ■ levels: median L with IQR (Q1–Q3). p: the variable's test; q: BH over the variables tested.")
        return ReportFigure(name: "F5_forest_S4", caption: "F5. S4 forest plot on the log2 scale; exploratory, not adjusted against the primary outcome.",
                            svg: plot.svg(), size: plot.size)
    }

    /// F6: L against mRSS, coloured by cutaneous subset, with Spearman's ρ and p.
    public static func scatter(_ outcomes: StudyOutcomes) -> ReportFigure {
        let data = outcomes.data
        let points = outcomes.patientEffects.compactMap { effect -> ScatterPlot.Point? in
            guard let l = effect.log2Ratio, let subject = data.subjects[effect.subjectID], let mrss = subject.mrss else { return nil }
            return ScatterPlot.Point(id: effect.subjectID, x: Double(mrss), y: l, group: subject.subset?.rawValue ?? "")
        }
        var annotation = "n = \(points.count)"
        if let analysis = outcomes.subgroupsL.first(where: { $0.variable.id == "S4b" }) {
            annotation = analysis.tested
                ? "Spearman ρ = \(HTML.number(analysis.statistic)), p = \(HTML.p(analysis.p)) (\(analysis.pMethod)), n = \(points.count)"
                : "not tested: \(analysis.note)"
        }
        let plot = ScatterPlot(title: "F6. CCL18 effect against skin score (S4b, exploratory)", xLabel: "modified Rodnan skin score (mRSS)",
                               yLabel: "L = log2(RUX/UT) of CCL18", points: points, groups: ["diffuse", "limited", "sine"], annotation: annotation)
        return ReportFigure(name: "F6_L_vs_mRSS", caption: "F6. Per-patient L against mRSS, coloured by cutaneous subset; Spearman's ρ with R's p.",
                            svg: plot.svg(), size: plot.size)
    }
}
