import FCS
import Foundation
import Tables

extension SpilloverMatrix {
    /// A FlowJo-style CSV matrix: a header row of channel names, then one row of coefficients per channel, each
    /// row optionally starting with its channel name. Percentages (a diagonal of 100) are scaled to fractions.
    /// Read as RFC 4180 (``CSVTable``): a quoted channel name may hold commas, and CRLF line ends and a UTF-8
    /// byte-order mark are accepted; errors name the file's own line and column.
    public static func csv(_ text: String, source: String) throws -> SpilloverMatrix {
        let table: CSVTable
        do {
            table = try CSVTable(text)
        } catch let error as CSVError {
            throw CompensationError(.unreadableMatrix, source: source, error.description)
        }
        let trimmed = { (row: [String]) in row.map { $0.trimmingCharacters(in: .whitespaces) } }
        var names = trimmed(table.header)
        if names.first?.isEmpty == true { names.removeFirst() }  // a corner cell above the row names
        var rows: [[Double]] = []
        for (row, line) in zip(table.rows, table.lines) {
            var cells = trimmed(row)
            if cells.allSatisfy(\.isEmpty) { continue }
            if cells.count == names.count + 1 { cells.removeFirst() }
            guard cells.count == names.count else {
                throw CompensationError(.badShape, source: source, "line \(line): expected \(names.count) coefficients, found \(cells.count)")
            }
            let offset = row.count - cells.count
            rows.append(try cells.enumerated().map { column, cell in
                guard let value = Double(cell) else {
                    throw CompensationError(.badCoefficient, source: source, "line \(line), column \(column + 1 + offset): expected a number, found '\(cell)'")
                }
                return value
            })
        }
        guard rows.count == names.count else {
            throw CompensationError(.badShape, source: source, "expected \(names.count) rows for \(names.count) channels, found \(rows.count)")
        }
        if rows.indices.allSatisfy({ rows[$0][$0] == 100 }) {
            rows = rows.map { $0.map { $0 / 100 } }
        }
        return try SpilloverMatrix(fluorochromes: names, detectors: names, coefficients: rows, source: source)
    }

    /// A JSON matrix: `{"channels": [...], "matrix": [[...]]}`, or `{"fluorochromes": [...], "detectors": [...],
    /// "matrix": [[...]]}` for a spectrum matrix.
    public static func json(_ data: Data, source: String) throws -> SpilloverMatrix {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CompensationError(.unreadableMatrix, source: source, "expected a JSON object with \"channels\" and \"matrix\"")
        }
        guard let matrix = object["matrix"] as? [[NSNumber]] else {
            throw CompensationError(.unreadableMatrix, source: source, "matrix: expected an array of rows of numbers")
        }
        let rows = matrix.map { $0.map(\.doubleValue) }
        if let channels = object["channels"] as? [String] {
            return try SpilloverMatrix(fluorochromes: channels, detectors: channels, coefficients: rows, source: source)
        }
        guard let fluorochromes = object["fluorochromes"] as? [String], let detectors = object["detectors"] as? [String] else {
            throw CompensationError(.unreadableMatrix, source: source, "expected \"channels\", or \"fluorochromes\" and \"detectors\"")
        }
        return try SpilloverMatrix(fluorochromes: fluorochromes, detectors: detectors, coefficients: rows, source: source)
    }

    /// The matrix of the sample's own spillover keyword, or nil when it has none.
    ///
    /// An FCS 2.0 `$DFCiTOj` matrix names detectors `FL1`…`FLn`; it is cut down to the detectors the sample
    /// records (see ``FluorescenceDetectors``), which the ``Compensator`` then matches by detector number.
    public static func fromSample(_ sample: Sample) throws -> SpilloverMatrix? {
        guard let spillover = try sample.spillover() else { return nil }
        let source = "\(spillover.keyword) of \(sample.file)"
        guard spillover.keyword == "$DFCiTOj" else { return try SpilloverMatrix(spillover, source: source) }
        let kept = spillover.recordedDetectors(in: sample).map(\.detector)
        guard !kept.isEmpty else {
            throw CompensationError(.unmatchedChannel, source: source,
                "detectors FL1–FL\(spillover.size): expected parameters of \(sample.file) named FLk… (FL1 INT LOG, FL1 Log), found \(sample.parameters.map(\.name).joined(separator: ", "))")
        }
        let left = (1...max(spillover.size, 1)).filter { !kept.contains($0) }
        let note = left.isEmpty ? "" : " (FL\(left.map(String.init).joined(separator: ", FL")) not recorded, left out)"
        return try SpilloverMatrix(fluorochromes: kept.map { "FL\($0)" }, detectors: kept.map { "FL\($0)" },
                                   coefficients: spillover.coefficients(amongDetectors: kept),
                                   source: source + note)
    }
}
