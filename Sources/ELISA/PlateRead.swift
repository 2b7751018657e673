import Foundation
import Tables

/// The optical densities of one plate as the reader exported them.
public struct PlateRead: Sendable {
    /// One well's reading.
    public struct Reading: Sendable, Equatable {
        /// What the reader recorded for a well (METHODS.md §1.3).
        public enum Status: String, Sendable {
            /// A number at the measurement wavelength (and at the reference wavelength, when the plate has one).
            case read
            /// Reader overflow (`OVRFLW`, `OVER`, `>…`, "overflow"): above the reader's range.
            case overflow
            /// Not read or not computable (`MISSED`, `?????`, `*`, `Range?`, an empty cell, `NaN`, `inf`, a number
            /// beyond ±``PlateRead/largestReading``, any other text): left out.
            case notRead = "not_read"
        }

        /// OD at the measurement wavelength (450 nm); nil unless `status` is `read`. Always finite.
        public var measurement: Double?
        /// OD at the reference wavelength (540–650 nm), when read. Always finite.
        public var reference: Double?
        /// The cell's text when it was not a usable number (`OVRFLW`, `*`, `?????`, `NaN`, or "" for an empty cell).
        public var text: String?
        /// Read, overflowed, or not read.
        public var status: Status

        /// A reading from its values, as given.
        public init(measurement: Double?, reference: Double? = nil, text: String? = nil, status: Status = .read) {
            self.measurement = measurement
            self.reference = reference
            self.text = text
            self.status = status
        }

        /// A reading from the cells of an export: the measurement cell, and the reference cell when the plate has
        /// a reference wavelength (nil when it has none; "" when the plate has one but this well lacks it).
        public init(measurementCell: String, referenceCell: String?) {
            let measured = PlateRead.cell(measurementCell)
            let referenced = referenceCell.map(PlateRead.cell)
            switch (measured, referenced) {
            case (.overflow(let text), _):
                self.init(measurement: nil, text: text, status: .overflow)
            case (.notRead(let text), _):
                self.init(measurement: nil, text: text, status: .notRead)
            case (.number, .overflow(let text)?), (.number, .notRead(let text)?):
                // Without its reference read the corrected OD cannot be computed.
                self.init(measurement: nil, text: text, status: .notRead)
            case (.number(let value), .number(let reference)?):
                self.init(measurement: value, reference: reference)
            case (.number(let value), nil):
                self.init(measurement: value)
            }
        }
    }

    /// What one cell of an export holds.
    public enum Cell: Sendable, Equatable {
        /// A finite number within ±``PlateRead/largestReading``.
        case number(Double)
        /// A reader-overflow marker.
        case overflow(String)
        /// Anything else: not read, not computable, or not a usable number.
        case notRead(String)
    }

    /// Readings beyond this magnitude are not optical densities, counts or any other reading a plate reader
    /// gives (a corrupt cell such as `-1e308`): they are treated as not read, so they can't overflow a mean or
    /// a fit.
    public static let largestReading = 1e12

    /// Overflow markers: Gen5 `OVRFLW`, Tecan `OVER`, `OVERFLOW`, `SAT` (SkanIt/MARS "saturated"), and any cell
    /// starting with `>` (a reader's "above range" value such as `>4.000`).
    public static func cell(_ text: String) -> Cell {
        let trimmed = text.trimmingCharacters(in: " ")
        if let value = Double(trimmed) {
            return value.isFinite && abs(value) <= largestReading ? .number(value) : .notRead(trimmed)
        }
        let upper = trimmed.uppercased()
        if ["OVRFLW", "OVER", "SAT", "SATURATED"].contains(upper) || upper.contains("OVERFLOW") || trimmed.hasPrefix(">") {
            return .overflow(trimmed)
        }
        return .notRead(trimmed)
    }

    /// `<file stem>` or `<file stem>#<n>` for files holding several plates.
    public var name: String
    /// Measurement and reference wavelengths in nm (reference nil when single-wavelength).
    public var wavelengths: (measurement: Int, reference: Int?)
    /// The wells read, by canonical name (`B7`).
    public var wells: [String: Reading]
    /// What the plate is within its file, for `elisa --list` (`Label1 485/560 nm`, `OD 600 nm, cycle 3`); "" when
    /// the file holds one plain plate.
    public var label: String

    /// A plate from its parts.
    public init(name: String, wavelengths: (measurement: Int, reference: Int?), wells: [String: Reading], label: String = "") {
        self.name = name
        self.wavelengths = wavelengths
        self.wells = wells
        self.label = label
    }

    /// The long CSV form: a header `well,OD<nm>[,OD<nm>]` (case-insensitive); the lower wavelength is the
    /// measurement, the other the reference. Non-numeric cells are kept as overflowed or unread wells. Read as RFC
    /// 4180 (``CSVTable``): quoted cells, CRLF or LF line ends and a UTF-8 byte-order mark are all accepted.
    public static func longCSV(_ text: String, file: String) throws -> PlateRead {
        let table = try ELISAError.table(text, file: file, code: .unrecognisedFormat)
        let header = table.header.map { $0.trimmingCharacters(in: " ").lowercased() }
        guard header.first == "well", header.count == 2 || header.count == 3 else {
            throw ELISAError(.unrecognisedFormat, file: file, place: "line 1", "expected a header well,OD<nm>[,OD<nm>], found '\(table.header.joined(separator: ",").prefix(60))'")
        }
        let nanometres = try header.dropFirst().map { column -> Int in
            guard column.hasPrefix("od"), let nm = Int(column.dropFirst(2)), (300...1000).contains(nm) else {
                throw ELISAError(.unrecognisedFormat, file: file, place: "line 1", "expected a column OD<wavelength in nm>, found '\(column)'")
            }
            return nm
        }
        let measurementColumn = nanometres.count == 2 && nanometres[1] < nanometres[0] ? 1 : 0
        var wells: [String: Reading] = [:]
        for (row, line) in zip(table.rows, table.lines) {
            let cells = row.map { $0.trimmingCharacters(in: " ") }
            if cells.allSatisfy(\.isEmpty) { continue }
            guard cells.count == header.count else {
                throw ELISAError(.badValue, file: file, place: "line \(line)", "expected \(header.count) cells, found \(cells.count)")
            }
            guard let well = Well.normalise(cells[0]) else {
                throw ELISAError(.badWell, file: file, place: "line \(line)", "expected a well such as B7, found '\(cells[0])'")
            }
            guard wells[well] == nil else {
                throw ELISAError(.duplicateWell, file: file, place: "line \(line)", "well \(well) appears twice")
            }
            let raw = Array(cells.dropFirst())
            wells[well] = Reading(measurementCell: raw[measurementColumn], referenceCell: raw.count == 2 ? raw[1 - measurementColumn] : nil)
        }
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        return PlateRead(name: stem, wavelengths: (nanometres[measurementColumn], nanometres.count == 2 ? nanometres[1 - measurementColumn] : nil), wells: wells)
    }
}
