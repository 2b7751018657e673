import Tables

/// An error in a plate read, a layout, or an analysis, naming the file and the well, line or cell.
public struct ELISAError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Stable codes.
    public enum Code: String, Sendable {
        case unreadableFile = "unreadable_file"
        case unrecognisedFormat = "unrecognised_format"
        case badValue = "bad_value"
        case badWell = "bad_well"
        case duplicateWell = "duplicate_well"
        case badLayout = "bad_layout"
        case missingStandards = "missing_standards"
        case tooFewLevels = "too_few_levels"
        case noBlank = "no_blank"
        case layoutMismatch = "layout_mismatch"
        case badWeights = "bad_weights"
        case fitFailed = "fit_failed"
        /// A workbook part with a DTD that could fetch files or expand entities.
        case unsafeXML = "unsafe_xml"
        /// A structural limit of a reader was passed (inflated size, rows, columns, shared strings, grid cells).
        case limitExceeded = "limit_exceeded"
        /// The file holds several plates and none was chosen (`--plate-name`, the runs.csv `plate` column).
        case severalPlates = "several_plates"
        /// The plate asked for is not in the file.
        case unknownPlate = "unknown_plate"
    }

    /// The stable code.
    public var code: Code
    /// The file concerned.
    public var file: String
    /// The place: `well B7`, `line 12`, `cell C4`.
    public var place: String
    /// What was expected, and what was found.
    public var message: String

    /// An error with its code, file, place and message.
    public init(_ code: Code, file: String, place: String = "", _ message: String) {
        self.code = code
        self.file = file
        self.place = place
        self.message = message
    }

    /// `file: place: message [code]`.
    public var description: String {
        "\(file)\(place.isEmpty ? "" : ": \(place)"): \(message) [\(code.rawValue)]"
    }
}

extension ELISAError {
    /// Parses `text` as an RFC 4180 table (``CSVTable``: quotes, CRLF, a byte-order mark), turning a CSV syntax
    /// error into an error of `code` naming `file`, line and column.
    static func table(_ text: String, file: String, code: Code) throws -> CSVTable {
        do {
            return try CSVTable(text)
        } catch let error as CSVError {
            throw ELISAError(code, file: file, place: "line \(error.line)" + (error.column.map { ", column \($0)" } ?? ""), error.message)
        }
    }
}

/// Wells of a 96- or 384-well plate: `A1`…`H12` or `A1`…`P24`.
public enum Well {
    /// The canonical name (`a01` → `A1`), or nil when it is not a well of a plate of up to 384 wells.
    public static func normalise(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: " ").uppercased()
        guard let row = trimmed.first, ("A"..."P").contains(row), let column = Int(trimmed.dropFirst()), (1...24).contains(column) else { return nil }
        return "\(row)\(column)"
    }

    /// Row-major order for sorting (`A1, A2, …, B1`).
    public static func order(_ well: String) -> Int {
        guard let row = well.unicodeScalars.first, ("A"..."P").contains(row), let column = Int(well.dropFirst()), (1...24).contains(column) else { return .max }
        return Int(row.value - 65) * 24 + column
    }
}

extension String {
    func trimmingCharacters(in character: Character) -> String {
        var s = Substring(self)
        while s.first == character || s.first == "\t" || s.first == "\r" { s.removeFirst() }
        while s.last == character || s.last == "\t" || s.last == "\r" { s.removeLast() }
        return String(s)
    }
}
