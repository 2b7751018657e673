import Foundation
import Tables

/// The flow half of the assay QC (TQ): one row per FCS tube of the sample sheet, `TQ_fcs_files.csv`.
///
/// From the batch folder: events acquired and the compensation used (`qc.csv`), the count of each readout
/// population (`populations.csv`; the populations are those of `markers.csv`, `macrophages` with the study
/// template), the file's size and SHA-256 (`run.json`). `fcs_file` is the file read, relative to the sample
/// sheet's folder (absolute when outside it). A tube the batch could not read keeps its sheet cells, the others
/// empty, and is named in ``notes`` with the batch's error; so are inputs the batch folder lacks.
public struct FCSFileQC: Sendable {
    /// The table's file name.
    public static let fileName = "TQ_fcs_files.csv"

    /// One tube; nil where the batch folder does not say.
    public struct Tube: Sendable, Equatable {
        /// The sheet's `sample_id`.
        public var sampleID: String
        /// The file read, relative to the sample sheet's folder.
        public var fcsFile: String
        /// `FMO`, `isotype`, or empty for a culture sample.
        public var controlType: String
        /// The marker a control leaves out or replaces.
        public var controlMarker: String
        /// Events in the file (`qc.csv` `events_acquired`).
        public var events: Int?
        /// The count of each readout population, in ``FCSFileQC/populations`` order.
        public var counts: [Int?]
        /// The compensation used: `$SPILLOVER (file)`, `none`, `matrix <id>`.
        public var compensation: String?
        /// The file's size in bytes.
        public var bytes: Int?
        /// The file's SHA-256, hex.
        public var sha256: String?

        /// The CSV row, in ``FCSFileQC/header`` order.
        public var row: [String] {
            [sampleID, fcsFile, controlType, controlMarker, AssayQC.text(events)] + counts.map(AssayQC.text)
                + [compensation ?? "", AssayQC.text(bytes), sha256 ?? ""]
        }
    }

    /// The readout populations (gate columns), from `markers.csv`.
    public var populations: [String]
    /// The tubes, in sheet order, then tubes the batch read that the sheet lacks.
    public var tubes: [Tube]
    /// What the table's footnote must say.
    public var notes: [String]

    /// The columns: the reference's `fcs_files.csv` without `generation_attempts`, a column per readout population.
    public var header: [String] {
        ["sample_id", "fcs_file", "control_type", "control_marker", "events"] + populations + ["compensation", "bytes", "sha256"]
    }

    /// `TQ_fcs_files.csv`.
    public var table: OutcomeTable { OutcomeTable(name: Self.fileName, header: header, rows: tubes.map(\.row)) }

