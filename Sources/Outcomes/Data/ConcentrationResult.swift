import Tables

/// One sample × analyte result of the ELISA's `concentrations.csv` (the selected dilution).
public struct ConcentrationResult: Sendable, Equatable {
    /// The result's status.
    public enum Status: String, Sendable, CaseIterable {
        /// In range.
        case ok = "OK"
        /// Below the LLOQ: `value_for_stats` is the substituted value.
        case belowLLOQ = "<LLOQ"
        /// Above the ULOQ: `value_for_stats` is the substituted value.
        case aboveULOQ = ">ULOQ"
        /// No readable well: no value, excluded.
        case notRead = "NOT_READ"
        /// Every well masked by the analyst: no value, excluded.
        case masked = "MASKED"
    }

    /// Why a result does not enter the statistics.
    public enum Exclusion: String, Sendable, CaseIterable, Hashable {
        /// The plate's curve was rejected (or did not converge, which implies it).
        case curveRejected = "CURVE_REJECTED"
        /// No well could be read (or every well was masked).
        case notRead = "NOT_READ"
    }

    /// The culture sample.
    public var sampleID: String
    /// The analyte.
    public var analyte: Analyte
    /// The plate id.
    public var plate: String
    /// The status.
    public var status: Status
    /// The flags (`HIGH_CV`, `CURVE_REJECTED`, …).
    public var flags: [String]
    /// The value for statistics (substituted when censored); nil when absent.
    public var valueForStats: Double?
    /// The concentration units.
    public var units: String
    /// The reported text (`21978.5`, `<9.375` for a value below the LLOQ×DF); nil when absent.
    public var valueText: String?
    /// The sample's dilution factor; nil when absent.
    public var dilutionFactor: Double?
    /// The line in `concentrations.csv`.
    public var line: Int

    /// Why the result is left out of the statistics, or nil when it enters them. `CURVE_NOT_CONVERGED` implies
    /// `CURVE_REJECTED`; `NOT_READ` and `MASKED` results have no value.
    public var exclusion: Exclusion? {
        if flags.contains("CURVE_REJECTED") || flags.contains("CURVE_NOT_CONVERGED") { return .curveRejected }
        if status == .notRead || status == .masked || flags.contains("NOT_READ") || valueForStats == nil { return .notRead }
        return nil
    }

    /// The LLOQ×DF a censored-low result reports in its text (`<9.375` gives 9.375); nil otherwise.
    public var lowerLimitTimesDilution: Double? {
        guard status == .belowLLOQ, let text = valueText, text.hasPrefix("<") else { return nil }
        return NumberText.parse(text.dropFirst().trimmingCharacters(in: .whitespaces), syntax: .written, integer: false)
    }

    /// The value entering the statistics: `value_for_stats` unless excluded.
    public var statisticsValue: Double? { exclusion == nil ? valueForStats : nil }
}
