/// Why a demo study could not be generated.
public struct DemoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Stable codes.
    public enum Code: String, Sendable {
        /// The settings are out of range.
        case badSettings = "bad_settings"
        /// The output folder holds files that are not a previous demo's.
        case foreignFolder = "foreign_output_folder"
        /// A simulated plate did not meet its design (should not happen; names the plate).
        case plateDesign = "plate_design"
    }

    /// The code.
    public var code: Code
    /// What was expected, and what was found.
    public var message: String

    /// An error with its code and message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code.rawValue)]" }
}
