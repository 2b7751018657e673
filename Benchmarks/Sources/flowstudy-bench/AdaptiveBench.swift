import FCS
import Foundation
import Simulation

/// Data-driven gates' cost in a batch (issue 15): the release `flowstudy batch` over simulated tubes (a third of
/// them shifted donors) with `gating-templates/mdm-macrophages-adaptive.json` against the fixed
/// `mdm-macrophages.json`. Target: the adaptive run within 1.5× the fixed one. The two templates are run in
/// alternation, `rounds` times each, each run in a fresh process; the best wall time and the best CPU time
/// (user + system, which the other load of a shared machine disturbs less) of each are compared. The files are
/// written to a temporary folder (or `folder`, kept) and the load average is printed before and after.
func adaptiveBenchmark(files count: Int, events: Int, jobs: Int, rounds: Int, folder given: String?) throws {
    let executable = ProcessInfo.processInfo.environment["FLOWSTUDY_BIN"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../.build/release/flowstudy").standardized.path
    let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../gating-templates").standardized.path
    let work = NSTemporaryDirectory() + "flowstudy-bench-adaptive-\(getpid())"
    let folder = given ?? work + "/fcs"
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: work) }

    print(String(format: "adaptive vs fixed batch: %d files × %d events, --jobs %d, %d rounds; load average %@", count, events, jobs, rounds, loadAverage()))
    let start = now()
    let names = (0..<count).map { String(format: "D%03d.fcs", $0) }
    /// The first error of the writers, if any.
    final class Failure: @unchecked Sendable {
        let lock = NSLock()
        var error: Error?
    }
    let failure = Failure()
    DispatchQueue.concurrentPerform(iterations: count) { k in
        let path = folder + "/" + names[k]
        guard !FileManager.default.fileExists(atPath: path) else { return }
        var simulator = MacrophageSimulator(events: events, seed: UInt64(9_000 + k))
        if k % 3 == 2 { simulator.shift = .lowMyeloidDonor(scatterDrift: (k / 3) % 2 == 0 ? 0.15 : -0.15) }
        do { try FCSWriter().write(try simulator.simulate().sample, to: path) } catch {
            failure.lock.withLock { failure.error = failure.error ?? error }
        }
    }
    if let error = failure.error { throw error }
    print(String(format: "  %d files ready in %.1f s (%@)", count, now() - start, folder))
    let sheet = work + "/samples.csv"
    try ("sample_id,fcs_file\n" + names.map { "\(($0 as NSString).deletingPathExtension),\(folder)/\($0)" }.joined(separator: "\n") + "\n")
        .write(toFile: sheet, atomically: true, encoding: .utf8)

    var wall: [String: Double] = [:], cpu: [String: Double] = [:]
    let runs = ["fixed": "mdm-macrophages.json", "adaptive": "mdm-macrophages-adaptive.json"]
    for _ in 0..<rounds {
        for label in ["fixed", "adaptive"] {
            let out = work + "/out-\(label)"
            let run = measuredChild([executable, "batch", "--template", templates + "/" + runs[label]!, "--samples", sheet,
                                     "--out", out, "--jobs", "\(jobs)", "--quiet"])
            guard run.status == 0 else { print("  \(label): flowstudy batch exited with status \(run.status)"); return }
            wall[label] = min(wall[label] ?? .infinity, run.seconds)
            cpu[label] = min(cpu[label] ?? .infinity, run.cpu)
        }
    }
    let mb = Double(count * events * 14 * 4) / 1e6
    for label in ["fixed", "adaptive"] {
        print(String(format: "  %-8@ best wall %7.2f s (%6.1f MB/s), best CPU %7.2f s", label as NSString, wall[label]!, mb / wall[label]!, cpu[label]!))
    }
    // What the adaptive run decided: gates.csv's sources (computed, fallback, …) of its data-driven gates.
    if let text = try? String(contentsOfFile: work + "/out-adaptive/gates.csv", encoding: .utf8) {
        var sources: [String: Int] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let population = line.split(separator: ",", maxSplits: 2).dropFirst().first.map(String.init) ?? ""
            guard ["singlets", "live", "macrophages"].contains(population) else { continue }
            // The source is the field before the flags, after the coordinates' JSON (quoted, with commas).
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            let source = fields.count >= 2 ? String(fields[fields.count - 2]) : "?"
            sources[source, default: 0] += 1
        }
        print("  adaptive gates.csv, singlets/live/macrophages by source: " + sources.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }
    print(String(format: "  adaptive / fixed: wall %.2f×, CPU %.2f× (target ≤ 1.5×); load average after %@",
                 wall["adaptive"]! / wall["fixed"]!, cpu["adaptive"]! / cpu["fixed"]!, loadAverage()))
}

/// The 1-, 5- and 15-minute load averages.
func loadAverage() -> String {
    var loads = [Double](repeating: .nan, count: 3)
    _ = getloadavg(&loads, 3)
    return String(format: "%.2f %.2f %.2f", loads[0], loads[1], loads[2])
}
