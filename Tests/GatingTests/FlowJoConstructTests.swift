import Foundation
import Testing
import FCS
@testable import Gating

/// Each FlowJo construct in a workspace written by the test, gated on events whose counts are worked out by hand.
///
/// The events, i = 0…9: `A = 10·i`, `B = 90 − 10·i` (booleans, groups); for compensation `A = 100·i` and
/// `B = 50·i + (1000 if i is even)`, which is `B_true + 0.5·A` with `B_true` 1000 on even events and 0 on odd ones.
@Suite("FlowJo workspace constructs with hand-computed counts")
struct FlowJoConstructTests {
    typealias F = FlowJoFixtures

    static let ten = (0..<10).map(Double.init)
    static let lines = F.events([("A", nil, ten.map { 10 * $0 }), ("B", nil, ten.map { 90 - 10 * $0 })])
    static let channelsAB: [(name: String, marker: String?)] = [("A", nil), ("B", nil)]

    static func counts(_ imported: FlowJoWorkspace.Imported, on sample: Sample) throws -> [String: Int] {
        let result = try GatingEngine.evaluate(try imported.template.strategy(for: sample), on: sample)
        var counts: [String: Int] = [:]
        for (id, path) in imported.paths { counts[path] = result.count(id) }
        return counts
    }

    @Test("AndNode, OrNode and NotNode (also on a nested path, and with a child of their own)")
    func booleanNodes() throws {
        let xml = F.workspace(groups: [("G", ["1"])], samples: [F.sample(id: "1", name: "lines.fcs", count: 10, channels: Self.channelsAB, nodes: [
            F.rectangle("lowA", [("A", nil, 55)], children: [F.rectangle("mid", [("A", 20, nil)])]),
            F.rectangle("lowB", [("B", nil, 45)]),
            F.boolean("AndNode", "both", ["lowA", "lowB"]),
            F.boolean("OrNode", "either", ["/lowA", "lowB"], children: [F.rectangle("highA", [("A", 80, nil)])]),
            F.boolean("NotNode", "notLowA", ["lowA"]),
            F.boolean("NotNode", "notMid", ["lowA/mid"]),
        ])])
        let imported = try F.read(xml).template(group: "G")
        #expect(imported.warnings.isEmpty, "\(imported.warnings)")
        // lowA: A < 55 → i 0…5 (6); mid: A ≥ 20 within → i 2…5 (4); lowB: B < 45 → i 5…9 (5).
        // both = {5} (1); either = all (10), highA: A ≥ 80 → i 8, 9 (2); notLowA = i 6…9 (4); notMid = 10 − 4 = 6.
        let expected = ["lowA": 6, "lowA/mid": 4, "lowB": 5, "both": 1, "either": 10, "either/highA": 2, "notLowA": 4, "notMid": 6]
        #expect(try Self.counts(imported, on: Self.lines) == expected)
        let both = try #require(imported.template.strategy.populations.first { $0.id == "both" })
        #expect(both.gate == .boolean(BooleanGate(operation: .and, operands: [.init(reference: "lowA"), .init(reference: "lowB")])))
    }

