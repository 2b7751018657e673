import Foundation
import Tables

/// The records of a `stats` input, read by the shared RFC 4180 reader (`Tables.CSVTable`: byte-order mark, CRLF,
/// quoted cells, line numbers), with the cells trimmed of surrounding spaces and every record as wide as the
/// header.
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
        let table: CSVTable
        do {
            table = try CSVTable(try InputFile.text(path))
        } catch let error as TablesError {
            throw StatisticsError.unreadableFile(file: path, reason: "\(error.expected), found \(error.found)")
        } catch let error as CSVError {
            throw StatisticsError.malformedLine(file: path, line: error.line, reason: error.message)
        }
        header = table.header
        records = zip(table.rows, table.lines).map { Record(cells: $0.map { $0.trimmingCharacters(in: .whitespaces) }, line: $1) }
        for record in records where record.cells.count != header.count {
            throw StatisticsError.malformedLine(file: path, line: record.line,
                                                reason: "\(record.cells.count) cells, but the header has \(header.count)")
        }
    }
}
