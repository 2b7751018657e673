import Foundation
import Tables

/// Reads the cells of one CSV file by column name into typed values, collecting every problem instead of stopping
/// at the first, so a sheet's problems are all reported at once.
struct SheetReader {
    /// The file name used in problems.
    let file: String
    /// The table.
    let table: CSVTable
    /// Column name → index.
    private let columns: [String: Int]
    /// The problems found so far.
    private(set) var problems: [StudyDataProblems.Problem] = []

    /// Reads `path`; the columns in `required` must be in the header (each absence is a problem).
    init(_ path: String, required: [String]) throws {
        file = path
        table = try OutcomesError.table(path)
        var columns: [String: Int] = [:]
        for (index, name) in table.header.enumerated() where columns[name] == nil { columns[name] = index }
        self.columns = columns
        for name in required where columns[name] == nil {
            problems.append(.init(.missingColumn, file: path, line: 1, column: name, value: "",
                                  allowed: "a column '\(name)' (header: \(table.header.joined(separator: ",")))"))
        }
    }

    /// The data rows as indices.
    var rows: Range<Int> { table.rows.indices }

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
        guard let value = Double(raw), value.isFinite, range.contains(value), !integer || value.rounded() == value else {
            report(.outOfRange, row: row, column: column, value: raw, allowed: allowed)
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
