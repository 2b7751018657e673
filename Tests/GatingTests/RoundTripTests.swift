import Foundation
import Testing
import TestSupport
import FCS
@testable import Gating

/// Gating-ML → FlowStudy → Gating-ML, and Gating-ML → JSON template → Gating-ML: the same per-event membership.
@Suite("Converting between Gating-ML and JSON templates keeps every event's membership")
struct RoundTripTests {
    @Test("import, export, import: identical membership", .needsShared, arguments: GatingMLComplianceTests.cases)
    func roundTrip(_ name: String) throws {
        let sample = try #require(GatingMLComplianceTests.data1)
        let original = try GatingMLReader.read(contentsOf: try #require(SharedData.url("gatingml/cases/\(name)/gate.xml")).path)
        let reference = try GatingEngine.evaluate(original, on: sample)

        let xml = try GatingMLWriter.document(original)
        let viaXML = try GatingMLReader.read(Data(xml.utf8), name: "\(name).xml")
        let json = TemplateWriter.json(TemplateWriter.template(from: original, name: name))
        let viaJSON = try TemplateReader.read(json, name: "\(name).json")
        let viaBoth = try GatingMLReader.read(Data(try GatingMLWriter.document(viaJSON.strategyWithPanelChannels()).utf8), name: "again.xml")

        for strategy in [viaXML, viaJSON.strategy, viaBoth] {
            let result = try GatingEngine.evaluate(strategy, on: sample)
            #expect(result.ids == reference.ids)
            for id in reference.ids {
                #expect(result.membership[id] == reference.membership[id], "\(name): \(id)")
            }
        }
    }

    @Test("the MDM template exports to Gating-ML and back with the same counts")
    func mdmTemplate() throws {
        let template = try MDMTemplateTests.template()
        let path = SharedData.repositoryRoot.appendingPathComponent("fcs-samples/mdm_untreated_seed1.fcs").path
        let sample = try FCSFile.readSample(path)
        let direct = try GatingEngine.evaluate(template.strategy(for: sample), on: sample)
        let xml = try GatingMLWriter.document(template.strategyWithPanelChannels())
        #expect(xml.contains(#"gating:compensation-ref="FCS""#))
        let back = try GatingEngine.evaluate(try GatingMLReader.read(Data(xml.utf8), name: "mdm.xml"), on: sample)
        for id in direct.ids { #expect(back.count(id) == direct.count(id), "\(id)") }
        #expect(direct.count("macrophages") > 5_000)
    }

    @Test("FlowKit opens the exported Gating-ML and gives the same counts",
          .enabled(if: pythonWith(["flowkit"]) != nil, "no Python with flowkit: set FLOWSTUDY_PYTHON (.ci/run installs it)"))
    func flowKitOpensExport() throws {
        let python = try #require(pythonWith(["flowkit"]))
        let folder = try TemporaryDirectory()
        let template = try MDMTemplateTests.template()
        let xmlPath = folder.path("mdm.xml")
        try GatingMLWriter.document(template.strategyWithPanelChannels()).write(toFile: xmlPath, atomically: false, encoding: .utf8)
        let fcsPath = SharedData.repositoryRoot.appendingPathComponent("fcs-samples/mdm_untreated_seed1.fcs").path
        let script = """
        import sys, json, flowkit as fk
        strategy = fk.parse_gating_xml(sys.argv[1])
        sample = fk.Sample(sys.argv[2])
        results = strategy.gate_sample(sample)
        report = results.report
        print(json.dumps({row["gate_name"]: int(row["count"]) for _, row in report.iterrows()}))
        """
        // FlowKit reports gates by their xs:ID (CD86+ is written CD86_x2B_, with its name kept beside it).
        let result = run(python, ["-c", script, xmlPath, fcsPath])
        #expect(result.status == 0, "\(result.stderr)")
        let counts = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Int])
        let sample = try FCSFile.readSample(fcsPath)
        let ours = try GatingEngine.evaluate(template.strategy(for: sample), on: sample)
        #expect(Set(counts.keys) == Set(ours.ids.map(GatingMLWriter.xmlID)))
        for id in ours.ids {
            let theirs = counts[GatingMLWriter.xmlID(id)]
            #expect(theirs == ours.count(id), "\(id): FlowKit \(theirs ?? -1), FlowStudy \(ours.count(id))")
        }
    }
}
