import Foundation
import Tables

/// Reads the cells of one CSV file by column name into typed values, collecting every problem instead of stopping
/// at the first, so a sheet's problems are all reported at once.
///
/// The header must name each column once, and every row must have as many fields as the header: a row with
/// fewer or more is a problem and its cells are not read (a shifted cell would land in the wrong column).
/// Numbers are read by ``NumberText`` with the sheet's syntax.
struct SheetReader {
    /// The file name used in problems.
    let file: String
    /// The table.
    let table: CSVTable
    /// How numbers are written in this file.
    let syntax: NumberText.Syntax
    /// Column name → index.
    private let columns: [String: Int]
    /// The data rows with as many fields as the header (indices into `table.rows`).
    let rows: [Int]
    /// The data rows with more or fewer fields (each a problem): not read, but `text` still gives their cells
    /// by position, so that what they name (a subject id) is known to be in the sheet.
    let malformedRows: [Int]
    /// The problems found so far.
    private(set) var problems: [StudyDataProblems.Problem] = []

    /// Reads `path`; the columns in `required` must be in the header (each absence is a problem). `syntax` says
    /// how its numbers are written: `.plain` for a sheet people type, `.written` for a file FlowStudy wrote.
    init(_ path: String, required: [String], syntax: NumberText.Syntax) throws {
        file = path
        self.syntax = syntax
        table = try OutcomesError.table(path)
        var columns: [String: Int] = [:]
        var problems: [StudyDataProblems.Problem] = []
        for (index, name) in table.header.enumerated() {
            if let first = columns[name] {
                // An empty name repeated (trailing commas of a spreadsheet export) names no column that is read.
                if !name.isEmpty && first >= 0 {
                    problems.append(.init(.duplicateColumn, file: path, line: 1, column: name, value: name,
                                          allowed: "each column once (header: column '\(name)' appears twice, fields \(first + 1) and \(index + 1))"))
                    // Which field holds the value is unknown: the column is not read at all.
                    columns[name] = -1
                }
            } else {
                columns[name] = index
            }
        }
        self.columns = columns.filter { $0.value >= 0 }
        for name in required where columns[name] == nil {
            problems.append(.init(.missingColumn, file: path, line: 1, column: name, value: "",
                                  allowed: "a column '\(name)' (header: \(table.header.joined(separator: ",")))"))
        }
        var rows: [Int] = [], malformedRows: [Int] = []
        for (row, fields) in table.rows.enumerated() {
            if fields.count == table.header.count {
                rows.append(row)
            } else {
                malformedRows.append(row)
                problems.append(.init(.fieldCount, file: path, line: table.lines[row], column: "", value: "\(fields.count) fields",
                                      allowed: "\(table.header.count) fields, one per header column (the row is not read)"))
            }
        }
        self.rows = rows
        self.malformedRows = malformedRows
        self.problems = problems
    }

    /// Throws an ``OutcomesError`` listing the header and field-count problems: a file FlowStudy wrote that has
    /// any is damaged or not what it claims, and is refused whole (exit 65) rather than listed cell by cell.
    func requireWellFormed() throws {
        let structural = problems.filter { $0.refusesSheet || $0.kind == .fieldCount }
        guard !structural.isEmpty else { return }
        throw OutcomesError(file: file, structural.map { problem in
            "line \(problem.line)" + (problem.column.isEmpty ? "" : ", column '\(problem.column)'")
                + ": " + (problem.value.isEmpty ? "" : "found \(problem.kind == .fieldCount ? problem.value : "'\(problem.value)'"), ") + "expected \(problem.allowed)"
        }.joined(separator: "; "))
    }

    /// Whether the header has `column`.
    func has(_ column: String) -> Bool { columns[column] != nil }

    /// The 1-based file line of `row`.
    func line(_ row: Int) -> Int { table.lines[row] }

