// Benchmarks with targets, measured on a release build beside the peers in the same run.
//
//   parse FILE [--repeat N]   parse an FCS file into per-channel columns on one core; compare with
//                             `cat FILE > /dev/null` and, when FLOWSTUDY_PYTHON has flowio, FlowIO on the same file.
//                             Targets (issue 3): ≤ 2× the raw read, ≥ 5× faster than FlowIO.
//   memory FILE TEMPLATE      wall time and peak RSS of the release CLI (`FLOWSTUDY_BIN`, default
//                             ../.build/release/flowstudy) for inspect, gate and export --format csv on a large file,
//                             as multiples of the file's size. Targets (issue 11): inspect far below the file,
//                             gate ≤ 1.5×, export csv ≤ 5 s and ≤ 1.5×.
//   adaptive [--files N] [--events N] [--jobs N] [--rounds N] [--folder DIR]
//                             the release `flowstudy batch` with mdm-macrophages-adaptive.json against the fixed
//                             mdm-macrophages.json on simulated tubes (a third shifted donors). Target (issue 15):
//                             adaptive ≤ 1.5× fixed on 100 files × 100,000 events.
import ELISA
import FCS
import Foundation
import Gating
import Plots

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// Best wall time of `repeats` runs of `body`, in seconds.
func best(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    var fastest = Double.infinity
    for _ in 0..<repeats {
        let start = now()
        try body()
        fastest = min(fastest, now() - start)
    }
    return fastest
}

/// Runs a shell command `repeats` times and returns the best wall time (process start included).
func bestShell(_ repeats: Int, _ command: String) -> Double {
    best(repeats) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try? process.run()
        process.waitUntilExit()
    }
}

/// FlowIO's own best-of-N time, measured inside Python (interpreter start excluded).
func flowIOSeconds(_ file: String, repeats: Int) -> Double? {
    guard let python = ProcessInfo.processInfo.environment["FLOWSTUDY_PYTHON"] else { return nil }
    let script = """
    import sys, time, flowio, numpy as np
    best = 1e9
    for _ in range(\(repeats)):
        t = time.perf_counter()
        f = flowio.FlowData(sys.argv[1])
        a = np.frombuffer(f.events, dtype=np.float32).reshape(-1, f.channel_count)
        best = min(best, time.perf_counter() - t)
    print(best)
    """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", script, file]
    let pipe = Pipe()
    process.standardOutput = pipe
    guard (try? process.run()) != nil else { return nil }
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Double(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
}

/// What `cat FILE > /dev/null` does, without the process start: read() into one 128 KiB buffer to the end.
func rawRead(_ file: String) {
    let descriptor = open(file, O_RDONLY)
    guard descriptor >= 0 else { return }
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 17, alignment: 64)
    while read(descriptor, buffer, 1 << 17) > 0 {}
    buffer.deallocate()
    close(descriptor)
}

func parse(_ file: String, repeats: Int) throws {
    let bytes = Double((try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue ?? 0)
    var events = 0, parameters = 0
    rawRead(file)  // into the page cache
    // The first parse of a process maps fresh memory for the columns; later ones reuse it (as a batch does).
    let first = try best(1) { _ = try FCSFile.readSample(file) }
    let ours = try best(repeats) {
        let sample = try FCSFile.readSample(file)
        events = sample.eventCount
        parameters = sample.parameters.count
    }
    let raw = best(repeats) { rawRead(file) }
    var metadataOnly = FCSReadOptions()
    metadataOnly.readEvents = false
    let metadata = try best(repeats) { _ = try FCSFile.readSample(file, options: metadataOnly) }
    print(String(format: "parse %@: %d events × %d parameters, %.1f MB, best of %d, one core", (file as NSString).lastPathComponent, events, parameters, bytes / 1e6, repeats))
    print(String(format: "  FlowStudy        %8.2f ms  %6.0f MB/s   (first parse in a process, fresh memory: %.2f ms)", ours * 1e3, bytes / ours / 1e6, first * 1e3))
    print(String(format: "  raw read (cat)   %8.2f ms  %6.0f MB/s   ratio FlowStudy / raw read = %.2f (target ≤ 2)", raw * 1e3, bytes / raw / 1e6, ours / raw))
    print(String(format: "  of which HEADER+TEXT+mapping %.2f ms", metadata * 1e3))
    if let flowio = flowIOSeconds(file, repeats: repeats) {
        print(String(format: "  FlowIO         %8.2f ms  (FlowStudy is %.1f× faster, target ≥ 5×)", flowio * 1e3, flowio / ours))
    } else {
        print("  FlowIO: not measured (set FLOWSTUDY_PYTHON to a Python with flowio and numpy)")
    }
}

/// FlowKit's end-to-end time on the same file, from `../shared/perf/bench_peers.py` (its own best of 3).
func flowKitSeconds(_ file: String) -> Double? {
    guard let python = ProcessInfo.processInfo.environment["FLOWSTUDY_PYTHON"] else { return nil }
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../../shared/perf/bench_peers.py").standardized.path
    guard FileManager.default.fileExists(atPath: script) else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script, "--work", NSTemporaryDirectory(), "_worker", "flowkit", file]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard let line = String(decoding: output, as: UTF8.self).split(separator: "\n").last,
          let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
    return json["best_s"] as? Double
}

