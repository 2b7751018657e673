import Foundation
import Tables

/// `runs.csv`: the plates of a study or an assay run, one row each, with the options that differ from the
/// defaults.
///
/// Columns: `plate_file`, `plate` (the plate's id: the one `samples.csv` names in `elisa_plate_ids`, and, for a
/// file holding several plates, the one to take), `layout`, `analyte`; optional per-plate `model`, `weights`,
/// `blank`, `substitute`, `cv_limit`, and `supersedes` (the id of a plate whose results this re-assay replaces).
/// Paths are relative to the folder of `runs.csv`. Every problem is listed at once (``Problems``).
public struct ELISARunSheet: Sendable {
    /// One plate to analyse.
    public struct Plate: Sendable {
        /// The plate export (absolute, or relative to the working folder).
        public var file: String
        /// The plate's id (`plate` column), or nil to take the file's only plate under its own name.
        public var id: String?
        /// The layout CSV.
        public var layout: String
        /// The analyte measured.
        public var analyte: String
        /// The analysis options for this plate (defaults with the row's overrides).
        public var options: ELISAOptions
        /// The plate whose results this one replaces, if any.
        public var supersedes: String?
        /// The line of runs.csv.
        public var line: Int

        /// A plate from its parts.
        public init(file: String, id: String?, layout: String, analyte: String, options: ELISAOptions = ELISAOptions(),
                    supersedes: String? = nil, line: Int = 0) {
            self.file = file
            self.id = id
            self.layout = layout
            self.analyte = analyte
            self.options = options
            self.supersedes = supersedes
            self.line = line
        }
    }

    /// Every problem of a runs.csv, each with its line and column.
    public struct Problems: Error, Sendable, CustomStringConvertible {
        /// The runs.csv.
        public var file: String
        /// Each problem.
        public var problems: [String]
        public var description: String {
            "\(file): \(problems.count) problem\(problems.count == 1 ? "" : "s")\n" + problems.map { "  \($0)" }.joined(separator: "\n")
        }
    }

    /// The columns a runs.csv may have.
    public static let columns = ["plate_file", "plate", "layout", "analyte", "model", "weights", "blank", "substitute", "cv_limit", "supersedes"]

    /// Where the sheet came from.
    public var file: String
    /// The plates in sheet order.
    public var plates: [Plate]

    /// A sheet from its plates (one plate given on the command line, say).
    public init(file: String, plates: [Plate]) {
        self.file = file
        self.plates = plates
    }

    /// Reads and checks `path`; `defaults` are the options of a row that overrides nothing.
    public static func read(_ path: String, defaults: ELISAOptions = ELISAOptions()) throws -> ELISARunSheet {
        try read(text: try text(path), path: path, defaults: defaults)
    }

    /// Checks the text of a runs.csv read from `path` (the folder that its relative paths start from).
    public static func read(text: String, path: String, defaults: ELISAOptions = ELISAOptions()) throws -> ELISARunSheet {
        let table = try table(text, path: path)
        var problems: [String] = []
        for required in ["plate_file", "layout", "analyte"] where !table.header.contains(required) {
            problems.append("line 1: expected a column '\(required)'")
        }
        problems += repeatedColumns(table.header)
        for (index, name) in table.header.enumerated() {
            if !columns.contains(name) { problems.append("line 1, column \(index + 1): unknown column '\(name)' (expected \(columns.joined(separator: ", ")))") }
        }
        guard problems.isEmpty else { throw Problems(file: path, problems: problems) }
        let folder = (path as NSString).deletingLastPathComponent
        func resolve(_ relative: String) -> String {
            relative.hasPrefix("/") || folder.isEmpty ? relative : (folder as NSString).appendingPathComponent(relative)
        }
        var plates: [Plate] = []
        var ids: [String: Int] = [:]
        for (index, row) in table.rows.enumerated() {
            let line = table.lines[index]
            guard row.count == table.header.count else {
                problems.append("line \(line): expected \(table.header.count) columns, found \(row.count)")
                continue
            }
            let fields = Dictionary(uniqueKeysWithValues: zip(table.header, row.map { $0.trimmingCharacters(in: .whitespaces) }))
            func value(_ name: String) -> String? { fields[name].flatMap { $0.isEmpty ? nil : $0 } }
            func place(_ name: String) -> String { "line \(line), column \((table.header.firstIndex(of: name) ?? 0) + 1) (\(name))" }
            var options = defaults
            for required in ["plate_file", "layout", "analyte"] where value(required) == nil {
                problems.append("\(place(required)): expected a value")
            }
            if let text = value("model") {
                if let model = CurveModel(rawValue: text.lowercased()) { options.model = model } else {
                    problems.append("\(place("model")): expected 4pl or 5pl, found '\(text)'")
                }
            }
            if let text = value("weights") {
                if let weights = Weighting(rawValue: text) { options.weighting = weights } else {
                    problems.append("\(place("weights")): expected none, 1/y or 1/y2, found '\(text)'")
                }
            }
            if let text = value("blank") {
                if let blank = ELISAOptions.Blank(rawValue: text) { options.blank = blank } else {
                    problems.append("\(place("blank")): expected subtract or fit-as-zero-standard, found '\(text)'")
                }
            }
            if let text = value("substitute") {
                if let substitution = ELISAOptions.Substitution(rawValue: text) { options.substitution = substitution } else {
                    problems.append("\(place("substitute")): expected lloq_half, lloq_sqrt2, lloq or zero, found '\(text)'")
                }
            }
            if let text = value("cv_limit") {
                if let limit = Double(text), limit.isFinite, limit > 0 { options.cvLimit = limit } else {
                    problems.append("\(place("cv_limit")): expected a number above 0, found '\(text)'")
                }
            }
            let id = value("plate")
            if let id {
                if let first = ids[id] { problems.append("\(place("plate")): plate '\(id)' is also on line \(first)") }
                ids[id] = line
            }
            plates.append(Plate(file: resolve(value("plate_file") ?? ""), id: id, layout: resolve(value("layout") ?? ""),
                                analyte: value("analyte") ?? "", options: options, supersedes: value("supersedes"), line: line))
        }
        for plate in plates {
            if let replaced = plate.supersedes, ids[replaced] == nil {
                problems.append("line \(plate.line), supersedes: expected the id of another plate in this sheet, found '\(replaced)'")
            }
        }
        if plates.isEmpty && problems.isEmpty { problems.append("expected at least one plate row") }
        guard problems.isEmpty else { throw Problems(file: path, problems: problems) }
        return ELISARunSheet(file: path, plates: plates)
    }

