/// Every problem found in the study's sheets and result files, listed at once so they can all be fixed in one
/// pass (OUTCOMES §4: each names the file, the line, the column, the value and what is allowed).
public struct StudyDataProblems: Error, Sendable, Equatable, CustomStringConvertible {
    /// One problem in one cell (or one line, when `column` is empty).
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// What kind of problem it is, stable enough for tests and scripts.
        public enum Kind: String, Sendable, Equatable {
            /// A required column is absent from the header.
            case missingColumn = "missing_column"
            /// A column named twice in the header (which of the two holds the value is unknown).
            case duplicateColumn = "duplicate_column"
            /// A row with more or fewer fields than the header has columns.
            case fieldCount = "field_count"
            /// A required cell is empty.
            case missingValue = "missing_value"
            /// A value outside an enumeration.
            case unknownValue = "unknown_value"
            /// A number that is not a number, or out of its range.
            case outOfRange = "out_of_range"
            /// A subject or sample id given twice.
            case duplicate = "duplicate"
            /// A subject or sample id that the clinical or sample sheet does not list.
            case unknownReference = "unknown_reference"
            /// `autoantibody_group` disagreeing with the antibody columns, or a result disagreeing with the sheet.
            case contradiction = "contradiction"
            /// A column that only SSc patients may fill, filled for a healthy donor.
            case notForHealthyDonor = "not_for_healthy_donor"
            /// More than one `selected=true` row for one (sample, analyte), or none.
            case selection = "selection"
        }

        /// The kind of problem.
        public var kind: Kind
        /// The file concerned.
        public var file: String
        /// The 1-based line in the file; 1 for the header.
        public var line: Int
        /// The column concerned; empty when the problem is the whole line.
        public var column: String
        /// The value found (empty when the cell is empty).
        public var value: String
        /// What is allowed or expected.
        public var allowed: String

        /// A problem of `kind` in `file` at `line`, `column`.
        public init(_ kind: Kind, file: String, line: Int, column: String, value: String, allowed: String) {
            self.kind = kind
            self.file = file
            self.line = line
            self.column = column
            self.value = value
            self.allowed = allowed
        }

        /// Whether the problem is in the header, so that the sheet is refused as a whole: its rows are not
        /// checked against other sheets (each such check would only repeat the header's problem).
        public var refusesSheet: Bool { kind == .missingColumn || kind == .duplicateColumn }

        /// `file: line N, column 'c': found 'v', expected …`.
        public var description: String {
            let place = column.isEmpty ? "line \(line)" : "line \(line), column '\(column)'"
            return "\(file): \(place): found '\(value)', expected \(allowed) [\(kind.rawValue)]"
        }
    }

    /// The problems, in file and line order.
    public var problems: [Problem]

    /// The problems given.
    public init(_ problems: [Problem]) {
        self.problems = problems
    }

    /// One problem per line.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
