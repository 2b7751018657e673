extension SampleSheet {
    /// One problem of a sheet, and where it is: the sheet's own messages say "row N, column c", and a caller that
    /// reads the same sheet another way (the study) can tell which problems it already reported.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// Where in the sheet a problem is.
        public enum Place: Sendable, Equatable, Hashable {
            /// The sheet or folder as a whole (or a file of a folder, which the message names).
            case sheet
            /// The header row.
            case header
            /// A data row, by its line in the file (the header is line 1).
            case row(Int)
            /// One cell: a data row's line and the column's name.
            case cell(row: Int, column: String)
        }

        /// Where the problem is.
        public var place: Place
        /// What was expected and found.
        public var message: String

        /// A problem at `place`.
        public init(_ place: Place, _ message: String) {
            self.place = place
            self.message = message
        }

        /// `row N, column c: message` (or `header: …`, `row N: …`, the message alone for the whole sheet).
        public var description: String {
            switch place {
            case .sheet: message
            case .header: "header: \(message)"
            case .row(let line): "row \(line): \(message)"
            case .cell(let line, let column): "row \(line), column \(column): \(message)"
            }
        }
    }

    /// Every problem of a sheet, each with its place, found before any FCS file is read.
    public struct Problems: Error, Sendable, CustomStringConvertible {
        /// The sheet or folder.
        public var file: String
        /// Each problem with its place.
        public var problems: [Problem]

        /// The problems of `file`.
        public init(file: String, problems: [Problem]) {
            self.file = file
            self.problems = problems
        }

        /// One problem of `file` as a whole.
        public init(file: String, _ message: String) {
            self.init(file: file, problems: [Problem(.sheet, message)])
        }

        /// The file, the number of problems, then one indented line per problem.
        public var description: String {
            "\(file): \(problems.count) problem\(problems.count == 1 ? "" : "s")\n" + problems.map { "  \($0)" }.joined(separator: "\n")
        }
    }
}
