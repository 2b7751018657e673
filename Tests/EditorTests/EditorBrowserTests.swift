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

    @Test("drag the CD206+ threshold: the % changes while dragging, the save writes a template that gates to the page's counts, no console error",
          .enabled(if: ChromiumCheck.executable != nil, "Chromium is absent (Debian package chromium; .ci/run installs it): browser test skipped"),
          .enabled(if: pythonWith(["websocket"]) != nil, "no Python with websocket-client (.ci/run installs it in .venv): browser test skipped"))
    func dragThresholdAndSave() async throws {
        let chromium = try #require(ChromiumCheck.executable)
        let python = try #require(pythonWith(["websocket"]))
        let fixture = try EditorFixture(samples: 4, events: 20_000)
        let (port, task) = try await fixture.startLive()
        defer { task.cancel() }
        let screenshots = ProcessInfo.processInfo.environment["FLOWSTUDY_EDITOR_SCREENSHOTS"] ?? fixture.folder.path("screenshots")
        try FileManager.default.createDirectory(atPath: screenshots, withIntermediateDirectories: true)
        let url = "http://127.0.0.1:\(port)/?token=\(fixture.server.token)"
        // The browser is driven from another process while this one serves it: wait off the test's threads.
        let result = await withCheckedContinuation { done in
            DispatchQueue.global().async { done.resume(returning: run(python, [Self.script, chromium, url, "CD206+", "70", screenshots])) }
        }
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONDecoder().decode(PageReport.self, from: Data(result.stdout.utf8))
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
}
