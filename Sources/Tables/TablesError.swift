/// A problem reading an input or writing an output, with the file and the place it concerns.
///
/// Every case names the file; `place` says where in it (a line and column of a CSV, a byte offset, a folder
/// entry) when that is known, and `expected`/`found` say what was wanted and what was there.
public struct TablesError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of problem, stable enough for scripts (printed as `[code]`).
    public enum Code: String, Sendable {
        /// The input could not be opened or read.
        case unreadableFile = "unreadable_file"
        /// The input is a FIFO, device, socket or folder, which FlowStudy never opens as a file.
        case notARegularFile = "not_a_regular_file"
        /// The output could not be written.
        case unwritableFile = "unwritable_file"
        /// An output would replace one of the command's own inputs.
        case outputIsInput = "output_is_input"
        /// An output folder holds files that FlowStudy did not write.
        case foreignOutputFolder = "foreign_output_folder"
        /// CSV text that breaks RFC 4180 or holds a NUL.
        case malformedCSV = "malformed_csv"
        /// An XML document with a DTD that could fetch or expand entities.
        case unsafeXML = "unsafe_xml"
        /// Text in no encoding FlowStudy reads: bytes that are not UTF-8 amid UTF-8 text, or any in JSON.
        case notText = "not_text"
        /// A JSON document that does not parse, or holds another kind of value than the one expected.
        case malformedJSON = "malformed_json"
    }

    /// The kind of problem.
    public var code: Code
    /// The file concerned.
    public var file: String
    /// Where in the file: `line 4, column 2`, `byte 120`, or empty.
    public var place: String
    /// What FlowStudy expected.
    public var expected: String
    /// What it found.
    public var found: String

    /// A problem in `file` at `place`.
    public init(_ code: Code, file: String, place: String = "", expected: String, found: String = "") {
        self.code = code
        self.file = file
        self.place = place
        self.expected = expected
        self.found = found
    }

    public var description: String {
        var text = file
        if !place.isEmpty { text += ": " + place }
        text += ": expected " + expected
        if !found.isEmpty { text += ", found " + found }
        return text + " [\(code.rawValue)]"
    }
}
