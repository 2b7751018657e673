import Tables

/// Compares a produced table with an expected one as the reference cohort's README says: rows matched by key,
/// numbers within |a − b| ≤ rtol·|b| + 1e-12, text exactly, informational columns not compared. Every differing
/// cell is reported, not only the first.
public struct TableComparison: Sendable {
    /// One difference.
    public struct Difference: Sendable, Equatable, CustomStringConvertible {
        /// The table's name.
        public var table: String
        /// The row's key (`CCL18`, `CD204|MFI`), or empty for the header.
        public var key: String
        /// The column, or empty for a whole row or the header.
        public var column: String
        /// What the produced table has.
        public var produced: String
        /// What the expected table has.
        public var expected: String

        /// `T1…csv [CCL18] p: produced '…', expected '…'`.
        public var description: String {
            "\(table) [\(key)] \(column): produced '\(produced)', expected '\(expected)'"
        }
    }

    /// The key columns.
    public var keys: [String]
    /// Columns not compared (`note`, `statistic_name`, `effect_type`, and T6's `p_method`).
    public var informational: Set<String>
    /// The relative tolerance for numbers.
    public var relativeTolerance: Double
    /// The largest relative deviation of the numbers compared (|a − b| / |b|, or |a − b| when b is 0).
    public private(set) var maximumDeviation = 0.0

    /// A comparison by `keys`, skipping `informational`, with numbers to `relativeTolerance`.
    public init(keys: [String], informational: Set<String> = [], relativeTolerance: Double) {
        self.keys = keys
        self.informational = informational
        self.relativeTolerance = relativeTolerance
    }

    /// The rules of the reference tables for the file `name` (keys by table; `note`, `statistic_name`,
    /// `effect_type` informational everywhere, `p_method` too in T6).
    public static func reference(_ name: String, relativeTolerance: Double) -> TableComparison {
        var informational: Set<String> = ["note", "statistic_name", "effect_type"]
        let keys: [String]
        if name.hasPrefix("T3") || name.hasPrefix("T5") {
            keys = ["marker", "readout"]
        } else if name.hasPrefix("T6") {
            keys = ["variable_id", "level"]
            informational.insert("p_method")
        } else if name.hasPrefix("S4") {
            keys = ["subject_id"]
        } else {
            keys = ["analyte"]
        }
        return TableComparison(keys: keys, informational: informational, relativeTolerance: relativeTolerance)
    }

    /// Every difference between `produced` and `expected` (header, missing and extra rows, cells).
    public mutating func differences(_ produced: CSVTable, _ expected: CSVTable, table: String) -> [Difference] {
        var found: [Difference] = []
        if produced.header != expected.header {
            found.append(Difference(table: table, key: "", column: "", produced: produced.header.joined(separator: ","),
                                    expected: expected.header.joined(separator: ",")))
        }
        let producedRows = rowsByKey(produced), expectedRows = rowsByKey(expected)
        for (key, row) in expectedRows.ordered {
            guard let other = producedRows.byKey[key] else {
                found.append(Difference(table: table, key: key, column: "", produced: "(no row)", expected: "a row"))
                continue
            }
            for (column, value) in row where !informational.contains(column) {
                let mine = other[column] ?? "(no column)"
                if !matches(mine, value) {
                    found.append(Difference(table: table, key: key, column: column, produced: mine, expected: value))
                }
            }
        }
        for (key, _) in producedRows.ordered where expectedRows.byKey[key] == nil {
            found.append(Difference(table: table, key: key, column: "", produced: "a row", expected: "(no row)"))
        }
        return found
    }

    /// Whether a produced cell matches an expected one: both empty, equal text, or numbers within tolerance.
    mutating func matches(_ produced: String, _ expected: String) -> Bool {
        if produced == expected { return true }
        guard let b = Double(expected), let a = Double(produced) else { return false }
        if a == b { return true }
        let deviation = b == 0 ? abs(a - b) : abs(a - b) / abs(b)
        maximumDeviation = max(maximumDeviation, deviation)
        return abs(a - b) <= relativeTolerance * abs(b) + 1e-12
    }

    /// The rows as column → cell, by the joined key cells.
    private func rowsByKey(_ table: CSVTable) -> (ordered: [(String, [String: String])], byKey: [String: [String: String]]) {
        var ordered: [(String, [String: String])] = []
        var byKey: [String: [String: String]] = [:]
        for row in table.rows {
            let cells = Dictionary(zip(table.header, row).map { ($0, $1) }, uniquingKeysWith: { first, _ in first })
            let key = keys.map { cells[$0] ?? "" }.joined(separator: "|")
            ordered.append((key, cells))
            byKey[key] = cells
        }
        return (ordered, byKey)
    }
}
