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

    /// `file: message`.
    public var description: String { "\(file): \(message)" }
}
