/// Every problem found in a gating template, each with its JSON path and line.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    /// One problem.
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        /// JSON path, e.g. `populations[3].gate.vertices[2]`.
        public var path: String
        /// 1-based line in the template, when known.
        public var line: Int?
        /// What was expected and what was found.
        public var message: String
        public init(path: String, line: Int?, message: String) {
            self.path = path
            self.line = line
            self.message = message
        }
        public var description: String { "\(path.isEmpty ? "(document)" : path): \(message)" + (line.map { " (line \($0))" } ?? "") }
    }

    /// The template file.
    public var file: String
    /// All problems, in document order.
    public var issues: [Issue]

    public init(file: String, issues: [Issue]) {
        self.file = file
        self.issues = issues
    }

    public var description: String {
        "\(file): \(issues.count) problem\(issues.count == 1 ? "" : "s")\n" + issues.map { "  \($0)" }.joined(separator: "\n")
    }
}
