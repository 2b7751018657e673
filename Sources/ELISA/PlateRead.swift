import Foundation

/// The optical densities of one plate as the reader exported them.
public struct PlateRead: Sendable {
    /// One well's reading.
    public struct Reading: Sendable, Equatable {
        /// OD at the measurement wavelength (450 nm), nil when the cell held no number.
        public var measurement: Double?
        /// OD at the reference wavelength (540–650 nm), when read.
        public var reference: Double?
        /// The cell's text when it was not a number (`OVRFLW`, `*`, `?????`).
        public var text: String?

        /// A reading: the ODs, or the cell's text when it held no number.
        public init(measurement: Double?, reference: Double? = nil, text: String? = nil) {
            self.measurement = measurement
            self.reference = reference
            self.text = text
        }
    }

    /// `<file stem>` or `<file stem>#<n>` for files holding several plates.
    public var name: String
    /// Measurement and reference wavelengths in nm (reference nil when single-wavelength).
    public var wavelengths: (measurement: Int, reference: Int?)
    /// The readings by canonical well name (`B7`).
    public var wells: [String: Reading]

    /// A plate read named `name`.
    public init(name: String, wavelengths: (measurement: Int, reference: Int?), wells: [String: Reading]) {
        self.name = name
        self.wavelengths = wavelengths
        self.wells = wells
    }

    /// The long CSV form: a header `well,OD<nm>[,OD<nm>]` (case-insensitive); the lower wavelength is the
    /// measurement, the other the reference. Non-numeric cells are kept as flagged wells.
    public static func longCSV(_ text: String, file: String) throws -> PlateRead {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" }).map { String($0).trimmingCharacters(in: " ") }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first?.split(separator: ",").map({ String($0).trimmingCharacters(in: " ").lowercased() }),
              header.first == "well", header.count == 2 || header.count == 3 else {
            throw ELISAError(.unrecognisedFormat, file: file, place: "line 1", "expected a header well,OD<nm>[,OD<nm>], found '\(lines.first ?? "")'")
        }
        let nanometres = try header.dropFirst().map { column -> Int in
            guard column.hasPrefix("od"), let nm = Int(column.dropFirst(2)), (300...1000).contains(nm) else {
                throw ELISAError(.unrecognisedFormat, file: file, place: "line 1", "expected a column OD<wavelength in nm>, found '\(column)'")
            }
            return nm
        }
        let measurementColumn = nanometres.count == 2 && nanometres[1] < nanometres[0] ? 1 : 0
        var wells: [String: Reading] = [:]
        for (number, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: " ") }
            guard cells.count == header.count else {
                throw ELISAError(.badValue, file: file, place: "line \(number + 1)", "expected \(header.count) cells, found \(cells.count)")
            }
            guard let well = Well.normalise(cells[0]) else {
                throw ELISAError(.badWell, file: file, place: "line \(number + 1)", "expected a well such as B7, found '\(cells[0])'")
            }
            guard wells[well] == nil else {
                throw ELISAError(.duplicateWell, file: file, place: "line \(number + 1)", "well \(well) appears twice")
            }
            let values = cells.dropFirst().map { Double($0) }
            let raw = Array(cells.dropFirst())
            let measurement = values[measurementColumn]
            let reference = values.count == 2 ? values[1 - measurementColumn] : nil
            let text = raw.first { Double($0) == nil }
            wells[well] = Reading(measurement: measurement, reference: reference, text: text)
        }
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        return PlateRead(name: stem, wavelengths: (nanometres[measurementColumn], nanometres.count == 2 ? nanometres[1 - measurementColumn] : nil), wells: wells)
    }
}
