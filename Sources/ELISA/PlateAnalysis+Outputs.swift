import Foundation

extension PlateAnalysis {
    /// The header of `concentrations.csv`.
    public static let concentrationsHeader = ["sample_id", "subject_id", "condition", "analyte", "plate", "model", "weights", "wells",
                                              "dilution_factor", "mean_net_od", "cv_percent", "conc_in_well", "value", "value_text",
                                              "units", "status", "flags", "value_for_stats", "selected"]

    /// One `concentrations.csv` row per sample and dilution; lists inside a cell are `;`-separated, empty cells
    /// are values that do not exist (a censored value, the CV of one well).
    public func concentrationRows(units: String) -> [[String]] {
        func number(_ value: Double?) -> String {
            guard let value, value.isFinite else { return "" }
            var text = "\(value)"
            if text.hasSuffix(".0") { text.removeLast(2) }
            return text
        }
        return samples.map { s in
            [s.sampleID, s.subjectID, s.condition, analyte, plate, options.model.label, options.weighting.label,
             s.wells.joined(separator: ";"), number(s.dilution), number(s.meanNetOD), number(s.cvPercent), number(s.concentrationInWell),
             number(s.value), s.valueText, units, s.status, s.flags.joined(separator: ";"), number(s.valueForStats), s.selected ? "true" : "false"]
        }
    }

    /// The curve's record for `curves.json`.
    public func curveRecord() -> [String: Any] {
        let p = fit.parameters
        var parameters: [String: Double] = ["a": p.a, "b": p.b, "c": p.c, "d": p.d]
        var errors: [String: Double] = [:]
        let names = ["a", "b", "c", "d", "g"]
        if options.model == .fiveParameter { parameters["g"] = p.g }
        for (i, se) in fit.standardErrors.enumerated() where se.isFinite { errors[names[i]] = se }
        func optional(_ value: Double?) -> Any { value.map { $0 as Any } ?? NSNull() }
        return [
            "plate": plate, "analyte": analyte, "model": options.model.label, "weights": options.weighting.label,
            "blank": options.blank.rawValue, "blank_wells": blankWells, "blank_mean_corrected_od": optional(blankMean),
            "parameters": parameters, "standard_errors": errors, "weighted_sse": fit.weightedSSE, "r_squared": fit.rSquared,
            "residual_sd": fit.residualSD.isFinite ? fit.residualSD as Any : NSNull(), "points": fit.points, "df": fit.degreesOfFreedom,
            "converged": fit.converged, "iterations": fit.iterations,
            "lloq_in_well": optional(lloq), "uloq_in_well": optional(uloq),
            "levels_passing": levelsPassing, "levels_required": levelsRequired, "curve_accepted": curveAccepted,
            "standards": standards.map { s -> [String: Any] in
                ["nominal": s.nominal, "wells": s.wells.joined(separator: ";"), "mean_net_od": s.meanNetOD, "cv_percent": optional(s.cvPercent),
                 "fitted_od": s.fittedOD, "back_calculated": optional(s.backCalculated), "recovery_percent": optional(s.recoveryPercent),
                 "recovery_limits": [s.recoveryLimits.0, s.recoveryLimits.1], "cv_limit": s.cvLimit, "pass": s.passes]
            },
            "qc": qc,
        ]
    }
}
