import Foundation
import Testing
import TestSupport
@testable import Gating

/// Every input the libFuzzer harnesses (scripts/fuzz.sh) found to crash, hang or over-allocate, replayed
/// through the same calls as the harness: each must now end with an answer or a typed error, quickly.
@Suite("Fuzz regressions: templates and Gating-ML")
struct FuzzRegressionTests {
    static func inputs(_ target: String) -> [URL] {
        let folder = SharedData.repositoryRoot.appendingPathComponent("Fuzz/\(target)/regressions")
        return ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    @Test("JSON templates", arguments: inputs("TemplateReader"))
    func template(_ input: URL) throws {
        let text = String(decoding: try Data(contentsOf: input), as: UTF8.self)
        let start = Date()
        if let template = try? TemplateReader.read(text, name: "fuzz.json", folder: "/nonexistent-flowstudy-fuzz") {
            _ = TemplateWriter.json(template)
            if let strategy = try? template.strategyWithPanelChannels() { _ = try? GatingMLWriter.document(strategy, template: template) }
        }
        #expect(Date().timeIntervalSince(start) < 10, "\(input.lastPathComponent)")
    }

    @Test("Gating-ML documents", arguments: inputs("GatingML"))
    func gatingML(_ input: URL) throws {
        let data = try Data(contentsOf: input)
        let start = Date()
        if let (strategy, embedded) = try? GatingMLReader.document(data, name: "fuzz.xml") {
            _ = try? GatingMLWriter.document(strategy)
            if let embedded { _ = try? TemplateReader.read(embedded, name: "fuzz.xml (custom_info)", folder: "/nonexistent-flowstudy-fuzz") }
        }
        #expect(Date().timeIntervalSince(start) < 10, "\(input.lastPathComponent)")
    }
}
