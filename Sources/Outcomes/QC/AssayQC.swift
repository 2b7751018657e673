import Foundation
import Tables

/// The assay QC tables (TQ) of a study run: the ELISA plates (``ELISAPlateQC``) and the FCS tubes
/// (``FCSFileQC``), with the footnote that says what the inputs lacked.
public struct AssayQC: Sendable {
    /// `TQ_elisa_plates.csv`.
    public var plates: ELISAPlateQC
    /// `TQ_fcs_files.csv`.
    public var tubes: FCSFileQC

    /// Both tables from their parts.
    public init(plates: ELISAPlateQC, tubes: FCSFileQC) {
        self.plates = plates
        self.tubes = tubes
    }

    /// Reads the ELISA folder `elisa` and the batch folder `flow` for the tubes of `samples`, read from the sheet `sheet`;
    /// `tubeFailures` is the batch's `errors.csv` when the caller has read it already (``FCSFileQC/failures(flow:)``);
    /// `readoutPopulations` the template's, for the tube table's gate-count columns when `markers.csv` names none.
    /// Throws ``OutcomesError`` (naming the file and the place) for an input that cannot be read.
    public init(elisa: String, flow: String, samples: [CultureSample], sheet: String, tubeFailures: [String: String]? = nil,
                readoutPopulations: [String] = []) throws {
        plates = try ELISAPlateQC(elisa: elisa)
        tubes = try FCSFileQC(flow: flow, samples: samples, sheet: sheet, failures: tubeFailures, readoutPopulations: readoutPopulations)
    }

    /// The two tables.
    public var tables: [OutcomeTable] { [plates.table, tubes.table] }

    /// The footnotes' TQ section (Markdown).
    public var footnotes: String {
        var text = "\n## \(ELISAPlateQC.fileName)\n\n"
        text += "One row per analysed plate. Curve columns from the ELISA run's curves.json: model and weights, R², levels_passing = "
        text += "standard levels passing recovery and CV of levels = the curve's standard levels, LLOQ/ULOQ in the well, curve_accepted, "
        text += "param_a–param_d (and param_g for a 5PL), converged. Counts from concentrations.csv over the plate's role = sample rows "
        text += "(one per sample and dilution; controls left out): n_samples, n_below_lloq (<LLOQ), n_above_uloq (>ULOQ), n_high_cv "
        text += "(flag HIGH_CV), n_not_read (NOT_READ).\n"
        text += plates.notes.map { "- \($0)\n" }.joined()
        text += "\n## \(FCSFileQC.fileName)\n\n"
        text += "One row per FCS tube of the sample sheet. fcs_file relative to the sheet's folder; events = events in the file "
        text += "(qc.csv); "
        text += tubes.populations.isEmpty ? "" : tubes.populations.map { "`\($0)`" }.joined(separator: ", ") + " = the readout population's count (populations.csv); "
        text += "compensation as applied (`$SPILLOVER (file)`: the file's own matrix); bytes and sha256 of the file read (the batch's run.json).\n"
        text += tubes.notes.map { "- \($0)\n" }.joined()
        return text
    }

    /// A table cell: empty for an absent value; numbers in their shortest round-trip form.
    static func text(_ value: Double?) -> String { csvFiniteNumber(value) }

    /// A table cell for a count.
    static func text(_ value: Int?) -> String { value.map(String.init) ?? "" }

    /// A table cell for a decision.
    static func text(_ value: Bool?) -> String { value.map { $0 ? "true" : "false" } ?? "" }
}
