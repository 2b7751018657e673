/// What the editor refuses, with the place (a file, a population id, a JSON member of a request) and what was
/// expected. The server answers it as a 4xx with this text; the CLI prints it before the server starts.
public struct EditorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem.
    public enum Code: String, Sendable {
        /// Another editor (a live process) holds the template's lock file.
        case locked
        /// The template cannot be edited here (not a JSON template, or unreadable).
        case template
        /// A request names a sample or population the editor does not have.
        case unknown
        /// The population's gate is computed per sample (a data-driven `method`): it has no coordinates to edit.
        case computedGate
        /// A gate sent by the page does not fit the population's gate (kind, dimensions, numbers).
        case invalidGate
        /// The edited template fails validation; nothing was written.
        case invalidTemplate
        /// A file could not be written.
        case write
    }

    /// The kind of problem.
    public var code: Code
    /// Where: a file, a population id, a request member.
    public var place: String
    /// What was expected and what was found.
    public var message: String

    /// Creates the error.
    public init(_ code: Code, place: String, _ message: String) {
        self.code = code
        self.place = place
        self.message = message
    }

    /// `place: message [code]`.
    public var description: String { "\(place): \(message) [\(code.rawValue)]" }
}
