import Foundation
import Testing
import TestSupport
import FCS
import Transforms
@testable import Gating

/// `--group`: a member whose copy of a group gate differs (FlowJo's sample-specific gate) becomes an override in
/// the project's `flowstudy-overrides/1` format, in the template's own terms.
@Suite("FlowJo sample-specific gates as overrides")
struct FlowJoOverridesTests {
    typealias F = FlowJoFixtures

    @Test("s1's own lowA (A < 35) is an override for sample s1; s2 keeps the group's gate; the document reads back against the template")
    func sampleSpecificGate() throws {
        let imported = try F.read(FlowJoConstructTests.groupWorkspace).template(group: "G")
        let override = try #require(imported.overrides.overrides.first)
        #expect(imported.overrides.overrides.count == 1)
        #expect(override.sampleID == "s1" && override.population == "lowA")
        #expect(override.gate == .rectangle(RectangleGate(dimensions: [GateDimension(channel: "A")], minimum: [nil], maximum: [35])))
        #expect(override.reason.contains(#"owningGroup """#) && override.reason.contains("s1.fcs"), "\(override.reason)")
        // s2's gate of its own is listed, not dropped.
        #expect(imported.warnings.contains { $0.contains("'extra' belongs to sample 's2.fcs' alone") }, "\(imported.warnings)")

        // Per sample: s1 by hand A < 35 → 4, mid (A ≥ 20) → 2; s2 the group's 6 and 4.
        func counts(_ sampleID: String) throws -> [String: Int] {
            var template = imported.template
            template.strategy = imported.overrides.strategy(template.strategy, forSample: sampleID)
            let result = try GatingEngine.evaluate(try template.strategy(for: FlowJoConstructTests.lines), on: FlowJoConstructTests.lines)
            return ["lowA": result.count("lowA"), "mid": result.count("mid")]
        }
        #expect(try counts("s1") == ["lowA": 4, "mid": 2])
        #expect(try counts("s2") == ["lowA": 6, "mid": 4])

        var document = imported.overrides
        document.template = "t.json"
        let back = try GateOverrides.read(GateOverrides.json(document), name: "t.overrides.json", template: imported.template, sampleIDs: ["s1", "s2"])
        #expect(back == document)
    }

    @Test("a sample's own polygon whose vertices lie on one line is refused at its XML path, as the group's would be")
    func flatSampleSpecificPolygon() throws {
        let square: [[Double]] = [[0, 0], [50, 0], [50, 50], [0, 50]]
        let xml = F.workspace(groups: [("G", ["1", "2"])], samples: [
            F.sample(id: "1", name: "s1.fcs", count: 10, channels: FlowJoConstructTests.channelsAB, nodes: [F.polygon("p", "A", "B", square)]),
            F.sample(id: "2", name: "s2.fcs", count: 10, channels: FlowJoConstructTests.channelsAB, nodes: [
                F.polygon("p", owner: "", "A", "B", [[0, 0], [25, 25], [50, 50]])]),
        ])
        let error = try #require(throws: FlowJoError.self) { try F.read(xml).template(group: "G") }
        #expect(error.path == "/Workspace/SampleList[1]/Sample[2]/SampleNode[1]/Subpopulations[1]/Population[1]", "\(error.path)")
        #expect(error.message == FlowJoWorkspace.flatPolygon)
    }

    @Test("a differing boolean node cannot be overridden: listed with its XML path, the group's node kept")
    func booleanDifference() throws {
        let xml = F.workspace(groups: [("G", ["1", "2"])], samples: [
            F.sample(id: "1", name: "s1.fcs", count: 10, channels: FlowJoConstructTests.channelsAB, nodes: [
                F.rectangle("a", [("A", nil, 55)]), F.rectangle("b", [("B", nil, 45)]), F.boolean("AndNode", "ab", ["a", "b"])]),
            F.sample(id: "2", name: "s2.fcs", count: 10, channels: FlowJoConstructTests.channelsAB, nodes: [
                F.rectangle("a", [("A", nil, 55)]), F.rectangle("b", [("B", nil, 45)]), F.boolean("OrNode", "ab", owner: "", ["a", "b"])]),
        ])
        let imported = try F.read(xml).template(group: "G")
        #expect(imported.overrides.isEmpty)
        #expect(imported.warnings.contains { $0.hasPrefix("/Workspace/SampleList[1]/Sample[2]/SampleNode[1]/Subpopulations[1]/OrNode[1]: s2.fcs's 'ab' differs") },
                "\(imported.warnings)")
    }

    @Test("with a carried template the override is in its terms: the marker, compensation and logicle units of the study template")
    func carriedTemplateOverride() throws {
        let template = try MDMTemplateTests.template()
        let samples = try FlowJoExportTests.mdmSamples.map { try FCSFile.readSample($0) }
        let written = try FlowJoWorkspaceWriter.document(template, samples: FlowJoExportTests.files(samples), group: "Study", file: "mdm.json")
        // In the second sample only, "live" becomes sample-specific with its raw maximum at 1000.
        let marker = #"<Population name="live" annotation="" owningGroup="Study""#
        let second = try #require(written.xml.range(of: #"<SampleNode name="mdm_fmo_CD206_seed2.fcs""#))
        var xml = written.xml
        let live = try #require(xml.range(of: marker, range: second.upperBound..<xml.endIndex))
        xml.replaceSubrange(live, with: #"<Population name="live" annotation="" owningGroup="""#)
        let bound = try #require(xml.range(of: #"gating:max=""#, range: live.lowerBound..<xml.endIndex))
        let end = try #require(xml[bound.upperBound...].firstIndex(of: "\""))
        xml.replaceSubrange(bound.upperBound..<end, with: "1000")

        let imported = try F.read(xml).template(group: "Study")
        #expect(TemplateWriter.json(imported.template) == TemplateWriter.json(template))
        let override = try #require(imported.overrides.overrides.first)
        #expect(imported.overrides.overrides.count == 1 && override.sampleID == "mdm_fmo_CD206_seed2" && override.population == "live")
        guard case .rectangle(let gate) = override.gate else { Issue.record("expected a rectangle"); return }
        #expect(gate.dimensions == [GateDimension(marker: "Viability", compensation: .file, transform: "logicle")])
        let logicle = try LogicleTransform(T: 262_144, W: 0.5, M: 4.5, A: 0)
        #expect(gate.minimum == [nil])
        #expect(abs((gate.maximum[0] ?? .nan) - logicle.apply(1000)) < 1e-12)
        let text = GateOverrides.json(imported.overrides)
        _ = try GateOverrides.read(text, name: "mdm.overrides.json", template: template, sampleIDs: ["mdm_untreated_seed1", "mdm_fmo_CD206_seed2"])
    }
}
