import Batch
import FCS
import Foundation
import Gating
import Simulation
import TestSupport
@testable import Editor

/// Simulated tubes in a temporary folder, a copy of the study template beside them, and a session over both.
struct EditorFixture {
    let folder: TemporaryDirectory
    let templatePath: String
    let entries: [SampleSheet.Entry]
    /// The sheet the entries come from (the folder's, or `sheet`).
    let sheet: SampleSheet
    /// The overrides given to the session (empty without `overrides`) and where they are written.
    let overrides: GateOverrides
    let overridesPath: String
    let session: EditorSession
    let server: EditorServer

    static let studyTemplate = SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path
    /// The data-driven template (singlets, live and macrophages computed per tube).
    static let adaptiveTemplate = SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages-adaptive.json").path

    /// `samples` tubes of `events` events (seeds 70, 71, …), or the `tubes` given (`S1`, `S2`, … in order);
    /// `broken` adds a file that is not FCS. `changing` edits the template (the study's unless `template` names
    /// another) before it is written beside the samples; `overrides` (flowstudy-overrides/1 text) is written beside
    /// it as `template.overrides.json` and read as `flowstudy edit` reads it. `sheet` (samples.csv text, naming the
    /// tubes `fcs/S1.fcs`, …) replaces the folder as the sample sheet.
    init(samples: Int = 3, events: Int = 4_000, broken: Bool = false, template source: String = studyTemplate, tubes: [MacrophageSimulator]? = nil,
         overrides: String? = nil, sheet text: String? = nil, changing: ((inout GatingTemplate) throws -> Void)? = nil) throws {
        folder = try TemporaryDirectory("editor-test")
        templatePath = folder.path("template.json")
        try FileManager.default.copyItem(atPath: source, toPath: templatePath)
        if let changing {
            var template = try TemplateReader.read(contentsOf: templatePath)
            try changing(&template)
            try TemplateWriter.json(template).write(toFile: templatePath, atomically: true, encoding: .utf8)
        }
        let data = folder.path("fcs")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let simulators = tubes ?? (0..<samples).map { MacrophageSimulator(events: events, seed: UInt64(70 + $0)) }
        for (s, simulator) in simulators.enumerated() {
            try FCSWriter().write(try simulator.simulate().sample, to: data + "/S\(s + 1).fcs")
        }
        if broken { try Data("not an FCS file".utf8).write(to: URL(fileURLWithPath: data + "/S0-broken.fcs")) }
        let template = try TemplateReader.read(contentsOf: templatePath)
        if let text {
            try text.write(toFile: folder.path("samples.csv"), atomically: true, encoding: .utf8)
            sheet = try SampleSheet.read(csv: folder.path("samples.csv"), template: template)
        } else {
            sheet = try SampleSheet.read(folder: data)
        }
        entries = sheet.entries
        var gateOverrides = GateOverrides()
        if let overrides {
            overridesPath = GateOverrides.defaultPath(forTemplate: templatePath)
            try overrides.write(toFile: overridesPath, atomically: true, encoding: .utf8)
            gateOverrides = try GateOverrides.read(contentsOf: overridesPath, template: template, sampleIDs: Set(entries.map(\.sampleID)))
        } else {
            overridesPath = GateOverrides.defaultPath(forTemplate: templatePath)
        }
        self.overrides = gateOverrides
        session = EditorSession(templatePath: templatePath, template: template, entries: entries, overrides: gateOverrides,
                                matchesControls: sheet.matchesControls, jobs: 2)
        session.start()
        server = EditorServer(session: session, token: "0123456789abcdef0123456789abcdef")
    }

    /// The cookie the page carries (the in-process test client names no port: cookie of port 0).
    var cookie: HTTPHeaderCookie { HTTPHeaderCookie(value: "flowstudy_editor_0=\(server.token)") }

    /// Starts the server on a free loopback port; cancel the task to stop it.
    func startLive() async throws -> (port: Int, task: Task<Void, Error>) {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = server.application(port: 0) { port in continuation.yield(port) }
        let task = Task { try await app.run() }
        var ports = stream.makeAsyncIterator()
        guard let port = await ports.next() else { task.cancel(); throw CancellationError() }
        return (port, task)
    }

    /// The engine's counts of every population of `template` on sample file `file` (what `flowstudy gate` computes).
    static func engineCounts(_ template: GatingTemplate, file: String) throws -> [String: Int] {
        let sample = try FCSFile.readSample(file)
        let result = try GatingEngine.evaluate(try template.strategy(for: sample), on: sample)
        return Dictionary(uniqueKeysWithValues: result.ids.map { ($0, result.count($0)) })
    }
}

/// A cookie header value.
struct HTTPHeaderCookie { var value: String }
