/// A truth sidecar that cannot be read: the file, the 1-based line (when one is at fault) and what was expected.
public struct TruthSidecarError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The sidecar file.
    public var file: String
    /// The 1-based line at fault, if any.
    public var line: Int?
    /// What was expected and what was found.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`.
    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
}
