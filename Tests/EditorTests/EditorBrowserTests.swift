import Foundation
import Gating
import Testing
import TestSupport
@testable import Editor

/// The editor in a real browser: headless Chromium, driven over the DevTools protocol by
/// `Browser/drag_threshold.py` (Python with websocket-client, which `.ci/run` installs in `.venv`).
@Suite("Editor in a browser")
struct EditorBrowserTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/drag_threshold.py").path

    struct PageReport: Decodable {
        var failure: String?
        var address_after_load: String?
        var sample: String?
        var percent_before: Double?
        var count_before: Int?
        var percents_seen: [String]?
        var percent_while_dragging: Double?
        var percent_after: Double?
        var count_after: Int?
        var counts: [String: Int]?
        var changed: [String]?
        var save_text: String?
        var thumbnail_widths: [Int]?
        var errors: [String]
        var console: [String]
    }

    /// Serves `fixture` on a free port, runs `script` (Chromium, the URL, then `arguments(screenshot folder)`) and
    /// decodes what it printed (the server stops on return). `FLOWSTUDY_EDITOR_SCREENSHOTS=DIR` keeps the screenshots there.
    static func drive<Report: Decodable>(_ type: Report.Type, script: String, fixture: EditorFixture,
                                         arguments: (String) -> [String]) async throws -> (Report, screenshots: String, port: Int) {
        let chromium = try #require(ChromiumCheck.executable)
        let python = try #require(pythonWith(["websocket"]))
        let (port, task) = try await fixture.startLive()
        defer { task.cancel() }
        let screenshots = ProcessInfo.processInfo.environment["FLOWSTUDY_EDITOR_SCREENSHOTS"] ?? fixture.folder.path("screenshots")
        try FileManager.default.createDirectory(atPath: screenshots, withIntermediateDirectories: true)
        let command = [script, chromium, "http://127.0.0.1:\(port)/?token=\(fixture.server.token)"] + arguments(screenshots)
        // The browser is driven from another process while this one serves it: wait off the test's threads.
        let result = await withCheckedContinuation { done in
            DispatchQueue.global().async { done.resume(returning: run(python, command)) }
        }
        #expect(result.status == 0, "\(result.stderr)")
        return (try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8)), screenshots, port)
    }

    @Test("drag the CD206+ threshold: the % changes while dragging, the save writes a template that gates to the page's counts, no console error",
          .enabled(if: ChromiumCheck.executable != nil, "Chromium is absent (Debian package chromium; .ci/run installs it): browser test skipped"),
          .enabled(if: pythonWith(["websocket"]) != nil, "no Python with websocket-client (.ci/run installs it in .venv): browser test skipped"))
    func dragThresholdAndSave() async throws {
        let fixture = try EditorFixture(samples: 4, events: 20_000)
        let (report, screenshots, port) = try await Self.drive(PageReport.self, script: Self.script, fixture: fixture) { ["CD206+", "70", $0] }
        #expect(report.failure == nil, "\(report.failure ?? "") — screenshots in \(screenshots)")
        #expect(report.errors.isEmpty, "console errors: \(report.errors)")
        // The token left the address bar once the cookie was set.
        #expect(report.address_after_load == "http://127.0.0.1:\(port)/")
        let before = try #require(report.percent_before), dragging = try #require(report.percent_while_dragging)
        let after = try #require(report.percent_after)
        // Moving a lower threshold right keeps fewer events.
        #expect(dragging < before - 1, "the % shown while dragging: \(report.percents_seen ?? [])")
        #expect(abs(after - dragging) < 1e-9, "the preview while dragging and the re-gated % after release agree")
        #expect(report.changed?.count == 1)
        #expect(report.changed?.first?.hasSuffix("(CD206+)") == true)
        // The saved template, gated by the engine, gives the counts the page showed on every sample.
        let saved = try TemplateReader.read(contentsOf: fixture.templatePath)
        let counts = try #require(report.counts)
        #expect(counts.count == fixture.entries.count)
        for entry in fixture.entries {
            let engine = try EditorFixture.engineCounts(saved, file: entry.file)
            #expect(counts[entry.sampleID] == engine["CD206+"], "\(entry.sampleID)")
            if entry.sampleID == report.sample {
                #expect(report.count_after == engine["CD206+"])
                let percent = 100 * Double(engine["CD206+"] ?? 0) / Double(engine["macrophages"] ?? 1)
                #expect(abs(after - percent) < 1e-9)
            }
        }
        #expect(FileManager.default.fileExists(atPath: fixture.templatePath + ".1"))
        #expect(report.thumbnail_widths?.allSatisfy { $0 == 96 } == true)
    }

    static let computedScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/computed_gate.py").path

    struct PlotView: Decodable {
        var title: String
        var label: String?
        var source: String?
        var decided_shapes: Int
        var handles: Int
        var inputs: Int
        var help: String
    }

    struct ComputedReport: Decodable {
        var failure: String?
        var tree: [String]?
        var sample: String?
        var computed: PlotView?
        var override: PlotView?
        var badges: [[String?]]?
        var listed: [[String]]?
        var strip_badges: [[String?]]?
        var fixed: PlotView?
        var errors: [String]
        var console: [String]
    }

    @Test("a data-driven gate is drawn read-only with where it came from; the override is badged in the table, the strip and the list; no console error",
          .enabled(if: ChromiumCheck.executable != nil, "Chromium is absent (Debian package chromium; .ci/run installs it): browser test skipped"),
          .enabled(if: pythonWith(["websocket"]) != nil, "no Python with websocket-client (.ci/run installs it in .venv): browser test skipped"))
    func computedGateAndOverride() async throws {
        let fixture = try DecisionTests.fixture()
        let (report, screenshots, _) = try await Self.drive(ComputedReport.self, script: Self.computedScript, fixture: fixture) { ["live", "S2", "CD206+", $0] }
        #expect(report.failure == nil, "\(report.failure ?? "") — screenshots in \(screenshots)")
        #expect(report.errors.isEmpty, "console errors: \(report.errors)")
        #expect(report.tree == ["singlets", "live", "macrophages"])
        // The first stained sample, S1: its own computed gate, dashed, nothing to drag or type.
        #expect(report.sample == "S1")
        let computed = try #require(report.computed)
        #expect(computed.label == "S1: computed (mindensity)" && computed.source == "computed")
        #expect(computed.decided_shapes > 0 && computed.handles == 0 && computed.inputs == 0)
        #expect(computed.help.contains("Computed per sample (mindensity)"))
        let override = try #require(report.override)
        #expect(override.label == "S2: override: dead-cell peak 0.3 decade high" && override.source == "override")
        #expect(override.decided_shapes > 0 && override.handles == 0)
        // The table marks each sample's gate of `live`: S2 overridden (reason in the badge and its tooltip), S4 fell back.
        let badges = Dictionary(uniqueKeysWithValues: (report.badges ?? []).compactMap { row in row.first.flatMap { $0 }.map { ($0, row) } })
        #expect(badges["S1"]?[1] == "computed" && badges["S3"]?[1] == "computed")
        #expect(badges["S2"]?[1] == "override" && badges["S2"]?[2]?.contains("REASON:dead-cell peak 0.3 decade high") == true)
        #expect(badges["S2"]?[3] == "override: dead-cell peak 0.3 decade high")
        #expect(badges["S4"]?[1] == "fallback" && badges["S4"]?[2]?.contains("TOO_FEW_EVENTS:") == true)
        let strip = Dictionary(uniqueKeysWithValues: (report.strip_badges ?? []).compactMap { row in row.first.flatMap { $0 }.map { ($0, row[1]) } })
        #expect(strip["S2"] == "override" && strip["S4"] == "fallback" && strip["S1"] == .some(nil))
        // Listed like the gallery's "Overrides and fallbacks": S2's override, and S4's three fallbacks.
        let listed = (report.listed ?? []).map { "\($0[0]) \($0[1])" }
        #expect(listed.sorted() == ["S2 live", "S4 live", "S4 macrophages", "S4 singlets"], "\(report.listed ?? [])")
        // A fixed gate keeps its handles and coordinate boxes, and shows no decision.
        let fixed = try #require(report.fixed)
        #expect(fixed.handles > 0 && fixed.inputs > 0 && fixed.label == nil)
    }
}
