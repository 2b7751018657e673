/// An error while gating a sample: a channel the strategy names that the sample lacks, a reference to an
/// undefined gate, transform or matrix, or a compensation problem.
public struct GatingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Stable codes.
    public enum Code: String, Sendable {
        case unknownChannel = "unknown_channel"
        case unknownGate = "unknown_gate"
        case unknownTransform = "unknown_transform"
        case unknownMatrix = "unknown_matrix"
        case missingFileMatrix = "missing_file_matrix"
        case compensation
        case invalidGate = "invalid_gate"
        case cycle
    }

    /// The class of problem.
    public var code: Code
    /// The sample file or the population concerned.
    public var place: String
    /// What was expected, and what was found.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, place: String, _ message: String) {
        self.code = code
        self.place = place
        self.message = message
    }

    public var description: String { "\(place): \(message) [\(code.rawValue)]" }
}
