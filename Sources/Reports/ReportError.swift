import Tables

/// A report that cannot be made: a study folder without its provenance file, an unknown subject.
public struct ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file or folder concerned.
    public var file: String
    /// What was expected.
    public var message: String

    /// A problem with `file`.
    public init(_ file: String, _ message: String) {
        self.file = file
        self.message = message
    }

    /// An input that cannot be read or parsed, with its place (`line 3, column 14`) and what was expected.
    public init(_ error: TablesError) {
        self.init(error.file, (error.place.isEmpty ? "" : error.place + ": ") + "expected \(error.expected)"
                  + (error.found.isEmpty ? "" : ", found \(error.found)") + " [\(error.code.rawValue)]")
    }

    /// `file: message`.
    public var description: String { "\(file): \(message)" }
}
