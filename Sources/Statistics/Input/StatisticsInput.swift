import Tables

/// The inputs of `flowstudy stats` read from CSV files into numbers, with every problem reported by file, line,
/// column and value. Columns are found by name (others are ignored); every cell of a used column must be a
/// finite number, except `p`, where `NA` or an empty cell is a missing p-value.
public enum StatisticsInput {
    /// Columns `untreated,treated`: one pair per line, whose difference treated − untreated must be finite too.
    public static func pairs(csv path: String) throws -> (untreated: [Double], treated: [Double]) {
        let table = try CSVRecords(path: path)
        let untreated = try numbers(table, "untreated", path), treated = try numbers(table, "treated", path)
        // Finite values can differ by more than the largest double (±1.7e308): the test would stop on an infinite
        // difference naming no line.
        for (index, record) in table.records.enumerated() where !(treated[index] - untreated[index]).isFinite {
            throw StatisticsError.malformedCell(file: path, line: record.line, column: "treated", value: String(treated[index]),
                                                expected: "a value whose difference from untreated (\(untreated[index])) is finite")
        }
        return (untreated, treated)
    }

    /// Columns `x,y`: one pair per line.
    public static func correlationPairs(csv path: String) throws -> (x: [Double], y: [Double]) {
        let table = try CSVRecords(path: path)
        return (try numbers(table, "x", path), try numbers(table, "y", path))
    }

    /// Columns `group,value`: the groups in order of first appearance, each with its values in file order.
    public static func groups(csv path: String) throws -> [(label: String, values: [Double])] {
        let table = try CSVRecords(path: path)
        let labels = try cells(table, "group", path).map(\.text)
        let values = try numbers(table, "value", path)
        var groups: [(label: String, values: [Double])] = []
        var indexOf: [String: Int] = [:]   // a search of the list per line would be quadratic in the groups
        for (label, value) in zip(labels, values) {
            if let index = indexOf[label] {
                groups[index].values.append(value)
            } else {
                indexOf[label] = groups.count
                groups.append((label, [value]))
            }
        }
        return groups
    }

    /// Column `p`: p-values, nil where the cell is `NA` or empty.
    public static func pValues(csv path: String) throws -> [Double?] {
        let table = try CSVRecords(path: path)
        return try cells(table, "p", path).map { cell -> Double? in
            if cell.text.isEmpty || cell.text == "NA" { return nil }
            return try number(cell.text, line: cell.line, column: "p", path)
        }
    }

    /// The cells of column `name` with their lines, or a missing-column error.
    private static func cells(_ table: CSVRecords, _ name: String, _ path: String) throws -> [(text: String, line: Int)] {
        guard let index = table.header.firstIndex(of: name) else {
            throw StatisticsError.missingColumn(file: path, column: name, header: table.header)
        }
        return table.records.map { ($0.cells[index], $0.line) }
    }

    /// Every cell of column `name` as a finite number.
    private static func numbers(_ table: CSVRecords, _ name: String, _ path: String) throws -> [Double] {
        try cells(table, name, path).map { try number($0.text, line: $0.line, column: name, path) }
    }

    private static func number(_ text: String, line: Int, column: String, _ path: String) throws -> Double {
        // Tables' one number reader: decimals with an optional exponent; not "nan", "inf" or hexadecimal.
        guard let value = NumberText.parse(text, syntax: .written, integer: false) else {
            throw StatisticsError.malformedCell(file: path, line: line, column: column, value: text,
                                                expected: "a finite number, e.g. 3.7 or 1e-07")
        }
        return value
    }
}