    /// Records a problem at `row`.
    mutating func report(_ kind: StudyDataProblems.Problem.Kind, row: Int, column: String, value: String, allowed: String) {
        problems.append(.init(kind, file: file, line: line(row), column: column, value: value, allowed: allowed))
    }

    /// The trimmed text of `column` in `row`; empty when the column or cell is absent.
    func text(_ row: Int, _ column: String) -> String {
        guard let index = columns[column], index < table.rows[row].count else { return "" }
        return table.rows[row][index].trimmingCharacters(in: .whitespaces)
    }

    /// The text of `column`, nil when empty or `NA` (both mean an absent value).
    func optionalText(_ row: Int, _ column: String) -> String? {
        let value = text(row, column)
        return value.isEmpty || value == "NA" ? nil : value
    }

    /// A required text cell; an empty one is a problem.
    mutating func requiredText(_ row: Int, _ column: String, allowed: String) -> String? {
        guard let value = optionalText(row, column) else {
            if has(column) { report(.missingValue, row: row, column: column, value: "", allowed: allowed) }
            return nil
        }
        return value
    }

    /// An optional number in `range`; a non-number or one outside the range is a problem.
    mutating func number(_ row: Int, _ column: String, in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude,
                         integer: Bool = false, allowed: String) -> Double? {
        guard let raw = optionalText(row, column) else { return nil }
        guard let value = NumberText.parse(raw, syntax: syntax, integer: integer) else {
            report(.outOfRange, row: row, column: column, value: raw, allowed: allowed + ", " + syntax.describe(integer: integer))
            return nil
        }
        guard range.contains(value) else {
            report(.outOfRange, row: row, column: column, value: raw, allowed: allowed)
            return nil
        }
        return value
    }

    /// The magnitudes a result value entering the paired statistics may have: 0, or from 10^-100 to 10^100. The
    /// statistics take differences, sums of differences (Walsh averages) and ratios of values, which stay finite
    /// within these bounds; a value beyond them is not a measurement (no assay reads 10^100 pg/mL) but an edited file.
    static let statisticsMagnitudes = 1e-100...1e100

    /// An optional result value that enters the paired statistics (MFI, % positive, `value_for_stats`): a number in
    /// `range` whose magnitude is within ``statisticsMagnitudes``; anything else is a problem.
    mutating func statisticsValue(_ row: Int, _ column: String, in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude,
                                  allowed: String) -> Double? {
        guard let value = number(row, column, in: range, allowed: allowed) else { return nil }
        guard value == 0 || Self.statisticsMagnitudes.contains(abs(value)) else {
            report(.outOfRange, row: row, column: column, value: optionalText(row, column) ?? "",
                   allowed: allowed + ", of magnitude 0 or from 1e-100 to 1e100 (the paired statistics difference and divide the values)")
            return nil
        }
        return value
    }

    /// An optional enumeration value; one outside the vocabulary is a problem naming the allowed values.
    mutating func value<Value: RawRepresentable & CaseIterable>(_ row: Int, _ column: String, as type: Value.Type) -> Value?
    where Value.RawValue == String {
        guard let raw = optionalText(row, column) else { return nil }
        guard let value = Value(rawValue: raw) else {
            report(.unknownValue, row: row, column: column, value: raw, allowed: Self.allowed(type))
            return nil
        }
        return value
    }

    /// A required enumeration value.
    mutating func requiredValue<Value: RawRepresentable & CaseIterable>(_ row: Int, _ column: String, as type: Value.Type) -> Value?
    where Value.RawValue == String {
        if optionalText(row, column) == nil {
            if has(column) { report(.missingValue, row: row, column: column, value: "", allowed: Self.allowed(type)) }
            return nil
        }
        return value(row, column, as: type)
    }

    /// `one of A, B, C`.
    static func allowed<Value: RawRepresentable & CaseIterable>(_ type: Value.Type) -> String where Value.RawValue == String {
        "one of " + type.allCases.map(\.rawValue).joined(separator: ", ")
    }
}
