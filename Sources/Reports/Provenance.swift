import Foundation
import Outcomes
import Tables

/// What the report was made from: the FlowStudy version, the gating template's hash, and the SHA-256 of every
/// input (the sheets, the result files, the batch's and the ELISA's `run.json`, and every file those list with a
/// hash: FCS files, plates, layouts, runs.csv). Written as `outcomes_run.json`; `flowstudy report patient`
/// reads it back to find the inputs.
public struct Provenance: Sendable, Equatable {
    /// One input file and its hash.
    public struct Input: Sendable, Codable, Equatable {
        /// What it is (`clinical.csv`, `batch run.json`, `FCS SSC01_UT`).
        public var role: String
        /// Its path, as recorded.
        public var path: String
        /// Its SHA-256 (hex); nil when the file could not be read.
        public var sha256: String?
    }

    /// The FlowStudy version that made the report.
    public var flowstudyVersion: String
    /// Where the inputs are.
    public var inputs: StudyInputs
    /// The gating template's SHA-256, from the batch's `run.json`.
    public var templateSHA256: String?
    /// The template's path, from the batch's `run.json`.
    public var templatePath: String?
    /// The files read by this run, hashed now.
    public var files: [Input]
    /// The files upstream runs read, with the hashes their `run.json` recorded.
    public var upstream: [Input]
    /// The study markers the outcomes expected of every culture tube (the template's panel), when known.
    public var panel: [StudyMarker]?

    /// The name of the provenance file in an outcomes output folder.
    public static let fileName = "outcomes_run.json"

    /// Hashes every input now and collects the upstream hashes from the run manifests. `recorded` is where the
    /// inputs will be read later, when that is not where they are now: `flowstudy study` reads its batch, ELISA
    /// and review folders in the staging folder, which is renamed into the study folder once every stage is
    /// done, so it records the final paths (the files' bytes, and so their hashes, are the same).
    public init(inputs: StudyInputs, flowstudyVersion: String, recorded: StudyInputs? = nil, panel: [StudyMarker]? = nil) {
        let recorded = recorded ?? inputs
        self.panel = panel
        self.flowstudyVersion = flowstudyVersion
        self.inputs = recorded
        var files: [Input] = []
        // Hashed where the file is now, recorded where it will be.
        func add(_ role: String, optional: Bool = false, _ path: (StudyInputs) -> String?) {
            guard let now = path(inputs), let later = path(recorded) else { return }
            let hash = FileHash.sha256(of: now)
            if hash != nil || !optional { files.append(Input(role: role, path: later, sha256: hash)) }
        }
        add("clinical.csv") { $0.clinical }
        add("samples.csv") { $0.samples }
        add("markers.csv") { $0.markers }
        add("batch run.json", optional: true) { $0.flow + "/run.json" }
        add("concentrations.csv") { $0.concentrations }
        add("ELISA curves.json", optional: true) { $0.elisa + "/curves.json" }
        add("ELISA run.json", optional: true) { $0.elisa + "/run.json" }
        add("review manifest.json", optional: true) { $0.review.map { $0 + "/manifest.json" } }
        self.files = files
        let batchRun = Self.json(inputs.flow + "/run.json")
        let template = batchRun?["template"] as? [String: Any]
        templateSHA256 = template?["sha256"] as? String
        templatePath = template?["path"] as? String
        upstream = Self.hashed(in: batchRun, prefix: "batch") + Self.hashed(in: Self.json(inputs.elisa + "/run.json"), prefix: "ELISA")
    }

    /// A JSON object file, or nil.
    static func json(_ path: String) -> [String: Any]? {
        guard let bytes = try? InputFile.bytes(path) else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    }

    /// Every object holding a `sha256` in a run manifest, as an input named by its key path and id.
    static func hashed(in object: Any?, prefix: String) -> [Input] {
        var found: [Input] = []
        func walk(_ value: Any?, _ label: String) {
            if let dictionary = value as? [String: Any] {
                if let hash = dictionary["sha256"] as? String {
                    let path = (dictionary["path"] as? String) ?? (dictionary["file"] as? String) ?? ""
                    let id = (dictionary["sample_id"] as? String) ?? (dictionary["plate"] as? String) ?? ""
                    found.append(Input(role: ([prefix, label, id].filter { !$0.isEmpty }).joined(separator: " "), path: path, sha256: hash))
                }
                for key in dictionary.keys.sorted() where key != "sha256" { walk(dictionary[key], key) }
            } else if let array = value as? [Any] {
                for item in array { walk(item, label) }
            }
        }
        walk(object, "")
        return found
    }

