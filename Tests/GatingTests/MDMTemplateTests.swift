import Foundation
import Testing
import TestSupport
import FCS
@testable import Gating

/// The study template `gating-templates/mdm-macrophages.json` against the independent references:
/// `../shared/perf/expected-1M.json` (FlowKit, cross-checked by numpy) on the generated 1M-event file, and the
/// reference cohort's `expected/populations.csv` on all 126 files.
@Suite("The MDM template reproduces the references")
struct MDMTemplateTests {
    static let templatePath = SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path

    static func template() throws -> GatingTemplate { try TemplateReader.read(contentsOf: templatePath) }

    @Test("the template reads without problems")
    func reads() throws {
        let template = try Self.template()
        #expect(template.strategy.populations.map(\.id) == ["cells", "singlets", "live", "macrophages", "CD86+", "CD206+", "CD163+", "CD204+", "TLR4+", "HLA-DR+"])
        #expect(template.readouts.map(\.marker) == ["CD204", "CD206", "CD163", "CD86", "HLA-DR", "TLR4"])
        #expect(template.compensation == .file(allowMissing: false))
    }

    @Test("reference cohort: every file's counts and percentages equal expected/populations.csv", .needsShared)
    func referenceCohort() throws {
        let folder = try #require(SharedData.url("study/reference-cohort"), Comment(rawValue: SharedData.skipMessage))
        let template = try Self.template()
        let expected = try String(contentsOf: folder.appendingPathComponent("expected/populations.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let sheet = try String(contentsOf: folder.appendingPathComponent("samples.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let files = Dictionary(uniqueKeysWithValues: sheet.map { ($0[0], $0[10]) })
        var sessions: [String: GatingSession] = [:]
        var checked = 0
        for row in expected {
            let (sampleID, population, parent, count) = (row[0], row[1], row[2], Int(row[3])!)
            if sessions[sampleID] == nil {
                let sample = try FCSFile.readSample(folder.appendingPathComponent(try #require(files[sampleID])).path)
                sessions[sampleID] = try GatingSession(strategy: template.strategy(for: sample), sample: sample)
            }
            let result = sessions[sampleID]!.result
            #expect(result.count(population) == count, "\(sampleID) \(population)")
            #expect((result.parents[population] ?? "root") == parent)
            #expect(result.percentOfParent(population).isApproximatelyEqual(to: Double(row[4])!, relativeTolerance: 1e-12), "\(sampleID) \(population) %parent")
            #expect(result.percentOfTotal(population).isApproximatelyEqual(to: Double(row[5])!, relativeTolerance: 1e-12), "\(sampleID) \(population) %total")
            checked += 1
        }
        #expect(checked == 1260)
    }

    @Test("1M events: counts identical to FlowKit, macrophage medians within 1e-6", .enabled(if: pythonWith(["numpy"]) != nil, "no Python with numpy to generate the 1M file: set FLOWSTUDY_PYTHON"), .needsShared)
    func oneMillion() throws {
        let generator = try #require(SharedData.url("perf/gen_synthetic.py"), Comment(rawValue: SharedData.skipMessage))
        let expectedURL = try #require(SharedData.url("perf/expected-1M.json"), Comment(rawValue: SharedData.skipMessage))
        let python = try #require(pythonWith(["numpy"]))
        let folder = try TemporaryDirectory()
        let path = folder.path("mdm_1000000.fcs")
        let made = run(python, [generator.path, "--events", "1000000", "--seed", "1", "--out", path])
        #expect(made.status == 0, "\(made.stderr)")
        // The file is the one RESULTS.md describes.
        #expect(made.stdout.contains("sha256=d77ac6a6e73c0e3e3afae7d7c9cfa13147524adfb7a495cb3a5500f2513c038f"), "\(made.stdout)")
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: expectedURL)) as? [String: Any])
        let sample = try FCSFile.readSample(path)
        let template = try Self.template()
        let session = try GatingSession(strategy: template.strategy(for: sample), sample: sample)
        let gates = try #require(expected["gates"] as? [String: [String: Any]])
        for (id, gate) in gates {
            #expect(session.result.count(id) == gate["count"] as? Int, "\(id)")
            #expect(session.result.percentOfParent(id).isApproximatelyEqual(to: gate["percent_of_parent"] as! Double, relativeTolerance: 1e-12))
        }
        let medians = try #require(expected["macrophage_mfi_median_compensated_untransformed"] as? [String: Double])
        for (label, value) in medians {
            // "CD14 (BV421-A)"
            let channel = String(label.split(separator: "(")[1].dropLast())
            let ours = try session.median(channel, compensation: .file, population: "macrophages")
            #expect(ours.isApproximatelyEqual(to: value, relativeTolerance: 1e-6), "\(label): \(ours) vs \(value)")
        }
    }
}