/// Gate a file with a template, as FlowKit does in bench_peers.py: read, compensate, logicle, every population's
/// count and % of parent, and the macrophages' medians of the nine fluorescence channels.
func gate(_ file: String, template path: String, repeats: Int) throws {
    let template = try TemplateReader.read(contentsOf: path)
    var counts: [String: Int] = [:]
    var medians: [Double] = []
    let fluorescence = ["BV421-A", "BV510-A", "FITC-A", "PE-A", "PerCP-Cy5.5-A", "PE-Cy7-A", "APC-A", "AF700-A", "Zombie NIR-A"]
    var stages: [String: Double] = [:]
    let ours = try best(repeats) {
        let t0 = now()
        let sample = try FCSFile.readSample(file)
        let t1 = now()
        let session = try GatingSession(strategy: template.strategy(for: sample), sample: sample)
        let t2 = now()
        counts = Dictionary(uniqueKeysWithValues: session.result.ids.map { ($0, session.result.count($0)) })
        medians = try fluorescence.map { try session.median($0, compensation: .file, population: "macrophages") }
        let t3 = now()
        for (stage, time) in [("read", t1 - t0), ("gate", t2 - t1), ("medians", t3 - t2)] { stages[stage] = min(stages[stage] ?? .infinity, time) }
    }
    print(String(format: "gate %@ with %@: best of %d, one core", (file as NSString).lastPathComponent, (path as NSString).lastPathComponent, repeats))
    print(String(format: "  FlowStudy      %8.1f ms  (read %.1f, compensate+transform+gate %.1f, 9 macrophage medians %.1f)",
                 ours * 1e3, stages["read"]! * 1e3, stages["gate"]! * 1e3, stages["medians"]! * 1e3))
    print("  macrophages \(counts["macrophages"] ?? -1), CD14 median \(medians.first ?? .nan)")
    if let flowkit = flowKitSeconds(file) {
        print(String(format: "  FlowKit        %8.1f ms  (FlowStudy is %.1f× faster, target ≥ 30×)", flowkit * 1e3, flowkit / ours))
    } else {
        print("  FlowKit: not measured (set FLOWSTUDY_PYTHON to a Python with flowkit; ../shared/perf/bench_peers.py)")
    }
}

/// Batch: the release `flowstudy batch` on every FCS file of a folder, at --jobs 1 and 2, with its run.json's
/// peak RSS; FlowKit's end-to-end loop (bench_peers.py) over the same files in one and in two processes.
func batch(_ folder: String, template: String, flowKit: Bool) throws {
    let executable = ProcessInfo.processInfo.environment["FLOWSTUDY_BIN"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../.build/release/flowstudy").standardized.path
    let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".fcs") }.sorted()
    let work = NSTemporaryDirectory() + "flowstudy-bench-\(getpid())"
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: work) }
    let sheet = work + "/samples.csv"
    try ("sample_id,fcs_file\n" + files.map { "\(($0 as NSString).deletingPathExtension),\(folder)/\($0)" }.joined(separator: "\n") + "\n")
        .write(toFile: sheet, atomically: true, encoding: .utf8)
    let bytes = files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: "\(folder)/\($1)")[.size] as? Int) ?? 0) }
    print(String(format: "batch: %d files, %.0f MB, template %@", files.count, Double(bytes) / 1e6, (template as NSString).lastPathComponent))
    var walls: [Int: Double] = [:]
    for jobs in [1, 2] {
        let out = work + "/out\(jobs)"
        let wall = best(3) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["batch", "--template", template, "--samples", sheet, "--out", out, "--jobs", "\(jobs)", "--quiet"]
            try? process.run()
            process.waitUntilExit()
        }
        walls[jobs] = wall
        let run = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/run.json")))) as? [String: Any]
        print(String(format: "  FlowStudy --jobs %d  %7.2f s wall  %6.1f MB/s  peak RSS %.0f MB", jobs, wall, Double(bytes) / wall / 1e6,
                     run?["peak_rss_mb"] as? Double ?? .nan))
    }
    print(String(format: "  speed-up at --jobs 2: %.2f× (target ≥ 1.8×)", walls[1]! / walls[2]!))
    guard flowKit, let python = ProcessInfo.processInfo.environment["FLOWSTUDY_PYTHON"] else {
        print("  FlowKit: not measured (pass --flowkit and set FLOWSTUDY_PYTHON; RESULTS.md: 39.3 s in one process, 22.6 s in two)")
        return
    }
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../../shared/perf/bench_peers.py").standardized.path
    func flowKitWall(_ directories: [String]) -> Double {
        let start = now()
        let processes = directories.map { directory -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [script, "--work", work, "_worker", "batch", directory]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try? process.run()
            return process
        }
        processes.forEach { $0.waitUntilExit() }
        return now() - start
    }
    let halves = (0..<2).map { half -> String in
        let directory = work + "/half\(half)"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (i, file) in files.enumerated() where i % 2 == half {
            try? FileManager.default.createSymbolicLink(atPath: directory + "/" + file, withDestinationPath: folder + "/" + file)
        }
        return directory
    }
    let one = flowKitWall([folder]), two = flowKitWall(halves)
    print(String(format: "  FlowKit 1 process  %7.2f s   2 processes %7.2f s", one, two))
    print(String(format: "  FlowStudy --jobs 2 is %.1f× faster than FlowKit in two processes (target ≥ 20×)", two / walls[2]!))
}

