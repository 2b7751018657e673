/// An error in a FlowJo 10 workspace (`.wsp`), with the element path where it was found.
public struct FlowJoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The workspace file.
    public var file: String
    /// The element path, e.g. `/Workspace/SampleList[1]/Sample[2]/SampleNode[1]`.
    public var path: String
    /// What was expected, and what was found.
    public var message: String

    /// Creates an error.
    public init(file: String, path: String, _ message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    /// `file: path: message`.
    public var description: String { "\(file): \(path): \(message)" }
}
