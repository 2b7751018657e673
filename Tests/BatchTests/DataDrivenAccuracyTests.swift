import Foundation
import Testing
import TestSupport
import FCS
import Gating
import Simulation
@testable import Batch

/// The data-driven template against the simulator's truth (issue 15): 40 donors, a third of them shifted (CD14
/// and CD45 half a decade lower, the dead-cell peak 0.3 decade higher, scatter ±15 %). Each gate's F1 is computed
/// from the truth sidecar's populations, independently of FlowStudy's counts.
@Suite("Data-driven gates against the simulator's truth")
struct DataDrivenAccuracyTests {
    /// One simulated donor.
    struct Donor: Sendable {
        var id: String
        var shifted: Bool
        var sample: Sample
        var truth: TruthSidecar
    }

    /// 40 donors of 4,000 events; donors 2, 5, 8, … (13 of 40) shifted, their scatter alternately 15 % up and down.
    static let donors: [Donor] = {
        (0..<40).compactMap { k in
            var simulator = MacrophageSimulator(events: 4_000, seed: UInt64(500 + k))
            let shifted = k % 3 == 2
            if shifted { simulator.shift = .lowMyeloidDonor(scatterDrift: (k / 3) % 2 == 0 ? 0.15 : -0.15) }
            guard let simulated = try? simulator.simulate() else { return nil }
            return Donor(id: "D\(k)", shifted: shifted, sample: simulated.sample, truth: simulated.truth)
        }
    }()

    /// What each population should hold (docs/simulation.md).
    static let truthOf: [String: Set<MacrophageSimulator.Population>] = [
        "singlets": [.dead, .lymphocyte, .macrophage],
        "live": [.lymphocyte, .macrophage],
        "macrophages": [.macrophage],
    ]

    /// F1 = 2·TP / (2·TP + FP + FN) of a population's events against the true members.
    static func f1(_ members: EventSet, truth: TruthSidecar, wanted: Set<MacrophageSimulator.Population>) -> Double {
        var tp = 0, fp = 0, fn = 0
        for (event, population) in truth.populations.enumerated() {
            let gated = members.contains(event), meant = wanted.contains(population)
            if gated && meant { tp += 1 } else if gated { fp += 1 } else if meant { fn += 1 }
        }
        return 2 * Double(tp) / Double(2 * tp + fp + fn)
    }

    /// F1 of singlets, live and macrophages for every donor under `template` (`dataDriven`: checks that each of
    /// those gates was computed, none fell back).
    static func scores(_ template: GatingTemplate, dataDriven: Bool) throws -> [(donor: Donor, f1: [String: Double])] {
        try donors.map { donor in
            let session = try GatingSession(strategy: template.strategy(for: donor.sample), sample: donor.sample)
            // Every data-driven gate was computed from the donor's events, none fell back.
            for decision in session.result.decisions where dataDriven && truthOf[decision.population] != nil {
                #expect(decision.source == .computed && decision.flags.isEmpty, "\(donor.id) \(decision.population): \(decision.source) \(decision.flags)")
            }
            var f1: [String: Double] = [:]
            for (population, wanted) in truthOf {
                f1[population] = Self.f1(session.result.membership[population] ?? EventSet(eventCount: donor.sample.eventCount),
                                         truth: donor.truth, wanted: wanted)
            }
            return (donor, f1)
        }
    }

    static func template(_ name: String) throws -> GatingTemplate {
        try TemplateReader.read(contentsOf: SharedData.repositoryRoot.appendingPathComponent("gating-templates/\(name)").path)
    }

    /// Prints the smallest, median and largest F1 of each population in a group.
    static func report(_ label: String, _ rows: [(donor: Donor, f1: [String: Double])]) {
        for population in ["singlets", "live", "macrophages"] {
            let values = rows.compactMap { $0.f1[population] }.sorted()
            guard let low = values.first, let high = values.last else { continue }
            print("data-driven accuracy: \(label) \(population): F1 min \(String(format: "%.4f", low)), median \(String(format: "%.4f", values[values.count / 2])), max \(String(format: "%.4f", high)) over \(values.count) donors")
        }
    }

