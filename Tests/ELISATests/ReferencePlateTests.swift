import Foundation
import Testing
import TestSupport
@testable import ELISA

/// The reference plates of `../shared/elisa/reference` for all four fits, with the tolerances of its README:
/// net ODs, means and CV to 1e-12; 4PL parameters 1e-4 relative (a: 1e-5 absolute); 5PL weighted SSE 1e-6 and
/// in-range values 1e-4; statuses, flags, LLOQ/ULOQ and acceptance exactly.
@Suite("ELISA reference plates", .needsShared)
struct ReferencePlateTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var plate: String
        var fit: String
        var testDescription: String { "\(plate) \(fit)" }
    }

    static let cases: [Case] = ["plate1_CCL18", "plate2_IL6"].flatMap { plate in
        ["4PL_unweighted", "4PL_w1y2", "5PL_unweighted", "5PL_w1y2"].map { Case(plate: plate, fit: $0) }
    }

    static func analyse(_ c: Case, substitution: ELISAOptions.Substitution = .lloqHalf) throws -> (PlateAnalysis, [String: Any], [String: Any]) {
        let folder = try #require(SharedData.url("elisa/reference/\(c.plate)"))
        let read = try PlateRead.longCSV(String(contentsOf: folder.appendingPathComponent("plate.csv"), encoding: .utf8), file: "plate.csv")
        let layout = try PlateLayout.csv(String(contentsOf: folder.appendingPathComponent("layout.csv"), encoding: .utf8), file: "layout.csv")
        var options = ELISAOptions()
        options.model = c.fit.hasPrefix("5PL") ? .fiveParameter : .fourParameter
        options.weighting = c.fit.hasSuffix("w1y2") ? .inverseYSquared : .none
        options.substitution = substitution
        let analysis = try PlateAnalysis(read: read, layout: layout, analyte: c.plate, options: options)
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("expected.json"))) as? [String: Any])
        let fit = try #require((expected["fits"] as? [String: Any])?[c.fit] as? [String: Any])
        return (analysis, expected, fit)
    }

    @Test("the reference plates are present")
    func present() throws {
        for plate in ["plate1_CCL18", "plate2_IL6"] {
            for name in ["plate.csv", "layout.csv", "expected.json"] {
                let url = try #require(SharedData.url("elisa/reference/\(plate)/\(name)"))
                #expect(FileManager.default.fileExists(atPath: url.path), "\(url.path)")
            }
        }
    }

    /// `ours` within `relative` of `theirs` (or both absent).
    static func close(_ ours: Double?, _ theirs: Any?, relative: Double, absolute: Double = 0, _ what: String,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = theirs as? Double
        guard let expected else {
            #expect(ours == nil, "\(what): \(ours.map { "\($0)" } ?? "nil") vs none", sourceLocation: sourceLocation)
            return
        }
        guard let ours else {
            Issue.record("\(what): none vs \(expected)", sourceLocation: sourceLocation)
            return
        }
        #expect(ours.isApproximatelyEqual(to: expected, relativeTolerance: relative, absoluteTolerance: absolute),
                "\(what): \(ours) vs \(expected)", sourceLocation: sourceLocation)
    }

    @Test("blank, standards, curve, limits and every sample: every field of expected.json", arguments: cases)
    func plate(_ c: Case) throws {
        let (analysis, expected, fit) = try Self.analyse(c)
        let fivePL = c.fit.hasPrefix("5PL")
        // Blank: wells, corrected ODs, mean, SD, LOD as net OD (exact up to rounding).
        let blank = try #require(expected["blank"] as? [String: Any])
        #expect(analysis.blankWells.joined(separator: ";") == blank["wells"] as? String)
        #expect(analysis.blankCorrectedODs.count == (blank["corrected_od"] as? [Double])?.count)
        for (ours, theirs) in zip(analysis.blankCorrectedODs, blank["corrected_od"] as? [Double] ?? []) {
            Self.close(ours, theirs, relative: 1e-12, "blank corrected OD")
        }
        Self.close(analysis.blankMean, blank["mean"], relative: 1e-12, "blank mean")
        Self.close(analysis.blankSD, blank["sd"], relative: 1e-10, "blank SD")
        Self.close(analysis.blankSD.map { 3 * $0 }, blank["lod_net_od_3sd"], relative: 1e-10, "LOD net OD (3 SD)")
        // Standards: wells, net ODs, means, CV (exact up to rounding).
        let standards = try #require(expected["standards"] as? [[String: Any]])
        #expect(analysis.standards.count == standards.count)
        for (ours, theirs) in zip(analysis.standards, standards) {
            #expect(ours.nominal == theirs["nominal"] as? Double)
            #expect(ours.wells.joined(separator: ";") == theirs["wells"] as? String)
            #expect(ours.netOD.count == (theirs["net_od"] as? [Double])?.count)
            for (a, b) in zip(ours.netOD, theirs["net_od"] as? [Double] ?? []) { Self.close(a, b, relative: 1e-12, "standard \(ours.nominal) net OD") }
            Self.close(ours.meanNetOD, theirs["mean_net_od"], relative: 1e-12, "standard \(ours.nominal) mean")
            Self.close(ours.cvPercent, theirs["cv_percent"], relative: 1e-10, "standard \(ours.nominal) CV")
        }
        // The curve: 4PL parameters 1e-4 relative (a 1e-5 absolute); 5PL loosely (1e-3), its SSE 1e-6.
        #expect(analysis.options.model.label == fit["model"] as? String)
        #expect(analysis.options.weighting.rawValue == fit["weighting"] as? String)
        #expect(fit["status"] as? String == "ok" && analysis.fit.converged)
        // Stationary, as the reference's optimum is (its gradient ∞-norm in θ = (a, b, ln c, d[, ln g]) is about
        // 1e-9): ours by central differences of the weighted SSE, on the same θ and weights.
        let x = analysis.standards.map(\.nominal), y = analysis.standards.map(\.meanNetOD)
        let w = y.map { analysis.options.weighting == .inverseYSquared ? 1 / ($0 * $0) : 1 }
        let model = analysis.options.model
        let theta = CurveFitter.theta(analysis.fit.parameters, model)
        let gradient = theta.indices.map { j -> Double in
            var up = theta, down = theta
            let h = 1e-6 * max(abs(theta[j]), 1)
            up[j] += h
            down[j] -= h
            return (CurveFitter.sse(up, x: x, y: y, w: w, model: model) - CurveFitter.sse(down, x: x, y: y, w: w, model: model)) / (2 * h)
        }
        let theirs = try #require(fit["gradient_inf_norm"] as? Double)
        #expect(theirs < 1e-6 && gradient.map(abs).max() ?? .infinity < 1e-6, "\(c): ∂SSE/∂θ = \(gradient), reference ∞-norm \(theirs)")
        let params = try #require(fit["params"] as? [String: Double])
        let p = analysis.fit.parameters
        let values = ["a": p.a, "b": p.b, "c": p.c, "d": p.d, "g": p.g]
        #expect(Set(params.keys) == Set(fivePL ? ["a", "b", "c", "d", "g"] : ["a", "b", "c", "d"]))
        for (name, value) in params {
            if fivePL {
                Self.close(values[name], value, relative: 1e-3, absolute: 1e-5, "\(c) \(name)")
            } else if name == "a" {
                Self.close(values[name], value, relative: 0, absolute: 1e-5, "\(c) a")
            } else {
                Self.close(values[name], value, relative: 1e-4, "\(c) \(name)")
            }
        }
        Self.close(analysis.fit.weightedSSE, fit["weighted_sse"], relative: 1e-6, "weighted SSE")
        Self.close(analysis.fit.unweightedSSE, fit["sse_unweighted"], relative: 1e-5, "unweighted SSE")
        Self.close(analysis.fit.rSquared, fit["r_squared"], relative: 1e-6, "R²")
        Self.close(analysis.fit.residualSD, fit["residual_sd"], relative: 1e-6, "residual SD")
        #expect(analysis.fit.points == fit["n_points"] as? Int)
        #expect(analysis.fit.degreesOfFreedom == fit["df_residual"] as? Int)
        // Approximate standard errors s²(JᵀWJ)⁻¹: they follow the parameters, so 4PL to 1e-3 and the weakly
        // determined 5PL (g = 5.35 ± 21 on plate 2) to 1e-2.
        let errors = try #require(fit["param_se_approx"] as? [String: Double])
        let names = ["a", "b", "c", "d", "g"]
        for (name, value) in errors {
            let i = try #require(names.firstIndex(of: name))
            Self.close(analysis.fit.standardErrors[i], value, relative: fivePL ? 1e-2 : 1e-3, "SE \(name)")
        }
        #expect(analysis.lloq == fit["lloq_in_well"] as? Double)
        #expect(analysis.uloq == fit["uloq_in_well"] as? Double)
        #expect(analysis.levelsPassing == fit["levels_passing"] as? Int)
        #expect(analysis.levelsRequired == fit["levels_required"] as? Int)
        #expect(analysis.curveAccepted == fit["curve_accepted"] as? Bool)
        // The standards table: fitted OD, residual, back-calculated, recovery, limits, pass.
        let table = try #require(fit["standards_table"] as? [[String: Any]])
        #expect(analysis.standards.count == table.count)
        for (ours, theirs) in zip(analysis.standards, table) {
            let level = "standard \(ours.nominal)"
            #expect(ours.nominal == theirs["nominal"] as? Double)
            Self.close(ours.fittedOD, theirs["fitted_od"], relative: 1e-4, absolute: 1e-5, "\(level) fitted OD")
            Self.close(ours.meanNetOD - ours.fittedOD, theirs["residual"], relative: 0, absolute: 2e-5, "\(level) residual")
            Self.close(ours.backCalculated, theirs["back_calculated"], relative: 1e-4, "\(level) back-calculated")
            Self.close(ours.recoveryPercent, theirs["recovery_percent"], relative: 1e-4, "\(level) recovery")
            #expect([ours.recoveryLimits.0, ours.recoveryLimits.1] == theirs["limits_recovery"] as? [Double], "\(level) recovery limits")
            #expect(ours.cvLimit == theirs["limit_cv"] as? Double, "\(level) CV limit")
            #expect(ours.passes == theirs["pass"] as? Bool, "\(level) pass")
        }
        // Samples: every field, and every substitution variant (one analysis per rule).
        var bySubstitution: [ELISAOptions.Substitution: [String: PlateAnalysis.SampleResult]] = [:]
        for rule in [ELISAOptions.Substitution.lloqHalf, .lloqSqrt2, .lloq] {
            let other = rule == analysis.options.substitution ? analysis : try Self.analyse(c, substitution: rule).0
            bySubstitution[rule] = Dictionary(uniqueKeysWithValues: other.samples.map { ($0.sampleID, $0) })
        }
        let samples = try #require(fit["samples"] as? [[String: Any]])
        #expect(analysis.samples.count == samples.count)
        let byID = Dictionary(uniqueKeysWithValues: analysis.samples.map { ($0.sampleID, $0) })
        for theirs in samples {
            let id = try #require(theirs["sample_id"] as? String)
            let ours = try #require(byID[id], "\(id)")
            #expect(ours.subjectID == theirs["subject_id"] as? String, "\(id) subject")
            #expect(ours.condition == theirs["condition"] as? String, "\(id) condition")
            #expect(ours.wells.joined(separator: ";") == theirs["wells"] as? String, "\(id) wells")
            #expect(ours.dilution == theirs["dilution_factor"] as? Double, "\(id) dilution")
            #expect(ours.netOD.count == (theirs["net_od"] as? [Double])?.count, "\(id) net ODs")
            for (a, b) in zip(ours.netOD, theirs["net_od"] as? [Double] ?? []) { Self.close(a, b, relative: 1e-12, "\(id) net OD") }
            Self.close(ours.meanNetOD, theirs["mean_net_od"], relative: 1e-12, "\(id) mean net OD")
            Self.close(ours.cvPercent, theirs["cv_percent"], relative: 1e-10, "\(id) CV")
            Self.close(ours.concentrationInWell, theirs["conc_in_well"], relative: 1e-4, "\(id) in-well concentration")
            Self.close(ours.extrapolated, theirs["conc_in_well_extrapolated"], relative: 1e-4, "\(id) extrapolated")
            #expect(ours.status == theirs["status"] as? String, "\(id) status")
            #expect(ours.flags == theirs["flags"] as? [String], "\(id) flags \(ours.flags)")
            Self.close(ours.value, theirs["reported"], relative: 1e-4, "\(id) reported")
            #expect(ours.valueText == theirs["reported_text"] as? String, "\(id) text")
            for (rule, key) in [(ELISAOptions.Substitution.lloqHalf, "value_lloq_half"), (.lloqSqrt2, "value_lloq_sqrt2"), (.lloq, "value_lloq")] {
                Self.close(bySubstitution[rule]?[id]?.valueForStats, theirs[key], relative: 1e-4, "\(id) \(key)")
            }
        }
    }
}