/// ELISA: read one plate and its layout, fit a 4PL and a 5PL and back-calculate every sample (target < 5 ms).
func elisa(_ plate: String, layout: String, repeats: Int) throws {
    let layoutText = try String(contentsOfFile: layout, encoding: .utf8)
    for model in [CurveModel.fourParameter, .fiveParameter] {
        var options = ELISAOptions()
        options.model = model
        var samples = 0
        let seconds = try best(repeats) {
            let read = try PlateRead.read(contentsOf: plate)[0]
            let analysis = try PlateAnalysis(read: read, layout: PlateLayout.csv(layoutText, file: layout), analyte: "bench", options: options)
            samples = analysis.samples.count
        }
        print(String(format: "elisa %@ %@: %.2f ms for %d samples (read, fit, back-calculate; target < 5 ms)",
                     (plate as NSString).lastPathComponent, model.label, seconds * 1e3, samples))
    }
}

/// Plot: a gated 1M-event sample drawn as the macrophage gate's 2-D density with its outline, and as the CD206+
/// histogram with its threshold, each encoded to PNG (target ≤ 50 ms); reading and gating are timed apart.
func plot(_ file: String, template path: String, repeats: Int) throws {
    let template = try TemplateReader.read(contentsOf: path)
    let sample = try FCSFile.readSample(file)
    let session = try GatingSession(strategy: template.strategy(for: sample), sample: sample)
    print(String(format: "plot %@ (%d events) with %@: best of %d, one core, 320 px", (file as NSString).lastPathComponent,
                 sample.eventCount, (path as NSString).lastPathComponent, repeats))
    for population in ["cells", "macrophages", "CD206+"] {
        var bytes = 0
        let seconds = try best(repeats) { bytes = try GatePlot(session: session, population: population, size: 320).png().count }
        let parent = session.result.count(session.strategy.populations.first { $0.id == population }?.parent ?? population)
        print(String(format: "  %@ %6.1f ms  (%d parent events, PNG %d bytes; target ≤ 50 ms)", population.padding(toLength: 12, withPad: " ", startingAt: 0), seconds * 1e3,
                     population == "cells" ? sample.eventCount : parent, bytes))
    }
}

/// Review: the gallery of every FCS file in a folder on 2 cores (target ≤ 30 s for 100 samples × 8 gates), then
/// a rerun after raising one gate's threshold (target ≤ 15 % of the first run) and a rerun with nothing changed.
func review(_ folder: String, template path: String) throws {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".fcs") }.sorted()
    let entries = files.map { ReviewGallery.Entry(id: ($0 as NSString).deletingPathExtension, file: folder + "/" + $0) }
    let out = NSTemporaryDirectory() + "flowstudy-bench-review-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: out) }
    func run(_ text: String) throws -> (Double, ReviewGallery.Result) {
        let gallery = ReviewGallery(template: try TemplateReader.read(text, name: "bench.json"), templateText: text, entries: entries, jobs: 2)
        let start = now()
        let result = try gallery.build(in: out)
        return (now() - start, result)
    }
    let (first, result) = try run(text)
    let gates = Set(result.cells.map(\.population)).count
    print(String(format: "review: %d samples × %d gates on 2 cores: %.2f s (target ≤ 30 s)", entries.count, gates, first))
    let line = #""dimensions": [{"marker": "CD206", "compensated": true, "transform": "logicle", "min": 0.5}]"#
    guard text.contains(line) else { print("  rerun: the template has no CD206 threshold of 0.5 to edit"); return }
    let (rerun, edited) = try run(text.replacingOccurrences(of: line, with: line.replacingOccurrences(of: "0.5}", with: "0.6}")))
    print(String(format: "  rerun after editing the CD206+ gate: %.2f s, %.1f %% of the first run (target ≤ 15 %%), %d cells redrawn",
                 rerun, 100 * rerun / first, edited.cells.filter(\.drawn).count))
    let (unchanged, _) = try run(text.replacingOccurrences(of: line, with: line.replacingOccurrences(of: "0.5}", with: "0.6}")))
    print(String(format: "  rerun with nothing changed: %.2f s", unchanged))
}