    @Test("eventsInside=\"0\" (the parent's events outside the gate) is NOT of a helper population holding the gate")
    func outsideGate() throws {
        var outside = F.rectangle("outA", [("A", nil, 55)], children: [F.rectangle("hi", [("A", 80, nil)])])
        outside.body = outside.body.replacingOccurrences(of: #"eventsInside="1""#, with: #"eventsInside="0""#)
        let xml = F.workspace(groups: [("G", ["1"])], samples: [F.sample(id: "1", name: "lines.fcs", count: 10, channels: Self.channelsAB, nodes: [
            F.rectangle("lowB", [("B", nil, 45)], children: [outside])])])
        let imported = try F.read(xml).template(group: "G")
        #expect(imported.template.strategy.populations.map(\.id) == ["lowB", "outA (inside)", "outA", "hi"])
        #expect(imported.warnings.count == 1 && imported.warnings[0].contains("imported as NOT of the helper population 'outA (inside)'"), "\(imported.warnings)")
        // lowB: B < 45 → i 5…9 (5); outside A < 55 within lowB → i 6…9 (4); hi: A ≥ 80 → i 8, 9 (2).
        #expect(try Self.counts(imported, on: Self.lines) == ["lowB": 5, "lowB/outA": 4, "lowB/outA/hi": 2])
    }

    static let spill = F.events([("A", nil, ten.map { 100 * $0 }),
                                 ("B", nil, ten.map { 50 * $0 + (Int($0) % 2 == 0 ? 1000 : 0) })],
                                keywords: [("$SPILLOVER", "2,A,B,1,0.5,0,1")], file: "spill.fcs")

    @Test("a custom matrix shared through transforms:id; Comp- dimensions compensated, bare ones not")
    func sharedMatrixByID() throws {
        let shared = F.matrix(name: "MyComp", id: "m-1", detectors: ["A", "B"], rows: [[1, 0.5], [0, 1]])
        let reference = #"<transforms:spilloverMatrix spectral="0" prefix="Comp-" name="MyComp" suffix="" transforms:id="m-1"/>"#
        let nodes = [F.rectangle("Bcomp", [("Comp-B", 200, nil)]), F.rectangle("Braw", [("B", 200, nil)])]
        let xml = F.workspace(groups: [("G", ["1", "2"])], matrices: shared, samples: [
            F.sample(id: "1", name: "s1.fcs", count: 10, channels: Self.channelsAB, matrix: reference, nodes: nodes),
            F.sample(id: "2", name: "s2.fcs", count: 10, channels: Self.channelsAB, matrix: reference, nodes: nodes),
        ])
        let workspace = try F.read(xml)
        #expect(workspace.samples.map { $0.matrix?.spillover.coefficients } == [[[1, 0.5], [0, 1]], [[1, 0.5], [0, 1]]])
        let imported = try workspace.template(group: "G")
        #expect(imported.template.compensation == .matrix("MyComp"))
        #expect(imported.template.strategy.populations.map { $0.gate.dimensions } == [
            [GateDimension(channel: "B", compensation: .matrix("MyComp"))], [GateDimension(channel: "B")]])
        // Compensated B = B − 0.5·A = 1000 on even events, 0 on odd ones: ≥ 200 on the 5 even events.
        // Raw B ≥ 200: the 5 even events and odd i with 50·i ≥ 200 (5, 7, 9): 8.
        #expect(try Self.counts(imported, on: Self.spill) == ["Bcomp": 5, "Braw": 8])
    }

    @Test("Fj_Comp_, FJComp-, <…> and Comp-$PnS names are the compensated $PnN; a $PnS alone is the uncompensated $PnN")
    func renamedChannels() throws {
        let acquisition = F.matrix(name: "Acquisition-defined", detectors: ["A", "B"], rows: [[1, 0.5], [0, 1]])
        let xml = F.workspace(groups: [("G", ["1"])], samples: [
            F.sample(id: "1", name: "spill.fcs", count: 10, channels: [("A", "CD3"), ("B", "CD4")], matrix: acquisition, nodes: [
                F.rectangle("fj", [("Fj_Comp_B", 200, nil)]), F.rectangle("fjexport", [("FJComp-B", 200, nil)]),
                F.rectangle("angle", [("<B>", 200, nil)]), F.rectangle("compMarker", [("Comp-CD4", 200, nil)]),
                F.rectangle("marker", [("CD4", 200, nil)]),
            ])])
        let imported = try F.read(xml).template(group: "G")
        #expect(imported.warnings.isEmpty, "\(imported.warnings)")
        // The acquisition-defined matrix is each file's own spillover keyword.
        #expect(imported.template.compensation == .file(allowMissing: false))
        #expect(imported.template.strategy.populations.map { $0.gate.dimensions[0] } == [
            GateDimension(channel: "B", compensation: .file), GateDimension(channel: "B", compensation: .file),
            GateDimension(channel: "B", compensation: .file), GateDimension(channel: "B", compensation: .file),
            GateDimension(channel: "B")])
        #expect(try Self.counts(imported, on: Self.spill) == ["fj": 5, "fjexport": 5, "angle": 5, "compMarker": 5, "marker": 8])
    }

    @Test("FlowJo's label of a $PnN with '/' ('FITC_GFP-A') is that $PnN, in gates and in the matrix's detectors")
    func slashLabels() throws {
        let matrix = F.matrix(name: "MyComp", detectors: ["A", "FITC_GFP-A"], rows: [[1, 0.5], [0, 1]])
        let xml = F.workspace(groups: [("G", ["1"])], samples: [
            F.sample(id: "1", name: "gfp.fcs", count: 10, channels: [("A", nil), ("FITC/GFP-A", nil)], matrix: matrix, nodes: [
                F.rectangle("comp", [("Comp-FITC_GFP-A", 200, nil)]), F.rectangle("raw", [("FITC_GFP-A", 200, nil)])])])
        let imported = try F.read(xml).template(group: "G")
        #expect(imported.warnings.isEmpty, "\(imported.warnings)")
        #expect(imported.template.strategy.populations.map { $0.gate.dimensions } == [
            [GateDimension(channel: "FITC/GFP-A", compensation: .matrix("MyComp"))], [GateDimension(channel: "FITC/GFP-A")]])
        #expect(imported.template.strategy.matrices["MyComp"]?.detectors == ["A", "FITC/GFP-A"])
        let gfp = F.events([("A", nil, Self.ten.map { 100 * $0 }), ("FITC/GFP-A", nil, Self.ten.map { 50 * $0 + (Int($0) % 2 == 0 ? 1000 : 0) })])
        // As in sharedMatrixByID: compensated ≥ 200 on the 5 even events, raw on 8.
        #expect(try Self.counts(imported, on: gfp) == ["comp": 5, "raw": 8])
    }

    @Test("a channel FlowJo exported compensated (FJComp-B is a $PnN) is that channel as it is, without a matrix")
    func exportedCompensatedChannel() throws {
        let xml = F.workspace(groups: [("G", ["1"])], samples: [
            F.sample(id: "1", name: "x.fcs", count: 10, channels: [("A", nil), ("FJComp-B", nil)], nodes: [F.rectangle("b", [("FJComp-B", 200, nil)])])])
        let imported = try F.read(xml).template(group: "G")
        #expect(imported.template.strategy.populations[0].gate.dimensions == [GateDimension(channel: "FJComp-B")])
        #expect(imported.template.compensation == .none)
    }

    /// s1 has a sample-specific lowA (A < 35) under the group's mid; s2 has the group's lowA (A < 55) and an extra
    /// gate of its own.
    static let groupWorkspace = F.workspace(groups: [("All Samples", ["1", "2"]), ("G", ["1", "2"])], samples: [
        F.sample(id: "1", name: "s1.fcs", count: 10, channels: channelsAB, nodes: [
            F.rectangle("lowA", owner: "", [("A", nil, 35)], children: [F.rectangle("mid", [("A", 20, nil)])])]),
        F.sample(id: "2", name: "s2.fcs", count: 10, channels: channelsAB, nodes: [
            F.rectangle("lowA", [("A", nil, 55)], children: [F.rectangle("mid", [("A", 20, nil)])]),
            F.rectangle("extra", owner: "", [("B", nil, 45)])]),
    ])

    @Test("--group takes the group's own gates even where the first member has a sample-specific copy; --sample takes that sample's")
    func groupVersusSample() throws {
        let workspace = try F.read(Self.groupWorkspace)
        let group = try workspace.template(group: "G")
        #expect(group.paths.values.sorted() == ["lowA", "lowA/mid"])
        // Group lowA: A < 55 → 6; mid (A ≥ 20) → 4.
        #expect(try Self.counts(group, on: Self.lines) == ["lowA": 6, "lowA/mid": 4])
        let s1 = try workspace.template(sample: "s1.fcs")
        // s1's own lowA: A < 35 → i 0…3 (4); mid → i 2, 3 (2).
        #expect(try Self.counts(s1, on: Self.lines) == ["lowA": 4, "lowA/mid": 2])
        let s2 = try workspace.template(sample: "s2.fcs")
        #expect(try Self.counts(s2, on: Self.lines) == ["lowA": 6, "lowA/mid": 4, "extra": 5])
        // The group "All Samples" owns none of the gates: nothing imported, each of the first member's gates listed,
        // and s2's gate of its own.
        let all = try workspace.template(group: "All Samples")
        #expect(all.template.strategy.populations.isEmpty)
        #expect(all.warnings.count == 3, "\(all.warnings)")
        #expect(all.warnings.last?.contains("'extra' belongs to sample 's2.fcs' alone") == true, "\(all.warnings)")
    }
}
