import Tables
import Foundation
import Gating

/// The batch's list of samples: `samples.csv` (OUTCOMES.md §4, extended with `control_type` and
/// `control_marker`), or a folder of FCS files.
public struct SampleSheet: Sendable {
    /// One tube.
    public struct Entry: Sendable, Equatable {
        /// Unique id of the tube.
        public var sampleID: String
        /// The FCS file, resolved against the sheet's folder.
        public var file: String
        /// The subject (patient or donor).
        public var subjectID: String
        /// UT, RUX, SERUM, SERUM_RUX…
        public var condition: String
        /// `FMO`, `isotype`, or nil for a stained sample.
        public var controlType: String?
        /// The marker a control leaves out (FMO) or replaces (isotype).
        public var controlMarker: String?
        /// Every column of the sheet, carried into the outputs.
        public var columns: [String: String]
        /// The sheet line, for messages.
        public var line: Int

        /// Whether this tube is a control.
        public var isControl: Bool { controlType != nil }

        /// A tube from its parts (`columns` holds every sheet column, `group_by` keys among them).
        public init(sampleID: String, file: String, subjectID: String = "", condition: String = "", controlType: String? = nil,
                    controlMarker: String? = nil, columns: [String: String] = [:], line: Int = 0) {
            self.sampleID = sampleID
            self.file = file
            self.subjectID = subjectID
            self.condition = condition
            self.controlType = controlType
            self.controlMarker = controlMarker
            self.columns = columns
            self.line = line
        }
    }

    /// The tubes in sheet order.
    public var entries: [Entry]
    /// Where the sheet came from (a CSV path or a folder).
    public var source: String
    /// Whether controls can be matched (false for a folder of files: there is no subject or condition).
    public var matchesControls: Bool

    /// Reads and checks a sample sheet. With `template`, control markers are compared through its panel
    /// (`MHCII` is `HLA-DR` when the panel says so), so two controls of one marker under two names are caught.
    public static func read(csv path: String, template: GatingTemplate? = nil) throws -> SampleSheet {
        let text: String
        do {
            text = try InputFile.text(path)
        } catch let error as TablesError {
            throw Problems(file: path, "expected \(error.expected), found \(error.found)")
        }
        return try read(text: text, path: path, template: template)
    }

