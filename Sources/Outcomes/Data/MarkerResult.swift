/// One study marker's readouts on one culture sample, from the batch's `markers.csv` (docs/statistics.md).
public struct MarkerResult: Sendable, Equatable {
    /// The culture sample.
    public var sampleID: String
    /// The marker.
    public var marker: StudyMarker
    /// The median fluorescence intensity; nil when absent (`NA` or empty).
    public var mfi: Double?
    /// The % positive; nil when absent.
    public var percentPositive: Double?
    /// The batch's flags.
    public var flags: [String]
    /// Events in the gate the marker is read on; nil when absent.
    public var events: Double?
    /// The positivity threshold (from the control, or the template's fixed gate); nil when absent.
    public var threshold: Double?
    /// The control tube's id, when one set the threshold.
    public var controlSampleID: String?
    /// The control tube's MFI; nil when absent.
    public var controlMFI: Double?
    /// The line in `markers.csv`.
    public var line: Int

    /// The value of `readout`.
    public func value(_ readout: FlowReadout) -> Double? {
        readout == .mfi ? mfi : percentPositive
    }

    /// Reads `markers.csv`: rows of the six study markers (other readouts are not outcomes and are skipped),
    /// their sample ids and the sheet's subject and condition checked by the caller.
    static func read(markers path: String) throws -> (results: [MarkerResult], identities: [ResultIdentity], problems: [StudyDataProblems.Problem]) {
        var sheet = try SheetReader(path, required: ["sample_id", "marker", "mfi", "percent_positive"], syntax: .written)
        try sheet.requireWellFormed()
        var results: [MarkerResult] = []
        var identities: [ResultIdentity] = []
        /// The first row of each (sample, marker): its line and population.
        var seen: [String: (line: Int, population: String)] = [:]
        /// Markers read on two populations: the first such row of each, and how many samples have it.
        var twice: [String: Int] = [:]
        var twiceRows: [(row: Int, name: String, detail: String)] = []
        var twiceCount: [Int] = []
        for row in sheet.rows {
            guard let sampleID = sheet.requiredText(row, "sample_id", allowed: "a sample id"),
                  let name = sheet.requiredText(row, "marker", allowed: "a marker name"),
                  let marker = StudyMarker(named: name) else { continue }
            let key = sampleID + "\u{1F}" + marker.rawValue
            let population = sheet.text(row, "population")
            if let first = seen[key] {
                if first.population != population {
                    // Two populations: the template read the marker twice, which the batch allows but the tables
                    // cannot use. One root cause: reported once per marker, at its first row, with the count.
                    let pair = marker.rawValue + "\u{1F}" + first.population + "\u{1F}" + population
                    if let index = twice[pair] { twiceCount[index] += 1 } else {
                        twice[pair] = twiceRows.count
                        twiceRows.append((row, name, "already on line \(first.line); population '\(population)' here, '\(first.population)' there: "
                                          + "the template reads \(marker.rawValue) twice, and the outcome tables take one value per sample and marker"))
                        twiceCount.append(1)
                    }
                } else {
                    sheet.report(.duplicate, row: row, column: "marker", value: name, allowed: "one row per sample and marker (already on line \(first.line))")
                }
                continue
            }
            seen[key] = (sheet.line(row), population)
            let mfi = sheet.statisticsValue(row, "mfi", allowed: "a number, or empty/NA when absent")
            let percent = sheet.statisticsValue(row, "percent_positive", in: 0...100, allowed: "a percentage from 0 to 100, or empty/NA when absent")
            let flags = sheet.text(row, "flags").split(separator: ";").map(String.init)
            var result = MarkerResult(sampleID: sampleID, marker: marker, mfi: mfi, percentPositive: percent, flags: flags, line: sheet.line(row))
            result.events = sheet.number(row, "n_events", in: 0...Double.greatestFiniteMagnitude, allowed: "a count of events ≥ 0, or empty")
            result.threshold = sheet.number(row, "threshold", allowed: "a number, or empty/NA when absent")
            result.controlSampleID = sheet.optionalText(row, "control_sample_id")
            result.controlMFI = sheet.number(row, "control_mfi", allowed: "a number, or empty/NA when absent")
            results.append(result)
            identities.append(ResultIdentity(file: path, line: sheet.line(row), sampleID: sampleID,
                                             subjectID: sheet.optionalText(row, "subject_id"), condition: sheet.optionalText(row, "condition")))
        }
        for (index, first) in twiceRows.enumerated() {
            let more = twiceCount[index] - 1
            sheet.report(.duplicate, row: first.row, column: "marker", value: first.name,
                         allowed: "one row per sample and marker (\(first.detail)\(more > 0 ? "; the same for \(more) more sample\(more == 1 ? "" : "s")" : ""))")
        }
        return (results, identities, sheet.problems)
    }
}

/// Who a result row says it belongs to, checked against the sample sheet.
struct ResultIdentity: Sendable {
    var file: String
    var line: Int
    var sampleID: String
    var subjectID: String?
    var condition: String?
}
