import Simulation
import Tables

/// `samples.csv` of a demo study: OUTCOMES.md §4's columns plus `control_type` and `control_marker`, culture wells
/// first, then their FMO tubes (id `<sample_id>_FMO_<marker without '-'>`, no plate).
enum SampleSheetRows {
    /// The columns.
    static let header = ["sample_id", "subject_id", "arm", "condition", "serum_subject_id", "culture_date", "culture_batch",
                         "ruxolitinib_uM", "vehicle", "elisa_plate_ids", "fcs_file", "viability_percent", "control_type", "control_marker"]

    /// The sheet, with each tube's realised viability (in ``StudyDesign/tubes`` order).
    static func table(_ design: StudyDesign, viability: [Double]) -> [UInt8] {
        let rows = design.tubes.enumerated().map { i, tube -> [String] in
            let culture = design.cultures[tube.culture]
            return [tube.sampleID, culture.subjectID, culture.arm, culture.condition, culture.serumSubjectID ?? "",
                    StudyCalendar.iso(culture.cultureDay), culture.batch, culture.treated ? "1" : "0", "DMSO 0.1%",
                    tube.fmoMarker == nil ? culture.plates.joined(separator: ";") : "", tube.file, csvNumber(viability[i]),
                    tube.fmoMarker == nil ? "" : "FMO", tube.fmoMarker ?? ""]
        }
        return csvTable(header: header, rows: rows)
    }
}
