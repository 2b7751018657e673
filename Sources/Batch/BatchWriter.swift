import Tables
import Crypto
import FCS
import Foundation
import Gating

/// Writes a batch's tables and `run.json` into a folder, each file atomically. The CSVs depend only on the
/// inputs, so a rerun writes byte-identical files; `run.json` adds hashes, options and timings.
public enum BatchWriter {
    public static let tables = ["populations.csv", "markers.csv", "qc.csv", "errors.csv"]

    /// Writes every output of `result` to `folder` (created if needed).
    public static func write(_ result: BatchResult, to folder: String, run: [String: Any]) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        try AtomicFile.write(csvTable(header: BatchResult.populationsHeader, rows: result.populations), to: path("populations.csv"))
        try AtomicFile.write(csvTable(header: MarkerReadout.header, rows: result.markers), to: path("markers.csv"))
        try AtomicFile.write(csvTable(header: BatchResult.qcHeader, rows: result.qc), to: path("qc.csv"))
        try AtomicFile.write(csvTable(header: BatchResult.errorsHeader, rows: result.errors), to: path("errors.csv"))
        var document = run
        document["inputs"] = result.inputs.map { ["sample_id": $0.sampleID, "file": $0.file, "sha256": $0.sha256, "bytes": $0.bytes] as [String: Any] }
        document["per_sample_seconds"] = result.seconds
        let json = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try AtomicFile.write(Array(json) + [0x0A], to: path("run.json"))
    }

    /// SHA-256 of a file's bytes, hex.
    public static func sha256(of path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Reads a shard's outputs back, to merge them.
    public static func read(_ folder: String) throws -> BatchResult {
        func rows(_ name: String, header: [String]) throws -> [[String]] {
            let path = (folder as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SampleSheet.Problems(file: path, problems: ["expected a batch output file"])
            }
            let table = try CSVTable(String(decoding: data, as: UTF8.self))
            guard table.header == header else {
                throw SampleSheet.Problems(file: path, problems: ["header: expected \(header.joined(separator: ","))"])
            }
            return table.rows
        }
        var result = BatchResult()
        result.populations = try rows("populations.csv", header: BatchResult.populationsHeader)
        result.markers = try rows("markers.csv", header: MarkerReadout.header)
        result.qc = try rows("qc.csv", header: BatchResult.qcHeader)
        result.errors = try rows("errors.csv", header: BatchResult.errorsHeader)
        let runPath = (folder as NSString).appendingPathComponent("run.json")
        if let data = FileManager.default.contents(atPath: runPath),
           let run = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            for input in run["inputs"] as? [[String: Any]] ?? [] {
                result.inputs.append((input["sample_id"] as? String ?? "", input["file"] as? String ?? "",
                                      input["sha256"] as? String ?? "", input["bytes"] as? Int ?? 0))
            }
            for (k, v) in run["per_sample_seconds"] as? [String: Double] ?? [:] { result.seconds[k] = v }
        }
        return result
    }

    /// Merges shard folders into one result, as an unsharded run would have produced it.
    public static func merge(_ folders: [String]) throws -> BatchResult {
        var merged = BatchResult()
        for folder in folders { merged.merge(try read(folder)) }
        merged.sort()
        return merged
    }
}