    /// Reads the batch folder `flow` for the tubes of `samples` (read from the sheet at `sheet`); `failures` is the
    /// batch's `errors.csv` when the caller has read it already (``failures(flow:)``), else it is read here.
    /// `readoutPopulations` (the template's) are the gate-count columns when `markers.csv` names none, as when
    /// every tube failed: the table keeps its columns, empty.
    public init(flow folder: String, samples: [CultureSample], sheet: String, failures given: [String: String]? = nil,
                readoutPopulations: [String] = []) throws {
        var notes: [String] = []
        func optional(_ name: String, required: [String]) throws -> SheetReader? {
            let path = folder + "/" + name
            guard FileManager.default.fileExists(atPath: path) else {
                notes.append("\(path) is absent (a batch folder written by an older FlowStudy): its columns are empty.")
                return nil
            }
            let reader = try SheetReader(path, required: required, syntax: .written)
            try reader.requireWellFormed()
            return reader
        }
        func count(_ reader: SheetReader, _ row: Int, _ column: String) throws -> Int? {
            let text = reader.text(row, column)
            if text.isEmpty { return nil }
            guard let value = NumberText.parse(text, syntax: .written, integer: true).flatMap({ Int(exactly: $0) }), value >= 0 else {
                throw OutcomesError(file: reader.file, place: "line \(reader.line(row)), column \(column)", "expected a count, found '\(text)'")
            }
            return value
        }

        // The readout populations, in markers.csv order.
        var populations: [String] = []
        if let markers = try optional("markers.csv", required: []) {
            for row in markers.rows {
                let population = markers.text(row, "population")
                if !population.isEmpty && !populations.contains(population) { populations.append(population) }
            }
        }
        if populations.isEmpty && !readoutPopulations.isEmpty {
            populations = readoutPopulations
            notes.append("\(folder)/markers.csv names no readout population: the gate count columns are the template's readout populations "
                         + "(\(populations.joined(separator: ", "))).")
        } else if populations.isEmpty {
            notes.append("\(folder)/markers.csv names no readout population: no gate count column.")
        }

        var events: [String: Int] = [:], compensation: [String: String] = [:], qcFile: [String: String] = [:], qcOrder: [String] = []
        if let qc = try optional("qc.csv", required: ["sample_id", "events_acquired", "compensation"]) {
            for row in qc.rows {
                let id = qc.text(row, "sample_id")
                qcOrder.append(id)
                events[id] = try count(qc, row, "events_acquired")
                compensation[id] = Self.compensation(qc.text(row, "compensation"))
                qcFile[id] = qc.optionalText(row, "file")
            }
        }
        var counts: [String: Int] = [:]
        if let table = try optional("populations.csv", required: ["sample_id", "population", "count"]) {
            for row in table.rows where populations.contains(table.text(row, "population")) {
                counts[table.text(row, "sample_id") + "\u{1F}" + table.text(row, "population")] = try count(table, row, "count")
            }
        }
        let inputs = try Self.inputs(folder + "/run.json", notes: &notes)
        let failures = try given ?? Self.failures(flow: folder)

        let sheetFolder = URL(fileURLWithPath: sheet).standardizedFileURL.deletingLastPathComponent().path
        func relative(_ path: String) -> String {
            let absolute = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: sheetFolder, isDirectory: true)).standardizedFileURL.path
            let prefix = sheetFolder.hasSuffix("/") ? sheetFolder : sheetFolder + "/"
            return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
        }
        var tubes: [Tube] = []
        var listed: Set<String> = []
        var unread: [String] = []
        func tube(_ id: String, sheetFile: String?, controlType: String, controlMarker: String) -> Tube {
            let file = inputs[id]?.file ?? qcFile[id] ?? sheetFile ?? ""
            return Tube(sampleID: id, fcsFile: file.isEmpty ? "" : relative(file), controlType: controlType, controlMarker: controlMarker,
                        events: events[id], counts: populations.map { counts[id + "\u{1F}" + $0] }, compensation: compensation[id],
                        bytes: inputs[id]?.bytes, sha256: inputs[id]?.sha256)
        }
        for sample in samples {
            guard let file = sample.fcsFile, !file.isEmpty, listed.insert(sample.id).inserted else { continue }
            tubes.append(tube(sample.id, sheetFile: file, controlType: sample.controlType?.rawValue ?? "", controlMarker: sample.controlMarker ?? ""))
            // A tube the batch lists as failed is named even when no tube was read (qc.csv without rows).
            if events[sample.id] == nil && (!qcOrder.isEmpty || failures[sample.id] != nil) {
                unread.append(sample.id + (failures[sample.id].map { " (\($0))" } ?? " (not in the batch's qc.csv)"))
            }
        }
        let extra = qcOrder.filter { listed.insert($0).inserted }
        for id in extra { tubes.append(tube(id, sheetFile: nil, controlType: "", controlMarker: "")) }
        if !unread.isEmpty { notes.append("Tubes the batch did not read (counts empty): " + unread.joined(separator: "; ") + ".") }
        if !extra.isEmpty { notes.append("Tubes of the batch that the sample sheet lacks: " + extra.joined(separator: ", ") + ".") }
        self.populations = populations
        self.tubes = tubes
        self.notes = notes
    }

    /// The batch's failed tubes (`errors.csv` of the batch folder `flow`): `error_code: message` per sample id;
    /// empty when the folder has no `errors.csv`. Throws ``OutcomesError`` for a file that cannot be read.
    public static func failures(flow folder: String) throws -> [String: String] {
        var failures: [String: String] = [:]
        guard FileManager.default.fileExists(atPath: folder + "/errors.csv") else { return failures }
        let errors = try SheetReader(folder + "/errors.csv", required: [], syntax: .written)
        try errors.requireWellFormed()
        for row in errors.rows {
            failures[errors.text(row, "sample_id")] = [errors.text(row, "error_code"), errors.text(row, "message")].filter { !$0.isEmpty }.joined(separator: ": ")
        }
        return failures
    }

    /// The compensation as the reference writes it: a keyword of the file (`$SPILLOVER`) becomes
    /// `$SPILLOVER (file)`; `none…` and `matrix <id>` are kept.
    public static func compensation(_ text: String) -> String {
        if text.isEmpty || text.hasPrefix("none") || text.hasPrefix("matrix ") { return text }
        return text + " (file)"
    }

    /// The inputs of the batch's `run.json` by sample id: the file read, its size and SHA-256.
    static func inputs(_ path: String, notes: inout [String]) throws -> [String: (file: String, bytes: Int?, sha256: String?)] {
        guard FileManager.default.fileExists(atPath: path) else {
            notes.append("\(path) is absent: bytes and sha256 are empty, fcs_file is the sheet's.")
            return [:]
        }
        let object = try JSONRecord.document(path)
        guard let document = object as? [String: Any] else { throw OutcomesError(file: path, "expected an object (a batch run.json)") }
        let run = JSONRecord(file: path, place: "run", fields: document)
        guard let list = try run.array("inputs") else {
            notes.append("\(path) has no `inputs` (a batch folder written by an older FlowStudy): bytes and sha256 are empty.")
            return [:]
        }
        var inputs: [String: (file: String, bytes: Int?, sha256: String?)] = [:]
        for (index, item) in list.enumerated() {
            guard let fields = item as? [String: Any] else { throw OutcomesError(file: path, place: "inputs[\(index)]", "expected an object") }
            let input = JSONRecord(file: path, place: "inputs[\(index)]", fields: fields)
            guard let id = try input.text("sample_id") else { throw OutcomesError(file: path, place: "inputs[\(index)].sample_id", "expected a sample id, found none") }
            // A tube that could not be read is listed with an empty hash and 0 bytes: neither is known.
            let sha = try input.text("sha256").flatMap { $0.isEmpty ? nil : $0 }
            let bytes = try input.count("bytes")
            inputs[id] = (try input.text("file") ?? "", sha == nil ? nil : bytes, sha)
        }
        return inputs
    }
}