    @Test("40 donors, 13 shifted: the adaptive template's singlets, live and macrophages reach F1 ≥ 0.97 for every donor; the fixed template's macrophages lose ≥ 0.08 of F1 on every shifted donor")
    func accuracy() throws {
        #expect(Self.donors.count == 40 && Self.donors.filter(\.shifted).count == 13)
        let adaptiveTemplate = try Self.template("mdm-macrophages-adaptive.json"), fixedTemplate = try Self.template("mdm-macrophages.json")
        // The same populations and readouts; only singlets, live and macrophages are computed per tube.
        #expect(adaptiveTemplate.strategy.populations.map(\.id) == fixedTemplate.strategy.populations.map(\.id))
        #expect(adaptiveTemplate.strategy.populations.filter { $0.method != nil }.map(\.id) == ["singlets", "live", "macrophages"])
        let adaptive = try Self.scores(adaptiveTemplate, dataDriven: true)
        let fixed = try Self.scores(fixedTemplate, dataDriven: false)
        for shifted in [false, true] {
            Self.report("adaptive, \(shifted ? "shifted" : "unshifted")", adaptive.filter { $0.donor.shifted == shifted })
            Self.report("fixed, \(shifted ? "shifted" : "unshifted")", fixed.filter { $0.donor.shifted == shifted })
        }
        for row in adaptive {
            for (population, value) in row.f1 { #expect(value >= 0.97, "adaptive \(row.donor.id)\(row.donor.shifted ? " (shifted)" : "") \(population): F1 \(value)") }
        }
        // The shifts matter: the fixed template is right for unshifted donors and wrong for shifted ones. With the
        // issue's shift sizes its macrophages' F1 is 0.90–0.91 on the shifted donors (recall ≈ 0.85: about 12 % of
        // the macrophages fall below CD14 0.55 and 3 % below CD45 0.55 once the stains are half a decade lower),
        // so the bound asserted is 0.92 and 0.08 below the adaptive template's on the same donor.
        for (row, adaptiveRow) in zip(fixed, adaptive) {
            let value = row.f1["macrophages"] ?? .nan, adaptiveValue = adaptiveRow.f1["macrophages"] ?? .nan
            if row.donor.shifted {
                #expect(value < 0.92 && adaptiveValue - value >= 0.08, "fixed \(row.donor.id) (shifted) macrophages: F1 \(value), adaptive \(adaptiveValue)")
            } else {
                #expect(value >= 0.99, "fixed \(row.donor.id) macrophages: F1 \(value)")
            }
        }
    }

    @Test("a batch of six donors (two shifted) with the adaptive template: every data-driven gate computed, the macrophage counts within 1 % of the truth's")
    func batch() throws {
        let folder = try TemporaryDirectory()
        var lines = ["sample_id,fcs_file"]
        var trueMacrophages: [String: Int] = [:]
        for donor in Self.donors.prefix(6) {
            try FCSWriter().write(donor.sample, to: folder.path("\(donor.id).fcs"))
            lines.append("\(donor.id),\(donor.id).fcs")
            trueMacrophages[donor.id] = donor.truth.populations.filter { $0 == .macrophage }.count
        }
        let sheet = folder.path("samples.csv")
        try (lines.joined(separator: "\n") + "\n").write(toFile: sheet, atomically: false, encoding: .utf8)
        let result = BatchRunner(template: try Self.template("mdm-macrophages-adaptive.json"), sheet: try SampleSheet.read(csv: sheet),
                                 options: BatchOptions(jobs: 2, quiet: true)).run()
        #expect(result.errors.isEmpty)
        let gates = result.gates.map { Dictionary(uniqueKeysWithValues: zip(BatchResult.gatesHeader, $0)) }
        let computed = gates.filter { ["singlets", "live", "macrophages"].contains($0["population"] ?? "") }
        #expect(computed.count == 18)
        #expect(computed.allSatisfy { $0["source"] == "computed" }, "\(computed.filter { $0["source"] != "computed" })")
        let populations = result.populations.map { Dictionary(uniqueKeysWithValues: zip(BatchResult.populationsHeader, $0)) }
        for row in populations where row["population"] == "macrophages" {
            let id = row["sample_id"] ?? "", count = Double(row["count"] ?? "") ?? .nan, truth = Double(trueMacrophages[id] ?? 0)
            #expect(abs(count - truth) <= 0.01 * truth, "\(id): \(count) macrophages gated, \(truth) true")
        }
        #expect(populations.filter { $0["population"] == "macrophages" }.count == 6)
    }

    @Test("the adaptive template follows docs/gating-template.schema.json",
          .enabled(if: pythonWith(["jsonschema"]) != nil, "no Python with jsonschema (.ci/run installs it in .venv): schema check skipped"))
    func schema() throws {
        let python = try #require(pythonWith(["jsonschema"]))
        let root = SharedData.repositoryRoot
        let check = run(python, ["-c", "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))",
                                 root.appendingPathComponent("docs/gating-template.schema.json").path,
                                 root.appendingPathComponent("gating-templates/mdm-macrophages-adaptive.json").path])
        #expect(check.status == 0, "\(check.stderr)")
    }
}
