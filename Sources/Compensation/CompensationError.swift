/// An error in a spillover matrix or in matching it to a sample's channels.
public struct CompensationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Stable codes scripts can match on.
    public enum Code: String, Sendable, Equatable {
        /// The matrix is not square where it must be, rows differ in length, or it is empty.
        case badShape = "bad_shape"
        /// A coefficient is not a finite number.
        case badCoefficient = "bad_coefficient"
        /// The matrix cannot be inverted (a zero pivot).
        case singular
        /// The matrix is so ill-conditioned that compensation would amplify rounding into the data.
        case illConditioned = "ill_conditioned"
        /// A channel name appears twice in the matrix.
        case duplicateName = "duplicate_name"
        /// A matrix channel matches no parameter of the sample.
        case unmatchedChannel = "unmatched_channel"
        /// Two matrix channels match the same parameter.
        case ambiguousMatch = "ambiguous_match"
        /// The sample has no spillover keyword although the template asks for the file's own matrix.
        case missingMatrix = "missing_matrix"
        /// A matrix file (CSV, JSON) cannot be read.
        case unreadableMatrix = "unreadable_matrix"
    }

    /// The class of problem.
    public var code: Code
    /// Where the matrix came from (a file, `$SPILLOVER`, a Gating-ML id) and the place in it.
    public var source: String
    /// What was expected, and what was found.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, source: String, _ message: String) {
        self.code = code
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message) [\(code.rawValue)]" }
}
