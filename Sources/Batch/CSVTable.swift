/// A CSV file read per RFC 4180 (quoted fields may hold commas, quotes and line breaks), with a header.
public struct CSVTable: Sendable {
    /// Column names from the first row.
    public var header: [String]
    /// Data rows; `lines[i]` is the 1-based file line where row i starts.
    public var rows: [[String]]
    public var lines: [Int]

    /// Parses `text`; a byte-order mark is skipped, CRLF and LF both end a row, blank lines are ignored.
    public init(_ text: String) throws {
        var records: [[String]] = []
        var starts: [Int] = []
        var field = ""
        var record: [String] = []
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var i = 0
        func endRecord() {
            record.append(field)
            field = ""
            if !(record.count == 1 && record[0].isEmpty) { records.append(record); starts.append(recordLine) }
            record = []
        }
        while i < scalars.count {
            let c = scalars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < scalars.count && scalars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 2; continue }
                    inQuotes = false
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case "\"" where field.isEmpty: inQuotes = true
            case ",": record.append(field); field = ""
            case "\r": break
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default: field.unicodeScalars.append(c)
            }
            i += 1
        }
        if inQuotes { throw CSVError(line: recordLine, message: "a quoted field is not closed") }
        if !field.isEmpty || !record.isEmpty { endRecord() }
        guard let first = records.first else { throw CSVError(line: 1, message: "expected a header row, found an empty file") }
        header = first.map { $0.trimmingCharacters(in: " ") }
        rows = Array(records.dropFirst())
        lines = Array(starts.dropFirst())
    }
}

/// A CSV syntax error.
public struct CSVError: Error, Sendable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