    /// `outcomes_run.json`.
    public var json: [UInt8] {
        func list(_ inputs: [Input]) -> [[String: Any]] {
            inputs.map { input -> [String: Any] in ["role": input.role, "path": input.path, "sha256": input.sha256.map { $0 as Any } ?? NSNull()] }
        }
        var paths: [String: Any] = ["clinical": inputs.clinical, "samples": inputs.samples, "flow": inputs.flow, "elisa": inputs.elisa]
        if let review = inputs.review { paths["review"] = review }
        var object: [String: Any] = ["flowstudy_version": flowstudyVersion, "inputs": paths, "files": list(files), "upstream": list(upstream),
                                     "template": ["path": templatePath.map { $0 as Any } ?? NSNull(), "sha256": templateSHA256.map { $0 as Any } ?? NSNull()] as [String: Any]]
        if let panel { object["panel"] = panel.map(\.rawValue) }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Array(data) + [0x0A]
    }

    /// The inputs an outcomes output folder records in `outcomes_run.json`.
    public static func inputs(recordedIn folder: String) throws -> StudyInputs {
        let path = folder + "/" + fileName
        let object = try record(path)
        guard let paths = object["inputs"] as? [String: Any] else {
            throw ReportError(path, "inputs: expected an object naming the run's inputs (clinical, samples, flow, elisa)")
        }
        func input(_ key: String) throws -> String {
            try absolutePath(paths[key], in: path, at: "inputs.\(key)", of: "the run's \(key) input")
        }
        let review = try paths["review"].flatMap { $0 is NSNull ? nil : try absolutePath($0, in: path, at: "inputs.review", of: "the run's review gallery") }
        return StudyInputs(clinical: try input("clinical"), samples: try input("samples"), flow: try input("flow"), elisa: try input("elisa"),
                           review: review)
    }

    /// A path `outcomes_run.json` records at `place`, which must be absolute: FlowStudy records absolute paths
    /// (``StudyInputs``), and any other would be read from wherever the command runs.
    static func absolutePath(_ value: Any?, in path: String, at place: String, of what: String) throws -> String {
        guard let text = value as? String, text.hasPrefix("/") else {
            throw ReportError(path, "\(place): expected the absolute path of \(what), found \(value.map(JSONDocument.shown) ?? "nothing")")
        }
        return text
    }

    /// The object of the `outcomes_run.json` at `path`; a file that cannot be read, does not parse (its line and
    /// column) or is not an object is a ``ReportError``.
    static func record(_ path: String) throws -> [String: Any] {
        do {
            return try JSONDocument.object(path, what: "an outcomes run's \(fileName)")
        } catch let error as TablesError {
            throw ReportError(error)
        }
    }

    /// The inputs and panel an outcomes output folder records, after checking that every file `outcomes_run.json`
    /// lists with a hash still has it: a page made from edited inputs would disagree with the tables beside it.
    /// Throws ``ReportError`` naming the file, the recorded and the found SHA-256 (or that it is gone).
    public static func verifiedRecord(in folder: String) throws -> (inputs: StudyInputs, panel: [StudyMarker]?) {
        let inputs = try inputs(recordedIn: folder)
        let path = folder + "/" + fileName
        let object = try record(path)
        // Without the list nothing would be checked.
        guard let files = object["files"] as? [Any] else {
            throw ReportError(path, "files: expected the list of the run's inputs with their SHA-256")
        }
        for (index, item) in files.enumerated() {
            // An entry skipped would leave its file unchecked: each must name a file and the hash it had.
            guard let file = item as? [String: Any] else {
                throw ReportError(path, "files[\(index)]: expected an object with the path and SHA-256 of an input, found \(JSONDocument.shown(item))")
            }
            let input = try absolutePath(file["path"], in: path, at: "files[\(index)].path", of: "a hashed input")
            // ASCII hex only (Character.isHexDigit also takes full-width digits); either case, as sha256sum may print it.
            guard let given = file["sha256"] as? String, given.utf8.count == 64,
                  given.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) }) else {
                throw ReportError(path, "files[\(index)].sha256: expected the SHA-256 (64 hex digits) of \(input), found \(file["sha256"].map(JSONDocument.shown) ?? "nothing"); a file the outcomes run could not read cannot be checked: run flowstudy outcomes (or study) again")
            }
            let recorded = given.lowercased()
            guard let found = FileHash.sha256(of: input) else {
                throw ReportError(input, "expected the file \(path) records (SHA-256 \(recorded)), found no readable file")
            }
            if found != recorded {
                throw ReportError(input, "expected SHA-256 \(recorded), as \(path) records, found \(found): the file changed since the outcomes were computed; run flowstudy outcomes (or study) again")
            }
        }
        var panel: [StudyMarker]?
        if let names = object["panel"] as? [Any] {
            panel = try names.enumerated().map { index, name in
                guard let name = name as? String, let marker = StudyMarker(named: name) else {
                    throw ReportError(path, "panel[\(index)]: expected a study marker name, found \(JSONDocument.shown(name))")
                }
                return marker
            }
        }
        return (inputs, panel)
    }
}
