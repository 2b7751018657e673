import Foundation
import Tables

extension PlateAnalysis {
    /// The header of `concentrations.csv`.
    public static let concentrationsHeader = ["sample_id", "subject_id", "condition", "analyte", "plate", "model", "weights", "wells",
                                              "dilution_factor", "mean_net_od", "cv_percent", "conc_in_well", "value", "value_text",
                                              "units", "status", "flags", "value_for_stats", "selected", "role"]

    /// One `concentrations.csv` row per sample and dilution; lists inside a cell are `;`-separated, empty cells
    /// are values that do not exist (a censored value, the CV of one well). Numbers are full precision in their
    /// shortest round-trip text (``csvFiniteNumber(_:)``); `value_text` keeps its documented 6 significant digits.
    public func concentrationRows(units: String) -> [[String]] {
        let number = csvFiniteNumber
        return samples.map { s in
            [s.sampleID, s.subjectID, s.condition, analyte, plate, options.model.label, options.weighting.label,
             s.wells.joined(separator: ";"), number(s.dilution), number(s.meanNetOD), number(s.cvPercent), number(s.concentrationInWell),
             number(s.value), s.valueText, units, s.status, s.flags.joined(separator: ";"), number(s.valueForStats), s.selected ? "true" : "false", s.role.rawValue]
        }
    }

    /// The curve's record for `curves.json`. Every number in it is finite, so the record can always be written as
    /// JSON: a value that does not exist or is not finite (the residual SD with df 0) is `null`, and a standard
    /// error that is not finite (a singular fit) is left out of `standard_errors`.
    public func curveRecord() -> [String: Any] {
        let p = fit.parameters
        var parameters: [String: Any] = ["a": json(p.a), "b": json(p.b), "c": json(p.c), "d": json(p.d)]
        var errors: [String: Any] = [:]
        let names = ["a", "b", "c", "d", "g"]
        if options.model == .fiveParameter { parameters["g"] = json(p.g) }
        for (i, se) in fit.standardErrors.enumerated() where se.isFinite && i < names.count { errors[names[i]] = se }
        return [
            "plate": plate, "analyte": analyte, "model": options.model.label, "weights": options.weighting.label,
            "blank": options.blank.rawValue, "blank_wells": blankWells, "blank_mean_corrected_od": json(blankMean), "blank_sd_corrected_od": json(blankSD),
            "parameters": parameters, "standard_errors": errors, "weighted_sse": json(fit.weightedSSE), "r_squared": json(fit.rSquared),
            "residual_sd": json(fit.residualSD), "points": fit.points, "df": fit.degreesOfFreedom,
            "converged": fit.converged, "iterations": fit.iterations, "stop_reason": fit.stopReason,
            "lloq_in_well": json(lloq), "uloq_in_well": json(uloq),
            "levels_passing": levelsPassing, "levels_required": levelsRequired, "curve_accepted": curveAccepted,
            "standards": standards.map { s -> [String: Any] in
                ["nominal": json(s.nominal), "wells": s.wells.joined(separator: ";"), "mean_net_od": json(s.meanNetOD), "cv_percent": json(s.cvPercent),
                 "fitted_od": json(s.fittedOD), "back_calculated": json(s.backCalculated), "recovery_percent": json(s.recoveryPercent),
                 "recovery_limits": [s.recoveryLimits.0, s.recoveryLimits.1], "cv_limit": s.cvLimit, "pass": s.passes]
            },
            "wells_not_read": wellsNotRead, "wells_overflowed": wellsOverflowed, "n_not_read": samplesNotRead,
            "qc": qc,
        ]
    }

    /// A number for JSON: finite, or `null`.
    private func json(_ value: Double?) -> Any {
        guard let value, value.isFinite else { return NSNull() }
        return value
    }
}
