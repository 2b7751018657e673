import Foundation
import Testing
import TestSupport
import Gating
@testable import Batch

/// Inputs the sample-sheet fuzz target (scripts/fuzz.sh SampleSheet) found, replayed through the harness's
/// calls: each must end with a sheet or `SampleSheet.Problems`, quickly.
@Suite("Fuzz regressions: sample sheets")
struct SampleSheetFuzzRegressionTests {
    static let inputs: [URL] = {
        let folder = SharedData.repositoryRoot.appendingPathComponent("Fuzz/SampleSheet/regressions")
        return ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }()

    @Test("each input gives a sheet or typed problems",
          .enabled(if: !inputs.isEmpty,
                   "no inputs in Fuzz/SampleSheet/regressions (the folder exists only once sample-sheet fuzzing has found something)"),
          arguments: inputs)
    func replay(_ input: URL) throws {
        let text = String(decoding: try Data(contentsOf: input), as: UTF8.self)
        let panel = try TemplateReader.read(ControlMatchingTests.template, name: "t.json")
        let start = Date()
        for template in [nil, panel] {
            do {
                _ = try SampleSheet.read(text: text, path: "/nonexistent-flowstudy-fuzz/samples.csv", template: template)
            } catch is SampleSheet.Problems {
            }
        }
        #expect(Date().timeIntervalSince(start) < 10, "\(input.lastPathComponent)")
    }
}