/// Runs `arguments` as a child process; its wall time and peak resident set (from `wait4`), in seconds and MB.
func measuredChild(_ arguments: [String]) -> (seconds: Double, cpu: Double, peakMB: Double, status: Int32) {
    var pid: pid_t = 0
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    defer { posix_spawn_file_actions_destroy(&actions) }
    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let start = now()
    guard posix_spawn(&pid, arguments[0], &actions, nil, argv, environ) == 0 else { return (.nan, .nan, .nan, -1) }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
    // ru_maxrss is in KiB; MB here are 10^6 bytes, as the file sizes beside them.
    return (now() - start, cpu, Double(usage.ru_maxrss) * 1024 / 1e6, status)
}

/// inspect, gate and export --format csv through the release CLI, each in a fresh process.
func memory(_ file: String, template: String) throws {
    let binary = ProcessInfo.processInfo.environment["FLOWSTUDY_BIN"] ?? "../.build/release/flowstudy"
    let size = Double((try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0) / 1e6
    let csv = NSTemporaryDirectory() + "flowstudy-bench-\(getpid()).csv"
    defer { try? FileManager.default.removeItem(atPath: csv) }
    print(String(format: "memory: %@ (%.0f MB), %@", file, size, binary))
    let runs: [(String, [String], String)] = [
        ("inspect", ["inspect", file], "far below the file"),
        ("gate", ["gate", file, "--template", template], "≤ 1.5× the file"),
        ("export --format csv", ["export", file, "--format", "csv", "-o", csv], "≤ 5 s, ≤ 1.5× the file"),
    ]
    for (name, arguments, target) in runs {
        let (seconds, cpu, peak, status) = measuredChild([binary] + arguments)
        let label = name.padding(toLength: 20, withPad: " ", startingAt: 0)
        print(String(format: "  %@ %6.2f s wall, %6.2f s CPU (user + system)  peak RSS %5.0f MB = %.2f× the file  (target %@)%@",
                     label, seconds, cpu, peak, peak / size, target, status == 0 ? "" : "  exit status \(status)"))
    }
}

MemoryTuning.reuseLargeAllocations()
let arguments = Array(CommandLine.arguments.dropFirst())
let repeats = arguments.firstIndex(of: "--repeat").flatMap { Int(arguments[$0 + 1]) } ?? 7
do {
    switch arguments.first {
    case "parse" where arguments.count >= 2: try parse(arguments[1], repeats: repeats)
    case "gate" where arguments.count >= 3: try gate(arguments[1], template: arguments[2], repeats: repeats)
    case "elisa" where arguments.count >= 3: try elisa(arguments[1], layout: arguments[2], repeats: repeats)
    case "plot" where arguments.count >= 3: try plot(arguments[1], template: arguments[2], repeats: repeats)
    case "review" where arguments.count >= 3: try review(arguments[1], template: arguments[2])
    case "outcomes": try outcomesBenchmark(repeats: min(repeats, 5))
    case "batch" where arguments.count >= 3: try batch(arguments[1], template: arguments[2], flowKit: arguments.contains("--flowkit"))
    case "memory" where arguments.count >= 3: try memory(arguments[1], template: arguments[2])
    case "adaptive":
        func option(_ name: String) -> String? { arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil } }
        try adaptiveBenchmark(files: option("--files").flatMap { Int($0) } ?? 100, events: option("--events").flatMap { Int($0) } ?? 100_000,
                              jobs: option("--jobs").flatMap { Int($0) } ?? 2, rounds: option("--rounds").flatMap { Int($0) } ?? 3,
                              folder: option("--folder"))
    default:
        print("usage: flowstudy-bench parse FILE.fcs [--repeat N]\n       flowstudy-bench gate FILE.fcs TEMPLATE.json [--repeat N]\n       flowstudy-bench batch FOLDER TEMPLATE.json [--flowkit]\n       flowstudy-bench elisa PLATE LAYOUT [--repeat N]\n       flowstudy-bench plot FILE.fcs TEMPLATE.json [--repeat N]\n       flowstudy-bench review FOLDER TEMPLATE.json\n       flowstudy-bench memory FILE.fcs TEMPLATE.json\n       flowstudy-bench adaptive [--files 100] [--events 100000] [--jobs 2] [--rounds 3] [--folder DIR]\n       flowstudy-bench outcomes")
        exit(64)
    }
} catch {
    print("flowstudy-bench: \(error)")
    exit(65)
}
