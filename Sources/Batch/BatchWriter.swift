import Tables
import FCS
import Foundation
import Gating

/// Writes a batch's tables and `run.json` into a folder as one output set (``OutputFolder``): a reader sees the
/// previous run's six files or this run's, never a mix. The CSVs depend only on the inputs, so a rerun writes
/// byte-identical files; `run.json` adds hashes, options and timings.
public enum BatchWriter {
    public static let tables = ["populations.csv", "markers.csv", "qc.csv", "errors.csv", "gates.csv"]

    /// Writes every output of `result` as the run in `folder`.
    public static func write(_ result: BatchResult, to folder: String, run: [String: Any]) throws {
        let output = try OutputFolder(folder)
        var outputs: [String: String] = [:]
        for (name, header, rows) in [("populations.csv", BatchResult.populationsHeader, result.populations), ("markers.csv", MarkerReadout.header, result.markers),
                                     ("qc.csv", BatchResult.qcHeader, result.qc), ("errors.csv", BatchResult.errorsHeader, result.errors),
                                     ("gates.csv", BatchResult.gatesHeader, result.gates)] {
            let bytes = csvTable(header: header, rows: rows)
            try output.write(bytes, to: name)
            outputs[name] = FileHash.sha256(bytes)
        }
        var document = run
        // `merge` reads a shard's tables back only when they are these bytes.
        document["outputs"] = outputs
        document["inputs"] = result.inputs.map { ["sample_id": $0.sampleID, "file": $0.file, "sha256": $0.sha256, "bytes": $0.bytes] as [String: Any] }
        document["per_sample_seconds"] = result.seconds
        let json = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try output.write(Array(json) + [0x0A], to: "run.json")
        try output.commit()
    }

    /// The `run.json` document of a batch: FlowStudy's version, the template's and sheet's paths (absolute) and
    /// SHA-256, the options (the shard as `k/n`, empty for a whole run), timings, the process's peak memory so far
    /// and events.
    public static func provenance(version: String, template: String, samples: String, options: BatchOptions,
                                  seconds: Double, events: Int, overrides: String? = nil) -> [String: Any] {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let peakResidentMB = Double(usage.ru_maxrss) / 1024  // Linux reports ru_maxrss in KiB
        func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
        return [
            "flowstudy_version": version,
            "template": ["path": absolute(template), "sha256": FileHash.sha256(of: template) ?? ""],
            "samples": ["path": absolute(samples), "sha256": FileHash.sha256(of: samples) ?? ""],
            "options": ["jobs": options.jobs, "shard": options.shard.map { "\($0.index)/\($0.count)" } ?? "",
                        "data_offsets": options.reading.offsetPreference.rawValue,
                        "supplemental_text": options.reading.supplementalText.rawValue],
            "total_seconds": seconds,
            "peak_rss_mb": peakResidentMB,
            "events": events,
            // The per-sample overrides applied (path and SHA-256), or null when none were.
            "overrides": overrides.map { ["path": absolute($0), "sha256": FileHash.sha256(of: $0) ?? ""] as Any } ?? NSNull(),
        ]
    }

    /// Reads a shard's outputs back, to merge them: each table must be the file the shard's batch wrote (its
    /// SHA-256 as `run.json` records it), so a table edited, truncated or swapped since is refused, never merged.
    /// Every problem of the folder is a ``ShardMergeError`` naming the file (and line).
    public static func read(_ folder: String) throws -> BatchResult {
        var problems: [String] = []
        let runPath = (folder as NSString).appendingPathComponent("run.json")
        let run = (try? InputFile.bytes(runPath)).flatMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
        let recorded = run?["outputs"] as? [String: String]
        if recorded == nil {
            problems.append("\(runPath): records no SHA-256 of the shard's tables (written by an older FlowStudy, or edited): run the shard again")
        }
        func rows(_ name: String, header: [String]) -> [[String]] {
            let path = (folder as NSString).appendingPathComponent(name)
            guard let bytes = try? InputFile.bytes(path) else {
                problems.append("\(path): expected the batch's \(name)")
                return []
            }
            guard let recorded else { return [] }  // reported once above
            // The bytes hashed are the bytes parsed: one read.
            guard let expected = recorded[name] else {
                problems.append("\(runPath): records no SHA-256 of \(name): run the shard again")
                return []
            }
            guard FileHash.sha256(bytes) == expected, let text = String(validating: bytes, as: UTF8.self) else {
                problems.append("\(path): not the file the shard's batch wrote (its SHA-256 differs from the one run.json records): run the shard again")
                return []
            }
            let table: CSVTable
            do { table = try CSVTable(text) } catch {
                problems.append("\(path): \(error)")  // a CSVError: line and what was expected
                return []
            }
            guard table.header == header else {
                problems.append("\(path): header: expected \(header.joined(separator: ","))")
                return []
            }
            return table.rows
        }
        var result = BatchResult()
        result.populations = rows("populations.csv", header: BatchResult.populationsHeader)
        result.markers = rows("markers.csv", header: MarkerReadout.header)
        result.qc = rows("qc.csv", header: BatchResult.qcHeader)
        result.errors = rows("errors.csv", header: BatchResult.errorsHeader)
        result.gates = rows("gates.csv", header: BatchResult.gatesHeader)
        guard problems.isEmpty else { throw ShardMergeError(problems: problems, headline: "a shard's tables are not as its batch wrote them") }
        for input in run?["inputs"] as? [[String: Any]] ?? [] {
            result.inputs.append((input["sample_id"] as? String ?? "", input["file"] as? String ?? "",
                                  input["sha256"] as? String ?? "", input["bytes"] as? Int ?? 0))
        }
        for (k, v) in run?["per_sample_seconds"] as? [String: Double] ?? [:] { result.seconds[k] = v }
        return result
    }

