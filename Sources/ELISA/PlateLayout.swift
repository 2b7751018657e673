import Tables

/// What each well holds: the tidy layout CSV `well,role,sample_id,subject_id,condition,std_conc,dilution_factor`
/// (roles: standard, blank, sample, control, empty). Replicates share a sample id (and dilution).
public struct PlateLayout: Sendable {
    public enum Role: String, Sendable { case standard, blank, sample, control, empty }

    public struct Entry: Sendable, Equatable {
        public var well: String
        public var role: Role
        public var sampleID: String
        public var subjectID: String
        public var condition: String
        /// Nominal in-well concentration for standards.
        public var concentration: Double?
        /// Multiply by this (50 for 1:50).
        public var dilution: Double

        /// A well's content.
        public init(well: String, role: Role, sampleID: String = "", subjectID: String = "", condition: String = "",
                    concentration: Double? = nil, dilution: Double = 1) {
            self.well = well
            self.role = role
            self.sampleID = sampleID
            self.subjectID = subjectID
            self.condition = condition
            self.concentration = concentration
            self.dilution = dilution
        }
    }

    /// The wells by canonical name.
    public var entries: [String: Entry]

    /// The largest `std_conc` or `dilution_factor` a layout may give (a documented limit): a concentration in
    /// range times its dilution then stays below 1e200, so no value overflows to infinity and reaches a table
    /// as a number with status OK.
    public static let largestNumber = 1e100

    /// A layout of the given wells.
    public init(entries: [String: Entry]) {
        self.entries = entries
    }

    /// Reads and checks a layout: known roles, standards with a positive concentration, dilution ≥ 1, each
    /// well once. Every problem is reported at once. Read as RFC 4180 (``CSVTable``): a quoted sample id may hold
    /// commas, and CRLF line ends and a UTF-8 byte-order mark are accepted; lines are the file's own.
    public static func csv(_ text: String, file: String) throws -> PlateLayout {
        let table = try ELISAError.table(text, file: file, code: .badLayout)
        let header = table.header.map { $0.trimmingCharacters(in: " ").lowercased() }
        let required = ["well", "role", "sample_id", "std_conc", "dilution_factor"]
        let missing = required.filter { !header.contains($0) }
        guard missing.isEmpty else {
            throw ELISAError(.badLayout, file: file, place: "line 1", "expected columns \(required.joined(separator: ", ")); missing \(missing.joined(separator: ", "))")
        }
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        var entries: [String: Entry] = [:]
        var problems: [String] = []
        /// Standard wells by their id, in file order: one id must name one concentration.
        var standards: [String: [(well: String, line: Int, concentration: Double)]] = [:], standardOrder: [String] = []
        for (row, line) in zip(table.rows, table.lines) {
            let cells = row.map { $0.trimmingCharacters(in: " ") }
            if cells.allSatisfy(\.isEmpty) { continue }
            let place = "line \(line)"
            guard cells.count == header.count else { problems.append("\(place): expected \(header.count) cells, found \(cells.count)"); continue }
            func cell(_ name: String) -> String { column(name).map { cells[$0] } ?? "" }
            guard let well = Well.normalise(cell("well")) else { problems.append("\(place): expected a well such as B7, found '\(cell("well"))'"); continue }
            if entries[well] != nil { problems.append("\(place): well \(well) appears twice"); continue }
            guard let role = Role(rawValue: cell("role").lowercased()) else {
                problems.append("\(place), well \(well): role expected standard, blank, sample, control or empty, found '\(cell("role"))'")
                continue
            }
            var concentration: Double?
            if role == .standard {
                concentration = NumberText.parse(cell("std_conc"), syntax: .written, integer: false)
                if !(concentration.map { $0 > 0 && $0 <= Self.largestNumber } ?? false) {
                    problems.append("\(place), well \(well): std_conc expected a positive concentration up to 1e100 for a standard, found '\(cell("std_conc"))'")
                }
            }
            let dilutionText = cell("dilution_factor")
            let dilution = dilutionText.isEmpty ? 1 : NumberText.parse(dilutionText, syntax: .written, integer: false)
            if !(dilution.map { $0 >= 1 && $0 <= Self.largestNumber } ?? false) {
                problems.append("\(place), well \(well): dilution_factor expected a number from 1 to 1e100 (50 for 1:50), found '\(dilutionText)'")
            }
            if (role == .sample || role == .control) && cell("sample_id").isEmpty {
                problems.append("\(place), well \(well): sample_id expected for a \(role.rawValue) well")
            }
            entries[well] = Entry(well: well, role: role, sampleID: cell("sample_id"), subjectID: cell("subject_id"),
                                  condition: cell("condition"), concentration: concentration, dilution: dilution ?? 1)
            if role == .standard, let concentration, !cell("sample_id").isEmpty {
                if standards[cell("sample_id")] == nil { standardOrder.append(cell("sample_id")) }
                standards[cell("sample_id"), default: []].append((well, line, concentration))
            }
        }
        // Standards are grouped into levels by concentration, so a typo in one replicate's std_conc would silently
        // move its OD to another level (or make a level of its own).
        for id in standardOrder {
            guard let wells = standards[id], let first = wells.first,
                  let other = wells.first(where: { $0.concentration != first.concentration }) else { continue }
            problems.append("line \(other.line), well \(other.well): std_conc \(csvNumber(other.concentration)) for standard '\(id)', which is "
                            + "\(csvNumber(first.concentration)) at \(first.well) (line \(first.line)); expected one concentration per standard id")
        }
        guard problems.isEmpty else { throw ELISAError(.badLayout, file: file, PlateLayout.summary(problems)) }
        return PlateLayout(entries: entries)
    }
}

extension PlateLayout {
    /// At most the first 50 problems, then how many more: an error message stays readable (and its size bounded)
    /// whatever the file.
    static func summary(_ problems: [String]) -> String {
        let shown = problems.prefix(50).joined(separator: "; ")
        return problems.count > 50 ? shown + "; … and \(problems.count - 50) more problems" : shown
    }

    /// Makes the study's sample sheet authoritative for subject and condition: empty layout cells are filled
    /// from it, a contradiction is an error naming the well, and a sample well whose id the sheet lacks is an
    /// error (OUTCOMES.md §4). Controls (role `control`) need not be in the sheet.
    public mutating func reconcile(with sheet: [String: (subject: String, condition: String)], file: String, sheetName: String) throws {
        var problems: [String] = []
        for well in entries.keys.sorted(by: { Well.order($0) < Well.order($1) }) {
            guard var entry = entries[well], entry.role == .sample || entry.role == .control else { continue }
            guard let known = sheet[entry.sampleID] else {
                if entry.role == .sample { problems.append("well \(well): sample '\(entry.sampleID)' is not in \(sheetName)") }
                continue
            }
            if !entry.subjectID.isEmpty && entry.subjectID != known.subject {
                problems.append("well \(well): subject_id '\(entry.subjectID)' contradicts \(sheetName) ('\(known.subject)' for \(entry.sampleID))")
            }
            if !entry.condition.isEmpty && entry.condition != known.condition {
                problems.append("well \(well): condition '\(entry.condition)' contradicts \(sheetName) ('\(known.condition)' for \(entry.sampleID))")
            }
            entry.subjectID = known.subject
            entry.condition = known.condition
            entries[well] = entry
        }
        guard problems.isEmpty else { throw ELISAError(.layoutMismatch, file: file, PlateLayout.summary(problems)) }
    }
}
