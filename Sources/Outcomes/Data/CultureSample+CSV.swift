extension CultureSample {
    /// Columns `samples.csv` must have.
    static let requiredColumns = ["sample_id", "subject_id", "arm", "condition"]

    /// The `serum_subject_id` naming a pool of sera.
    public static let pooledSerum = "POOL"

    /// Reads `samples.csv` and checks it against the clinical sheet's `subjects`: unknown values, numbers out of
    /// range, duplicate sample ids, unknown subjects, an arm that does not fit the subject's group, a condition
    /// outside the arm, a ruxolitinib dose contradicting the condition. With `subjects` nil (a clinical sheet
    /// refused as a whole) nothing is checked against the clinical sheet; a subject of `unreadSubjects` (a
    /// clinical row not read for a problem of its own) is neither known nor unknown, and is not checked.
    /// `plates` holds the `elisa_plate_ids` of every row read, a row with problems included, so that runs.csv is
    /// compared with what the sheet says.
    static func read(samples path: String, subjects: [String: Subject]?, unreadSubjects: Set<String> = [])
    throws -> (samples: [CultureSample], plates: Set<String>, problems: [StudyDataProblems.Problem]) {
        var sheet = try SheetReader(path, required: requiredColumns, syntax: .plain)
        var samples: [CultureSample] = []
        var plates: Set<String> = []
        var seen: [String: Int] = [:]
        for row in sheet.rows {
            plates.formUnion(plateIDs(sheet.optionalText(row, "elisa_plate_ids") ?? ""))
            let idText = sheet.requiredText(row, "sample_id", allowed: "a sample id")
            let subjectText = sheet.requiredText(row, "subject_id", allowed: "a subject of the clinical sheet")
            let arm = sheet.requiredValue(row, "arm", as: StudyArm.self)
            let condition = sheet.requiredValue(row, "condition", as: CultureCondition.self)
            guard let id = idText else { continue }
            if let first = seen[id] {
                sheet.report(.duplicate, row: row, column: "sample_id", value: id, allowed: "a unique id (already on line \(first))")
                continue
            }
            seen[id] = sheet.line(row)
            guard let subjectID = subjectText, let arm, let condition else { continue }
            var sample = CultureSample(id: id, subjectID: subjectID, arm: arm, condition: condition, line: sheet.line(row))
            sample.readOptionalColumns(&sheet, row: row)
            if let subjects { sample.checkSubjects(&sheet, row: row, subjects: subjects, unread: unreadSubjects) }
            sample.check(&sheet, row: row)
            samples.append(sample)
        }
        return (samples, plates, sheet.problems)
    }

    /// The plate ids of an `elisa_plate_ids` cell (`;`-separated).
    static func plateIDs(_ cell: String) -> [String] {
        cell.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The descriptive and linking columns.
    private mutating func readOptionalColumns(_ sheet: inout SheetReader, row: Int) {
        serumSubjectID = sheet.optionalText(row, "serum_subject_id")
        cultureDate = sheet.optionalText(row, "culture_date")
        cultureBatch = sheet.optionalText(row, "culture_batch")
        ruxolitinibMicromolar = sheet.number(row, "ruxolitinib_uM", in: 0...1_000_000, allowed: "a concentration in µM ≥ 0")
        vehicle = sheet.optionalText(row, "vehicle")
        elisaPlateIDs = Self.plateIDs(sheet.optionalText(row, "elisa_plate_ids") ?? "")
        fcsFile = sheet.optionalText(row, "fcs_file")
        viabilityPercent = sheet.number(row, "viability_percent", in: 0...100, allowed: "a percentage from 0 to 100")
        controlType = sheet.value(row, "control_type", as: ControlType.self)
        controlMarker = sheet.optionalText(row, "control_marker")
        if controlType != nil && controlMarker == nil {
            sheet.report(.missingValue, row: row, column: "control_marker", value: "", allowed: "the marker the control tube is for")
        }
    }

    /// The sample against the clinical sheet: its subject, the arm for the subject's group, the serum's subject.
    private func checkSubjects(_ sheet: inout SheetReader, row: Int, subjects: [String: Subject], unread: Set<String>) {
        if let subject = subjects[subjectID] {
            let expected: Subject.Group = arm == .sscMDM ? .ssc : .hd
            if subject.group != expected {
                sheet.report(.contradiction, row: row, column: "arm", value: arm.rawValue,
                             allowed: "an arm for a subject of group \(subject.group.rawValue) (\(arm.rawValue) is for \(expected.rawValue))")
            }
        } else if !unread.contains(subjectID) {
            sheet.report(.unknownReference, row: row, column: "subject_id", value: subjectID, allowed: "a subject_id of the clinical sheet")
        }
        if arm == .hdSScSerum && (condition == .serum || condition == .serumRux), let serum = serumSubjectID,
           serum != Self.pooledSerum && !unread.contains(serum) && subjects[serum]?.group != .ssc {
            sheet.report(.unknownReference, row: row, column: "serum_subject_id", value: serum,
                         allowed: "an SSc subject of the clinical sheet, or \(Self.pooledSerum)")
        }
    }

    /// The sample against its own arm: the condition, the ruxolitinib dose, the serum's subject given.
    private func check(_ sheet: inout SheetReader, row: Int) {
        if !arm.conditions.contains(condition) {
            sheet.report(.contradiction, row: row, column: "condition", value: condition.rawValue,
                         allowed: "a condition of arm \(arm.rawValue): \(arm.conditions.map(\.rawValue).joined(separator: ", "))")
        }
        if let dose = ruxolitinibMicromolar {
            let treated = condition == .rux || condition == .serumRux
            if treated == (dose == 0) {
                sheet.report(.contradiction, row: row, column: "ruxolitinib_uM", value: sheet.text(row, "ruxolitinib_uM"),
                             allowed: treated ? "a dose > 0 for \(condition.rawValue)" : "0 for \(condition.rawValue)")
            }
        }
        if arm == .hdSScSerum && (condition == .serum || condition == .serumRux) && serumSubjectID == nil {
            sheet.report(.missingValue, row: row, column: "serum_subject_id", value: "",
                         allowed: "the SSc subject whose serum was used, or \(Self.pooledSerum)")
        }
    }
}
