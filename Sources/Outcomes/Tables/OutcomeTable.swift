import Tables

/// One output table: its file name, header and rows of text cells.
public struct OutcomeTable: Sendable, Equatable {
    /// The file name (`T1_primary_CCL18.csv`).
    public var name: String
    /// The column names.
    public var header: [String]
    /// The rows, each as long as the header.
    public var rows: [[String]]

    /// A table named `name`.
    public init(name: String, header: [String], rows: [[String]]) {
        self.name = name
        self.header = header
        self.rows = rows
    }

    /// The CSV bytes (RFC 4180, LF line ends).
    public var csv: [UInt8] { csvTable(header: header, rows: rows) }
}

extension StudyOutcomes {
    /// T1–T6 and S4 with the reference cohort's names and headers, T0, and the TQ tables when ``assayQC`` is set.
    public var tables: [OutcomeTable] {
        func paired(_ name: String, _ header: [String], _ outcomes: [PairedOutcome]) -> OutcomeTable {
            OutcomeTable(name: name, header: header, rows: outcomes.map { $0.row(header) })
        }
        return [
            SubjectCharacteristics(data).table,
            paired("T1_primary_CCL18.csv", PairedOutcome.solubleHeader, [primary]),
            paired("T2_soluble_SSc.csv", PairedOutcome.solubleHeader, solubleSSc),
            paired("T3_markers_SSc.csv", PairedOutcome.markerHeader, markersSSc),
            paired("T4_soluble_HD_serum.csv", PairedOutcome.solubleHeader, solubleHD),
            paired("T5_markers_HD_serum.csv", PairedOutcome.markerHeader, markersHD),
            OutcomeTable(name: "S4_per_patient_CCL18.csv", header: PatientEffect.header, rows: patientEffects.map(\.row)),
            OutcomeTable(name: "T6_subgroups_CCL18_L.csv", header: SubgroupAnalysis.header, rows: subgroupsL.flatMap(\.rows)),
            OutcomeTable(name: "T6_subgroups_CCL18_delta_sensitivity.csv", header: SubgroupAnalysis.header, rows: subgroupsDelta.flatMap(\.rows)),
        ] + (assayQC?.tables ?? [])
    }
}
