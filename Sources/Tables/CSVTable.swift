/// A CSV file read per RFC 4180 (quoted fields may hold commas, quotes and line breaks), with a header.
///
/// A NUL anywhere is refused (no CSV text holds one, and a path or id cut at it would name something else).
/// A field that ``csvQuoted(_:)`` defused against spreadsheet formulas reads back without its added `'`.
public struct CSVTable: Sendable {
    /// Column names from the first row.
    public var header: [String]
    /// Data rows; `lines[i]` is the 1-based file line where row i starts.
    public var rows: [[String]]
    public var lines: [Int]

    /// Parses `text`; a byte-order mark is skipped, CRLF, LF and a lone CR each end a row, blank lines are ignored.
    public init(_ text: String) throws {
        if let nul = text.utf8.firstIndex(of: 0) {
            // Lines end at LF, and at a CR not followed by LF (CR-only files), as rows do below.
            let before = Array(text.utf8[..<nul])
            let ends = before.indices.filter { before[$0] == 0x0A || (before[$0] == 0x0D && ($0 + 1 == before.count || before[$0 + 1] != 0x0A)) }
            let line = ends.count + 1
            let lineStart = ends.last.map { text.utf8.index(text.utf8.startIndex, offsetBy: $0 + 1) } ?? text.utf8.startIndex
            let column = text.utf8[lineStart..<nul].reduce(1) { $1 == 0x2C ? $0 + 1 : $0 }
            throw CSVError(line: line, column: column, message: "expected text without NUL characters, found a NUL")
        }
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
            record = record.map(CSVFormula.unescape)
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
                    if c == "\n" || (c == "\r" && !(i + 1 < scalars.count && scalars[i + 1] == "\n")) { line += 1 }
                    field.unicodeScalars.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case "\"" where field.isEmpty: inQuotes = true
            case ",": record.append(field); field = ""
            case "\r" where i + 1 < scalars.count && scalars[i + 1] == "\n": break  // CRLF: the LF ends the row
            case "\r", "\n":  // a CR alone ends a row too (classic Mac OS files)
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

/// A CSV syntax error, at a 1-based line (and column, counted in fields, when known).
public struct CSVError: Error, Sendable, CustomStringConvertible {
    /// The line where the problem is.
    public var line: Int
    /// The field, counting from 1; nil when the problem is the whole row.
    public var column: Int?
    /// What was expected and found.
    public var message: String

    /// A problem at `line` (and `column`).
    public init(line: Int, column: Int? = nil, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line)" + (column.map { ", column \($0)" } ?? "") + ": \(message)" }
}

extension String {
    /// The text without leading and trailing `set` characters.
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
