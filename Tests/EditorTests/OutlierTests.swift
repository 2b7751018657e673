import Batch
import FCS
import Foundation
import Gating
import Simulation
import Testing
import TestSupport
@testable import Editor

/// The strip's outlier marks: stained tubes only, beyond median ± 3 MAD and at least 2 points from the median.
@Suite("Editor outliers")
struct OutlierTests {
    @Test("a tube with CD206 on 95 % of macrophages is the only CD206+ outlier; the FMO tube (≈0 %) is not compared")
    func stainedOutlierOnly() async throws {
        let folder = try TemporaryDirectory("editor-outliers")
        var rows = ["sample_id,fcs_file,subject_id,condition,control_type,control_marker"]
        for s in 1...5 {
            var simulator = MacrophageSimulator(events: 4_000, seed: UInt64(90 + s))
            if s == 5, let cd206 = simulator.expression["CD206"] {
                simulator.expression["CD206"] = .init(fractionPositive: 0.95, positiveMedian: cd206.positiveMedian, sigma: cd206.sigma)
            }
            try FCSWriter().write(try simulator.simulate().sample, to: folder.path("P\(s).fcs"))
            rows.append("P\(s),P\(s).fcs,S\(s),untreated,,")
        }
        try FCSWriter().write(try MacrophageSimulator(events: 4_000, seed: 99, fmoMarker: "CD206").simulate().sample, to: folder.path("F1.fcs"))
        rows.append("F1,F1.fcs,S1,untreated,FMO,CD206")
        try (rows.joined(separator: "\n") + "\n").write(toFile: folder.path("samples.csv"), atomically: true, encoding: .utf8)
        let template = try TemplateReader.read(contentsOf: EditorFixture.studyTemplate)
        let sheet = try SampleSheet.read(csv: folder.path("samples.csv"), template: template)
        let session = EditorSession(templatePath: folder.path("T.json"), template: template, entries: sheet.entries, jobs: 2)
        session.start()
        #expect(await session.settle(timeout: 120))
        let state = session.snapshot()
        #expect(state.samples.first { $0.id == "F1" }?.control == "FMO CD206")
        // The FMO tube has (almost) no CD206+ events, far from every stained tube, and is still not flagged.
        let fmo = try #require(state.samples.first { $0.id == "F1" }?.percent["CD206+"])
        #expect(fmo < 5)
        #expect(state.outliers["CD206+"] == ["P5"])
        // Every flag, on every gate, is at least 2 points from the stained tubes' median.
        for (population, flagged) in state.outliers {
            let stained = state.samples.filter { $0.control == nil }.compactMap { $0.percent[population] }.sorted()
            let median = stained.count % 2 == 1 ? stained[stained.count / 2] : (stained[stained.count / 2 - 1] + stained[stained.count / 2]) / 2
            for id in flagged {
                let value = try #require(state.samples.first { $0.id == id }?.percent[population])
                #expect(abs(value - median) >= 2, "\(population) on \(id)")
            }
        }
    }
}
