import Tables

/// An input the outcomes cannot use at all: a file that cannot be read, is not CSV, or lacks the columns a result
/// file must have. (Problems in the content of the sheets are ``StudyDataProblems``, listed all at once.)
public struct OutcomesError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file concerned.
    public var file: String
    /// Where in the file (`line 3, column 2`), or empty.
    public var place: String
    /// What was wrong.
    public var message: String

    /// A problem with `file` at `place`.
    public init(file: String, place: String = "", _ message: String) {
        self.file = file
        self.place = place
        self.message = message
    }

    /// An input that cannot be read or parsed (``TablesError``), with its place and what was expected.
    public init(_ error: TablesError) {
        self.init(file: error.file, place: error.place,
                  "expected \(error.expected)" + (error.found.isEmpty ? "" : ", found \(error.found)") + " [\(error.code.rawValue)]")
    }

    /// `file: place: message`.
    public var description: String {
        [file, place, message].filter { !$0.isEmpty }.joined(separator: ": ")
    }

    /// Reads `path` as a CSV table (UTF-8, else Windows-1252: ``InputFile/text(_:)``), mapping read and syntax errors
    /// to ``OutcomesError``.
    static func table(_ path: String) throws -> CSVTable {
        let text: String
        do {
            text = try InputFile.text(path)
        } catch let error as TablesError {
            throw OutcomesError(error)
        }
        do {
            return try CSVTable(text)
        } catch let error as CSVError {
            throw OutcomesError(file: path, place: "line \(error.line)", error.message)
        }
    }
}