    /// The subject and condition of every sample of a study's `samples.csv` (columns `sample_id`, `subject_id`,
    /// `condition`), which the layouts must agree with. Checked as the study checks the sheet: a column named
    /// twice, a row with the wrong number of cells, an empty or repeated `sample_id` are problems with their line.
    public static func sampleIdentities(_ path: String) throws -> [String: (subject: String, condition: String)] {
        let table = try table(try text(path), path: path)
        var problems = repeatedColumns(table.header)
        guard let id = table.header.firstIndex(of: "sample_id"), let subject = table.header.firstIndex(of: "subject_id"),
              let condition = table.header.firstIndex(of: "condition") else {
            throw Problems(file: path, problems: problems + ["line 1: expected columns sample_id, subject_id and condition"])
        }
        var identities: [String: (subject: String, condition: String)] = [:]
        var firstLine: [String: Int] = [:]
        for (index, row) in table.rows.enumerated() {
            let line = table.lines[index]
            guard row.count == table.header.count else {
                problems.append("line \(line): expected \(table.header.count) cells, found \(row.count)")
                continue
            }
            // Cells trimmed, as the study's sample sheet and the layouts read them.
            let sample = row[id].trimmingCharacters(in: .whitespaces)
            if sample.isEmpty { problems.append("line \(line), column \(id + 1) (sample_id): expected a sample id, found an empty cell"); continue }
            if let earlier = firstLine[sample] {
                problems.append("line \(line), column \(id + 1) (sample_id): '\(sample)' is also the id of line \(earlier)")
                continue
            }
            firstLine[sample] = line
            identities[sample] = (row[subject].trimmingCharacters(in: .whitespaces), row[condition].trimmingCharacters(in: .whitespaces))
        }
        guard problems.isEmpty else { throw Problems(file: path, problems: problems) }
        return identities
    }

    /// A problem for each column named again after its first time (`line 1, column 4: 'layout' appears twice`).
    private static func repeatedColumns(_ header: [String]) -> [String] {
        var seen: Set<String> = []
        return header.enumerated().compactMap { index, name in
            seen.insert(name).inserted ? nil : "line 1, column \(index + 1): '\(name)' appears twice"
        }
    }

    /// The text at `path`, a reading problem as ``Problems``.
    private static func text(_ path: String) throws -> String {
        do {
            return try InputFile.text(path)
        } catch let error as TablesError {
            throw Problems(file: path, problems: ["expected \(error.expected), found \(error.found)"])
        }
    }

    /// The CSV `text` of `path`, a syntax problem as ``Problems``.
    private static func table(_ text: String, path: String) throws -> CSVTable {
        do {
            return try CSVTable(text)
        } catch let error as CSVError {
            throw Problems(file: path, problems: [error.description])
        }
    }
}
