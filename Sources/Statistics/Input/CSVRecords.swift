import Foundation

// MOVE: to the shared `Tables` module (the lead's CSV reader) once it lands; this is the minimal reader the
// `stats` inputs need until then.

/// The records of a small CSV file, RFC 4180 read tolerantly: a UTF-8 byte-order mark is skipped, lines may end
/// in CRLF, LF or CR, quoted cells may hold separators, line breaks and doubled quotes, unquoted cells are
/// trimmed of surrounding spaces, and blank lines are skipped. Each record keeps the line it starts on.
struct CSVRecords {
    /// The cells of one record and the 1-based line of the file it starts on.
    struct Record {
        let cells: [String]
        let line: Int
    }

    /// The header's cells.
    let header: [String]
    /// The records after the header.
    let records: [Record]

    /// Reads and splits the file at `path`.
    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StatisticsError.unreadableFile(file: path, reason: "cannot be read (missing, or not a file)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw StatisticsError.unreadableFile(file: path, reason: "is not UTF-8 text")
        }
        let all = try Self.split(text, file: path)
        guard let first = all.first else { throw StatisticsError.unreadableFile(file: path, reason: "is empty: expected a header line") }
        header = first.cells
        records = Array(all.dropFirst())
        for record in records where record.cells.count != header.count {
            throw StatisticsError.malformedLine(file: path, line: record.line,
                                                reason: "\(record.cells.count) cells, but the header has \(header.count)")
        }
    }

    /// The records of `text`, in one pass over its characters.
    private static func split(_ text: String, file: String) throws -> [Record] {
        var records: [Record] = []
        var cells: [String] = [], cell = "", quoted = false, wasQuoted = false
        var line = 1, recordLine = 1
        var characters = text.unicodeScalars.makeIterator()
        var pending = characters.next()
        if pending == "\u{FEFF}" { pending = characters.next() }

        func endCell() {
            cells.append(wasQuoted ? cell : cell.trimmingCharacters(in: .whitespaces))
            cell = ""
            wasQuoted = false
        }
        func endRecord() {
            endCell()
            if !(cells.count == 1 && cells[0].isEmpty) { records.append(Record(cells: cells, line: recordLine)) }
            cells = []
        }

        while let scalar = pending {
            pending = characters.next()
            if quoted {
                if scalar == "\"" {
                    if pending == "\"" { cell.unicodeScalars.append("\""); pending = characters.next() } else { quoted = false }
                } else {
                    if scalar == "\n" || (scalar == "\r" && pending != "\n") { line += 1 }
                    cell.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where cell.trimmingCharacters(in: .whitespaces).isEmpty:
                quoted = true
                wasQuoted = true
                cell = ""
            case ",":
                endCell()
            case "\r", "\n":
                if scalar == "\r" && pending == "\n" { pending = characters.next() }
                endRecord()
                line += 1
                recordLine = line
            default:
                cell.unicodeScalars.append(scalar)
            }
        }
        if quoted { throw StatisticsError.malformedLine(file: file, line: recordLine, reason: "a quoted cell is not closed") }
        if !cell.isEmpty || !cells.isEmpty { endRecord() }
        return records
    }
}
