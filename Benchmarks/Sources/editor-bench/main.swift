// The gate editor's speed (issue 14), on a release build:
//
//   swift run -c release --package-path Benchmarks editor-bench DIR [--files 100] [--events 100000]
//
// writes DIR/fcs/S001.fcs … (simulated tubes, kept for the next run) and a copy of the study template, starts
// the editor's server on 127.0.0.1 and measures
//   • the drag round trip: POST /api/preview over HTTP for the 100,000-event sample, median and 95th percentile
//     of 200 drags (target ≤ 50 ms), and the server's own counting time;
//   • the re-gate of every file after an edit: the CD206+ threshold (its subtree: one gate), and the cells polygon
//     (the whole tree), each until every sample shows the edited template's counts.
import Batch
import Editor
import FCS
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Gating
import Simulation

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

func loadAverage() -> String { (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?" }

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

func benchmark() async throws {
    let arguments = Array(CommandLine.arguments.dropFirst())
    guard let folder = arguments.first else {
        print("usage: editor-bench DIR [--files N] [--events N]")
        exit(64)
    }
    func option(_ name: String, _ fallback: Int) -> Int {
        guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else { return fallback }
        return value
    }
    let files = option("--files", 100), events = option("--events", 100_000)
    let data = folder + "/fcs"
    try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
    var start = now()
    for s in 1...files {
        let path = data + String(format: "/S%03d.fcs", s)
        if FileManager.default.fileExists(atPath: path) { continue }
        try FCSWriter().write(try MacrophageSimulator(events: events, seed: UInt64(1000 + s)).simulate().sample, to: path)
    }
    print(String(format: "samples: %d files × %d events ready in %.1f s", files, events, now() - start))
    let study = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../gating-templates/mdm-macrophages.json").standardized.path
    let templatePath = folder + "/template.json"
    try? FileManager.default.removeItem(atPath: templatePath)
    try FileManager.default.copyItem(atPath: study, toPath: templatePath)
    let template = try TemplateReader.read(contentsOf: templatePath)
    let entries = try SampleSheet.read(folder: data).entries
    let jobs = ProcessInfo.processInfo.activeProcessorCount
    let session = EditorSession(templatePath: templatePath, template: template, entries: entries, jobs: jobs)
    print("load average before: \(loadAverage()) (\(jobs) cores)")
    start = now()
    session.start()
    _ = await session.settle(timeout: 3600)
    print(String(format: "first gating of every file: %.2f s", now() - start))
    let failed = session.snapshot().samples.filter { $0.failure != nil }
    if let first = failed.first { print("\(failed.count) samples failed, first: \(first.id): \(first.failure ?? "")"); exit(1) }

    // The drag round trip over HTTP.
    let server = EditorServer(session: session)
    let (stream, continuation) = AsyncStream<Int>.makeStream()
    let application = server.application(port: 0) { port in continuation.yield(port) }
    let task = Task { try await application.run() }
    var ports = stream.makeAsyncIterator()
    guard let port = await ports.next() else { exit(1) }
    let cookie = "flowstudy_editor_\(port)=\(server.token)"
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/preview")!)
    request.httpMethod = "POST"
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.setValue(cookie, forHTTPHeaderField: "Cookie")
    let urlSession = URLSession(configuration: .ephemeral)
    // A threshold on macrophages, and the root polygon, whose parent is every event of the file.
    let drags: [(String, (Double) -> String)] = [
        ("CD206+", { #"{"kind":"rectangle","min":[\#(0.4 + 0.3 * $0)],"max":[null]}"# }),
        ("cells", { #"{"kind":"polygon","vertices":[[\#(30000 + 10000 * $0),8000],[262143,8000],[262143,262143],[60000,262143],[35000,120000]]}"# }),
    ]
    for (population, gate) in drags {
        let plot = try session.plot(sample: "S001", population: population)
        var trips: [Double] = [], counting: [Double] = []
        for k in 0..<220 {
            request.httpBody = Data(#"{"sample":"S001","population":"\#(population)","gate":\#(gate(Double(k % 100) / 100))}"#.utf8)
            let t0 = now()
            let (body, response) = try await urlSession.data(for: request)
            let elapsed = now() - t0
            guard (response as? HTTPURLResponse)?.statusCode == 200 else { print(String(decoding: body, as: UTF8.self)); exit(1) }
            if k >= 20 {  // warm-up
                trips.append(elapsed * 1000)
                counting.append(try JSONDecoder().decode(EditorSession.PreviewData.self, from: body).milliseconds)
            }
        }
        print(String(format: "drag round trip of %@ (HTTP, %d parent events of %d): median %.2f ms, p95 %.2f ms, max %.2f ms; counting on the server: median %.3f ms",
                     population, plot.parentCount, events, percentile(trips, 0.5), percentile(trips, 0.95), trips.max() ?? 0, percentile(counting, 0.5)))
    }

    // Re-gating every file after an edit.
    for (population, shape) in [("CD206+", GateShape(kind: "rectangle", min: [0.62], max: [nil])),
                                ("cells", GateShape(kind: "polygon", vertices: [[36000, 9000], [262143, 9000], [262143, 262143], [60000, 262143], [36000, 120000]]))] {
        print("load average before: \(loadAverage())")
        start = now()
        try session.edit(population: population, shape: shape)
        _ = await session.settle(timeout: 3600)
        print(String(format: "re-gate of %d files × %d events after editing %@: %.2f s", files, events, population, now() - start))
    }
    // Cross-check and scale: the engine alone on a few files with the edited template, as `flowstudy gate` runs it.
    let edited = session.template
    let rows = session.snapshot().samples
    var engineTime = 0.0
    for index in [0, 49, 99] where index < entries.count {
        let t0 = now()
        let sample = try FCSFile.readSample(entries[index].file)
        let result = try GatingEngine.evaluate(try edited.strategy(for: sample), on: sample)
        engineTime += now() - t0
        let shown = rows[index].counts
        guard result.ids.allSatisfy({ shown[$0] == result.count($0) }) else { print("\(entries[index].sampleID): the editor's counts differ from the engine's"); exit(1) }
    }
    print(String(format: "the editor's counts equal the engine's on 3 files; the engine alone: %.1f ms per file (read and gate every population, one core)", engineTime / 3 * 1000))
    task.cancel()
    print("load average after: \(loadAverage())")
}

try await benchmark()
