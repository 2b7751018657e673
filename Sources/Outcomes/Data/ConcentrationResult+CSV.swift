extension ConcentrationResult {
    /// Reads `concentrations.csv`: with a `role` column only `sample` rows join the study (its absence means
    /// every row is a sample); exactly one `selected=true` row per (sample, analyte).
    static func read(concentrations path: String) throws -> (results: [ConcentrationResult], identities: [ResultIdentity], plateAnalytes: [String: Analyte], problems: [StudyDataProblems.Problem]) {
        var sheet = try SheetReader(path, required: ["sample_id", "analyte", "plate", "status", "value_for_stats", "selected"], syntax: .written)
        try sheet.requireWellFormed()
        var selected: [String: (result: ConcentrationResult, row: Int)] = [:]
        var order: [String] = []
        var identities: [String: ResultIdentity] = [:]
        /// The rows not selected (and second selections): their sample ids are checked against the sheet too.
        var others: [ResultIdentity] = []
        var plateAnalytes: [String: Analyte] = [:]
        var unselected: [String: (row: Int, sample: String, analyte: Analyte)] = [:]
        /// Keys with a `selected` value already reported: no second problem says they lack a selected row.
        var badSelection: Set<String> = []
        for row in sheet.rows {
            if sheet.has("role") {
                let role = sheet.text(row, "role")
                if role == "control" { continue }
                if role != "sample" {
                    sheet.report(.unknownValue, row: row, column: "role", value: role, allowed: "one of sample, control")
                    continue
                }
            }
            let sampleID = sheet.requiredText(row, "sample_id", allowed: "a sample id")
            let analyte = sheet.requiredValue(row, "analyte", as: Analyte.self)
            let plate = sheet.requiredText(row, "plate", allowed: "a plate id")
            let status = sheet.requiredValue(row, "status", as: Status.self)
            let value = sheet.statisticsValue(row, "value_for_stats",
                                               allowed: "a number, or empty/NA when absent")
            let selection = sheet.requiredText(row, "selected", allowed: "true or false")
            let validSelection = selection == "true" || selection == "false"
            if let selection, !validSelection {
                sheet.report(.unknownValue, row: row, column: "selected", value: selection, allowed: "one of true, false")
            }
            guard let sampleID, let analyte, let plate, let status else { continue }
            // Every row names its sample: one the sheet lacks is reported once, as that, whatever its selection.
            let identity = ResultIdentity(file: path, line: sheet.line(row), sampleID: sampleID,
                                          subjectID: sheet.optionalText(row, "subject_id"), condition: sheet.optionalText(row, "condition"))
            if let known = plateAnalytes[plate], known != analyte {
                sheet.report(.contradiction, row: row, column: "analyte", value: analyte.rawValue, allowed: "one analyte per plate (\(plate) measured \(known.rawValue))")
            }
            plateAnalytes[plate] = plateAnalytes[plate] ?? analyte
            let key = sampleID + "\u{1F}" + analyte.rawValue
            if unselected[key] == nil { unselected[key] = (row, sampleID, analyte) }
            if !validSelection { badSelection.insert(key) }
            guard selection == "true" else {
                others.append(identity)
                continue
            }
            if let first = selected[key] {
                sheet.report(.selection, row: row, column: "selected", value: "true",
                             allowed: "one selected=true row per sample and analyte (\(sampleID) \(analyte.rawValue): plate \(first.result.plate) on line \(first.result.line) and plate \(plate))")
                continue
            }
            var result = ConcentrationResult(sampleID: sampleID, analyte: analyte, plate: plate, status: status,
                                             flags: sheet.text(row, "flags").split(separator: ";").map(String.init),
                                             valueForStats: value, units: sheet.optionalText(row, "units") ?? "pg/mL", line: sheet.line(row))
            result.valueText = sheet.optionalText(row, "value_text")
            result.dilutionFactor = sheet.number(row, "dilution_factor", in: 0...Double.greatestFiniteMagnitude, allowed: "a dilution factor > 0, or empty")
            selected[key] = (result, row)
            order.append(key)
            identities[key] = identity
        }
        for (key, first) in unselected.sorted(by: { $0.value.row < $1.value.row }) where selected[key] == nil && !badSelection.contains(key) {
            sheet.report(.selection, row: first.row, column: "selected", value: "false",
                         allowed: "one selected=true row for \(first.sample) \(first.analyte.rawValue)")
        }
        let results = order.compactMap { selected[$0]?.result }
        return (results, order.compactMap { identities[$0] } + others, plateAnalytes, sheet.problems)
    }
}