    /// Reads and checks sample-sheet text; `path` names it in messages and resolves `fcs_file` paths.
    public static func read(text: String, path: String, template: GatingTemplate? = nil) throws -> SampleSheet {
        let table: CSVTable
        do {
            table = try CSVTable(text)
        } catch let error as CSVError {
            throw Problems(file: path, error.description)
        }
        let markerKey: (String) -> String = template.map { template in { template.markerKey($0) } } ?? GatingTemplate.normalised
        let folder = (path as NSString).deletingLastPathComponent
        var problems: [Problem] = []
        let header = table.header
        for required in ["sample_id", "fcs_file"] where !header.contains(required) {
            problems.append(Problem(.header, "expected a column '\(required)'"))
        }
        if let duplicate = Dictionary(grouping: header, by: { $0 }).first(where: { $0.value.count > 1 && !$0.key.isEmpty })?.key {
            problems.append(Problem(.header, "column '\(duplicate)' appears twice"))
        }
        let controlType = header.firstIndex(of: "control_type")
        let usesControls = controlType.map { column in table.rows.contains { column < $0.count && !$0[column].isEmpty } } ?? false
        if usesControls {
            for required in ["subject_id", "condition", "control_marker"] where !header.contains(required) {
                problems.append(Problem(.header, "expected a column '\(required)' (control tubes are matched by subject and condition)"))
            }
        }
        guard problems.isEmpty else { throw Problems(file: path, problems: problems) }
        var entries: [Entry] = []
        var seen: [String: Int] = [:]
        /// Control tubes by subject, condition, type and marker: the row of the first.
        var controls: [[String]: Int] = [:]
        for (index, row) in table.rows.enumerated() {
            let line = table.lines[index]
            if row.count != header.count {
                problems.append(Problem(.row(line), "expected \(header.count) columns, found \(row.count)"))
                continue
            }
            var columns: [String: String] = [:]
            for (name, value) in zip(header, row) { columns[name] = value.trimmingCharacters(in: .whitespaces) }
            let sampleID = columns["sample_id"] ?? ""
            if sampleID.isEmpty { problems.append(Problem(.cell(row: line, column: "sample_id"), "expected a sample id, found an empty cell")) }
            else if let first = seen[sampleID] { problems.append(Problem(.cell(row: line, column: "sample_id"), "'\(sampleID)' already used on row \(first)")) }
            else { seen[sampleID] = line }
            let file = columns["fcs_file"] ?? ""
            if file.isEmpty { problems.append(Problem(.cell(row: line, column: "fcs_file"), "expected a path to an FCS file, found an empty cell")) }
            var controlType: String?
            if let type = columns["control_type"], !type.isEmpty {
                switch type.lowercased() {
                case "fmo": controlType = "FMO"
                case "isotype": controlType = "isotype"
                default: problems.append(Problem(.cell(row: line, column: "control_type"), "expected FMO, isotype or empty, found '\(type)'"))
                }
            }
            let controlMarker = columns["control_marker"].flatMap { $0.isEmpty ? nil : $0 }
            if controlType != nil && controlMarker == nil {
                problems.append(Problem(.cell(row: line, column: "control_marker"), "expected the marker this \(controlType ?? "") tube controls"))
            }
            if controlType == nil, (columns["control_type"] ?? "").isEmpty, let marker = controlMarker {
                problems.append(Problem(.cell(row: line, column: "control_type"), "expected FMO or isotype for a tube with control_marker '\(marker)'"))
            }
            if usesControls {
                for required in ["subject_id", "condition"] where (columns[required] ?? "").isEmpty {
                    problems.append(Problem(.cell(row: line, column: required), "expected a value (controls are matched by subject and condition)"))
                }
            }
            if let controlType, let controlMarker {
                // A second control of one kind for the same marker would silently replace the first.
                let key = [columns["subject_id"] ?? "", columns["condition"] ?? "", controlType, markerKey(controlMarker)]
                if let first = controls[key] {
                    problems.append(Problem(.cell(row: line, column: "control_marker"), "a second \(controlType) tube for marker '\(controlMarker)' of subject '\(key[0])', condition '\(key[1])' (the first is on row \(first)); keep one"))
                } else {
                    controls[key] = line
                }
            }
            let resolved = file.hasPrefix("/") ? file : (folder as NSString).appendingPathComponent(file)
            entries.append(Entry(sampleID: sampleID, file: resolved, subjectID: columns["subject_id"] ?? "",
                                 condition: columns["condition"] ?? "", controlType: controlType, controlMarker: controlMarker,
                                 columns: columns, line: line))
        }
        if entries.isEmpty && problems.isEmpty { problems.append(Problem(.sheet, "expected at least one sample row")) }
        guard problems.isEmpty else { throw Problems(file: path, problems: problems) }
        return SampleSheet(entries: entries, source: path, matchesControls: usesControls)
    }

    /// Every `.fcs`, `.lmd` or `.fcs.gz` file of a folder; sample_id = file stem; no control matching.
    public static func read(folder path: String) throws -> SampleSheet {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            throw Problems(file: path, "expected a readable folder")
        }
        let fcs = names.filter { name in
            let lower = name.lowercased()
            return lower.hasSuffix(".fcs") || lower.hasSuffix(".lmd") || lower.hasSuffix(".fcs.gz")
        }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        guard !fcs.isEmpty else { throw Problems(file: path, "expected FCS files (.fcs, .lmd, .fcs.gz) in the folder, found none") }
        var seen: Set<String> = []
        var problems: [Problem] = []
        let entries = fcs.map { name -> Entry in
            var stem = name
            for suffix in [".fcs.gz", ".FCS.gz", ".fcs", ".FCS", ".lmd", ".LMD"] where stem.hasSuffix(suffix) { stem.removeLast(suffix.count); break }
            if !seen.insert(stem).inserted { problems.append(Problem(.sheet, "\(name): sample id '\(stem)' is shared by two files")) }
            return Entry(sampleID: stem, file: (path as NSString).appendingPathComponent(name), subjectID: "", condition: "",
                         controlType: nil, controlMarker: nil, columns: ["sample_id": stem, "fcs_file": name], line: 0)
        }
        guard problems.isEmpty else { throw Problems(file: path, problems: problems) }
        return SampleSheet(entries: entries, source: path, matchesControls: false)
    }
}