    /// Merges shard folders into one result, as an unsharded run would have produced it, with the provenance
    /// of that run: the shards must be exactly 1…n of one run (same template, sample sheet and options, by the
    /// hashes and options each shard's `run.json` records), else ``ShardMergeError`` lists every problem.
    public static func merge(_ folders: [String]) throws -> (result: BatchResult, run: [String: Any]) {
        let runs = try folders.map { folder -> [String: Any] in
            let path = (folder as NSString).appendingPathComponent("run.json")
            guard let bytes = try? InputFile.bytes(path),
                  let run = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                throw ShardMergeError(problems: ["\(folder): expected a batch shard with its run.json"])
            }
            return run
        }
        let run = try ShardMergeError.check(folders: folders, runs: runs)
        var merged = BatchResult()
        var problems: [String] = []
        for folder in folders {
            do { merged.merge(try read(folder)) } catch let error as ShardMergeError { problems += error.problems }
        }
        guard problems.isEmpty else { throw ShardMergeError(problems: problems, headline: "a shard's tables are not as its batch wrote them") }
        merged.sort()
        return (merged, run)
    }
}

/// Why shard folders cannot be merged into one run: each problem names the folder (missing, doubled or foreign
/// shard, a shard of another template, sheet or options, an unsharded run).
public struct ShardMergeError: Error, Sendable, CustomStringConvertible {
    /// Every problem found.
    public var problems: [String]
    /// What the problems have in common.
    public var headline = "the folders are not the shards 1…n of one batch run"

    public var description: String {
        "flowstudy merge: \(headline)\n" + problems.map { "  \($0)" }.joined(separator: "\n")
    }

    /// The merged run's `run.json` document when `runs` (one per folder) are exactly shards 1…n of one run.
    static func check(folders: [String], runs: [[String: Any]]) throws -> [String: Any] {
        var problems: [String] = []
        func text(_ value: Any?) -> String {
            guard let value, JSONSerialization.isValidJSONObject([value]),
                  let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys]) else { return "" }
            return String(decoding: data, as: UTF8.self)
        }
        /// What must agree between shards: the inputs' hashes and every option but the shard and the job count.
        func identity(_ run: [String: Any]) -> String {
            var options = run["options"] as? [String: Any] ?? [:]
            options["shard"] = nil
            options["jobs"] = nil
            let template = (run["template"] as? [String: Any])?["sha256"]
            let samples = (run["samples"] as? [String: Any])?["sha256"]
            let overrides = (run["overrides"] as? [String: Any])?["sha256"]
            return text(template) + text(samples) + text(options) + text(overrides)
        }
        var byIndex: [Int: String] = [:]
        var count: Int?
        var events = 0
        let reference = runs.first.map(identity)
        for (folder, run) in zip(folders, runs) {
            let shard = (run["options"] as? [String: Any])?["shard"] as? String ?? ""
            guard !shard.isEmpty else {
                problems.append("\(folder): an unsharded run (run.json has no shard k/n); merge takes the shards of one run")
                continue
            }
            guard let (index, of) = BatchOptions.shard(shard) else {
                problems.append("\(folder): run.json's shard '\(shard.prefix(40))' is not k/n with 1 ≤ k ≤ n ≤ \(BatchOptions.maximumShards)")
                continue
            }
            if let count, count != of { problems.append("\(folder): shard \(shard) of a run in \(of) shards, the others are of \(count)") }
            count = count ?? of
            if let other = byIndex[index] { problems.append("\(folder): shard \(shard) given twice (also \(other))") }
            byIndex[index] = folder
            if identity(run) != reference {
                problems.append("\(folder): a shard of another run (template, sample sheet, overrides or options differ from \(folders[0]))")
            }
            // A count of events, added without overflow (run.json can be edited).
            let shardEvents = run["events"] as? Int ?? 0
            let (sum, overflow) = events.addingReportingOverflow(shardEvents)
            if shardEvents < 0 {
                problems.append("\(folder): run.json's events \(shardEvents) is not a count of events")
            } else if overflow {
                problems.append("\(folder): run.json's events \(shardEvents) bring the shards' events beyond \(Int.max)")
            } else {
                events = sum
            }
        }
        if let count {
            // At most 10,000 shards; the message names the first 20 missing.
            let missing = (1...count).filter { byIndex[$0] == nil }
            if !missing.isEmpty {
                problems.append("missing shard\(missing.count == 1 ? "" : "s") " + shortList(missing.lazy.map { "\($0)/\(count)" }, first: 20))
            }
        }
        guard problems.isEmpty, let first = runs.first else { throw ShardMergeError(problems: problems) }
        var merged: [String: Any] = [:]
        for key in ["template", "samples", "flowstudy_version", "overrides"] { merged[key] = first[key] }
        var options = first["options"] as? [String: Any] ?? [:]
        options["shard"] = ""
        merged["options"] = options
        merged["merged_from"] = zip(folders, runs).map { folder, run in
            ["folder": folder, "shard": (run["options"] as? [String: Any])?["shard"] ?? "", "total_seconds": run["total_seconds"] ?? 0,
             "peak_rss_mb": run["peak_rss_mb"] ?? 0] as [String: Any]
        }
        merged["events"] = events
        return merged
    }
}
