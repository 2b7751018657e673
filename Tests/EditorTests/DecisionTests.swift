import Batch
import Foundation
import Gating
import Hummingbird
import HummingbirdTesting
import Simulation
import Testing
import TestSupport
@testable import Editor

/// Each sample's own gate as the editor shows it (issue 15): data-driven gates computed per tube, overrides and
/// fallbacks, against the batch's `gates.csv` rows for the same sheet and overrides.
@Suite("Editor: each sample's computed gate, overrides and fallbacks")
struct DecisionTests {
    static let dataDriven = ["singlets", "live", "macrophages"]

    /// S2's `live` gate replaced by an override (a logicle rectangle, as the fixed template writes it).
    static let overrides = """
    {"format": "flowstudy-overrides/1", "template": "template.json", "samples": {
      "S2": {"live": {"reason": "dead-cell peak 0.3 decade high",
        "gate": {"type": "rectangle", "dimensions": [{"marker": "Viability", "compensated": true, "transform": "logicle", "max": 0.5}]}}}}}
    """

    /// Four tubes under the adaptive template: two ordinary donors (S2 overridden), one shifted donor, and S4 with
    /// 60 events, fewer than the methods' 100: its data-driven gates fall back to their fixed gates.
    static func fixture() throws -> EditorFixture {
        var shifted = MacrophageSimulator(events: 6_000, seed: 502)
        shifted.shift = .lowMyeloidDonor(scatterDrift: 0.15)
        let tubes = [MacrophageSimulator(events: 6_000, seed: 500), MacrophageSimulator(events: 6_000, seed: 501), shifted,
                     MacrophageSimulator(events: 60, seed: 503)]
        return try EditorFixture(template: EditorFixture.adaptiveTemplate, tubes: tubes, overrides: overrides)
    }

    /// The batch's `gates.csv` rows (sample, population, method, coordinates, source, flags) of the same sheet,
    /// with the template as saved (or `template`).
    static func batchGates(_ fixture: EditorFixture, template edited: GatingTemplate? = nil) throws -> [String: [String]] {
        let template = try edited ?? TemplateReader.read(contentsOf: fixture.templatePath)
        let result = BatchRunner(template: template, sheet: fixture.sheet, options: BatchOptions(jobs: 1), overrides: fixture.overrides).run()
        #expect(result.errors.isEmpty, "\(result.errors)")
        return Dictionary(result.gates.map { ("\($0[0])/\($0[1])", $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// A `gates.csv` coordinates cell (a template gate's JSON) as the editor's shape, read independently of
    /// `GateShape`: rectangle bounds from each dimension's `min`/`max`, polygon vertices.
    static func shape(_ coordinates: String) throws -> GateShape {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(coordinates.utf8)) as? [String: Any])
        let dimensions = object["dimensions"] as? [[String: Any]] ?? []
        switch object["type"] as? String {
        case "rectangle":
            return GateShape(kind: "rectangle", min: dimensions.map { ($0["min"] as? NSNumber)?.doubleValue },
                             max: dimensions.map { ($0["max"] as? NSNumber)?.doubleValue })
        case "polygon":
            let vertices = try #require(object["vertices"] as? [[NSNumber]])
            return GateShape(kind: "polygon", vertices: vertices.map { $0.map(\.doubleValue) })
        default:
            Issue.record("unexpected gate \(coordinates)")
            return GateShape(kind: "none")
        }
    }

    static func close(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case let (x?, y?): abs(x - y) <= 1e-12 * max(1, abs(x), abs(y))
        default: false
        }
    }

    static func same(_ a: GateShape, _ b: GateShape) -> Bool {
        guard a.kind == b.kind else { return false }
        let pairs = zip(a.min ?? [], b.min ?? []).map { ($0, $1) } + zip(a.max ?? [], b.max ?? []).map { ($0, $1) }
        let vertices = zip((a.vertices ?? []).flatMap { $0 }, (b.vertices ?? []).flatMap { $0 }).map { (Optional($0), Optional($1)) }
        return a.min?.count == b.min?.count && a.max?.count == b.max?.count && a.vertices?.count == b.vertices?.count
            && (pairs + vertices).allSatisfy { close($0.0, $0.1) }
    }

    /// For every sample and population of `populations`: the plot's decision (coordinates, source, method, flags)
    /// equals the batch's `gates.csv` row. Returns the sources seen.
    @discardableResult
    static func expectBatchGates(_ fixture: EditorFixture, _ populations: [String], _ gates: [String: [String]]) throws -> Set<String> {
        var sources: Set<String> = []
        for entry in fixture.entries {
            for population in populations {
                let plot = try fixture.session.plot(sample: entry.sampleID, population: population, size: 96)
                let row = try #require(gates["\(entry.sampleID)/\(population)"], "no gates.csv row for \(entry.sampleID) \(population)")
                let decision = try #require(plot.decision, "\(entry.sampleID) \(population): no decision drawn")
                #expect(!plot.editable, "a data-driven gate is read-only")
                #expect(decision.source == row[4] && decision.method == row[2], "\(entry.sampleID) \(population): \(decision.source) \(decision.method) vs \(row)")
                #expect(decision.flags == (row[5].isEmpty ? [] : row[5].split(separator: ";").map(String.init)), "\(entry.sampleID) \(population)")
                let drawn = try #require(decision.gate, "\(entry.sampleID) \(population): no coordinates")
                #expect(Self.same(drawn.shape, try Self.shape(row[3])), "\(entry.sampleID) \(population): \(drawn.shape) vs \(row[3])")
                // No template gate to drag: only fixed siblings are listed.
                #expect(plot.gates.allSatisfy { $0.id != population })
                sources.insert(decision.source)
            }
        }
        return sources
    }

    @Test("the plot of a data-driven gate draws each sample's own gate: the batch's gates.csv coordinates, source, method and flags")
    func plotEqualsTheBatch() async throws {
        let fixture = try Self.fixture()
        #expect(await fixture.session.settle(timeout: 300))
        let sources = try Self.expectBatchGates(fixture, Self.dataDriven, Self.batchGates(fixture))
        // The sheet exercises every kind this template gives: computed, an override and fallbacks.
        #expect(sources == ["computed", "override", "fallback"])
    }

    @Test("an override is marked with its reason, a fallback with its flag, in the plot and in the table's rows")
    func overridesAndFallbacksMarked() async throws {
        let fixture = try Self.fixture()
        #expect(await fixture.session.settle(timeout: 300))
        let snapshot = fixture.session.snapshot()
        let nodes = Dictionary(uniqueKeysWithValues: snapshot.nodes.map { ($0.id, $0) })
        #expect(nodes["live"]?.method == "mindensity" && nodes["singlets"]?.method == "singlet" && nodes["cells"]?.method == nil)
        #expect(nodes["CD206+"]?.method == nil)
        let rows = Dictionary(uniqueKeysWithValues: snapshot.samples.map { ($0.id, $0) })

        let overridden = try #require(rows["S2"]?.decisions.first { $0.population == "live" })
        #expect(overridden.source == "override" && overridden.flags == ["REASON:dead-cell peak 0.3 decade high"])
        let plot = try fixture.session.plot(sample: "S2", population: "live", size: 96)
        #expect(plot.decision?.label == "override: dead-cell peak 0.3 decade high")
        // The override's rectangle, in its own (logicle) units: the plot is drawn on its axis.
        #expect(plot.decision?.gate?.shape == GateShape(kind: "rectangle", min: [nil], max: [0.5]))
        #expect(plot.x.label.contains("logicle"))

        // S4 has 60 events: every method fails on too few events and falls back.
        let fallback = try #require(rows["S4"]?.decisions.first { $0.population == "singlets" })
        #expect(fallback.source == "fallback")
        #expect(fallback.flags.contains { $0.hasPrefix("TOO_FEW_EVENTS:") }, "\(fallback.flags)")
        let tiny = try fixture.session.plot(sample: "S4", population: "singlets", size: 96)
        #expect(tiny.decision?.label.hasPrefix("fallback: TOO_FEW_EVENTS:") == true, "\(tiny.decision?.label ?? "")")

        // An ordinary donor: computed, no flags; the fixed populations have no decision in the row.
        let computed = try #require(rows["S1"]?.decisions.first { $0.population == "live" })
        #expect(computed.source == "computed" && computed.method == "mindensity" && computed.flags.isEmpty)
        #expect(rows["S1"]?.decisions.map(\.population).sorted() == ["live", "macrophages", "singlets"])
        let s1 = try fixture.session.plot(sample: "S1", population: "live", size: 96)
        #expect(s1.decision?.label == "computed (mindensity)")
        #expect(s1.x.label.contains("asinh"), "plotted in the method's own units: \(s1.x.label)")
    }

    @Test("a fixed gate stays editable; an override of it on one sample is drawn beside the template gate")
    func overrideOfAFixedGate() async throws {
        let overrides = """
        {"format": "flowstudy-overrides/1", "samples": {"S1": {"CD206+": {"reason": "bright tail",
          "gate": {"type": "rectangle", "dimensions": [{"marker": "CD206", "compensated": true, "transform": "logicle", "min": 0.6}]}}}}}
        """
        let fixture = try EditorFixture(samples: 2, overrides: overrides)
        #expect(await fixture.session.settle(timeout: 300))
        let plot = try fixture.session.plot(sample: "S1", population: "CD206+", size: 96)
        #expect(plot.editable && plot.method == nil)
        #expect(plot.gates.first?.shape == GateShape(kind: "rectangle", min: [0.5], max: [nil]))
        #expect(plot.decision?.source == "override" && plot.decision?.gate?.shape == GateShape(kind: "rectangle", min: [0.6], max: [nil]))
        #expect(try fixture.session.plot(sample: "S2", population: "CD206+", size: 96).decision == nil)
        // The override is what S1 is gated with: its count is the engine's with the override's gate in place.
        let template = try TemplateReader.read(contentsOf: fixture.templatePath)
        var edited = template
        let index = try #require(edited.strategy.populations.firstIndex { $0.id == "CD206+" })
        edited.strategy.populations[index].gate = try #require(fixture.overrides.overrides.first?.gate)
        let engine = try EditorFixture.engineCounts(edited, file: fixture.entries[0].file)
        #expect(plot.counts["CD206+"] == engine["CD206+"])
        // A drag of the template gate previews S1 on its override (unchanged), S2 with the dragged gate.
        let dragged = GateShape(kind: "rectangle", min: [0.3], max: [nil])
        let previewS1 = try fixture.session.preview(sample: "S1", population: "CD206+", shape: dragged)
        #expect(previewS1.counts["CD206+"] == engine["CD206+"] && previewS1.parentCount == engine["macrophages"])
        var draggedTemplate = template
        draggedTemplate.strategy.populations[index].gate = .rectangle(RectangleGate(dimensions: template.strategy.populations[index].gate.dimensions,
                                                                                   minimum: [0.3], maximum: [nil]))
        let previewS2 = try fixture.session.preview(sample: "S2", population: "CD206+", shape: dragged)
        #expect(previewS2.counts["CD206+"] == (try EditorFixture.engineCounts(draggedTemplate, file: fixture.entries[1].file))["CD206+"])
        // Dragging the template gate still works and still leaves S1 on its override.
        try fixture.session.edit(population: "CD206+", shape: GateShape(kind: "rectangle", min: [0.3], max: [nil]))
        #expect(await fixture.session.settle(timeout: 300))
        let after = fixture.session.snapshot().samples.first { $0.id == "S1" }
        #expect(after?.counts["CD206+"] == engine["CD206+"])
    }

    @Test("editing a data-driven gate is refused (typed error, 422 over HTTP) and changes nothing; preview too")
    func editOfAComputedGateRefused() async throws {
        let fixture = try Self.fixture()
        let before = fixture.session.snapshot().generation
        #expect {
            try fixture.session.edit(population: "live", shape: GateShape(kind: "rectangle", min: [nil], max: [0.6]))
        } throws: { error in
            guard let error = error as? EditorError else { return false }
            return error.code == .computedGate && error.place == "live" && error.message.contains("computed per sample (mindensity)")
                && error.message.contains("template.overrides.json")
        }
        #expect(throws: EditorError.self) {
            try fixture.session.preview(sample: "S1", population: "macrophages", shape: GateShape(kind: "rectangle", min: [0.5, 0.5], max: [nil, nil]))
        }
        #expect(fixture.session.snapshot().generation == before)
        #expect(TemplateWriter.json(fixture.session.template) == TemplateWriter.json(try TemplateReader.read(contentsOf: fixture.templatePath)))
        let app = Application(router: fixture.server.router())
        try await app.test(.router) { client in
            let body = ByteBuffer(string: #"{"population": "singlets", "gate": {"kind": "polygon", "vertices": [[0, 0], [1, 0], [1, 1]]}}"#)
            try await client.execute(uri: "/api/gate", method: .post,
                                     headers: [.cookie: fixture.cookie.value, .contentType: "application/json"], body: body) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("computed per sample (singlet)"))
            }
        }
        // A fixed gate of the same template is edited as before.
        try fixture.session.edit(population: "CD206+", shape: GateShape(kind: "rectangle", min: [0.6], max: [nil]))
        #expect(fixture.session.snapshot().generation == before + 1)
    }

    /// The adaptive template with `cells` as a `density` gate (a bin mask) and `live in CD206+`, a `ref` gate copying
    /// `live` onto CD206+ (its parent, not `live`'s).
    static func densityAndRef(_ template: inout GatingTemplate) throws {
        let cells = try #require(template.strategy.populations.firstIndex { $0.id == "cells" })
        let method = GateMethod(kind: .density(bins: 64, sigma: 2, gateFraction: 0.7, ranges: nil),
                                dimensions: template.strategy.populations[cells].gate.dimensions)
        template.strategy.populations[cells].method = method
        template.strategy.populations[cells].gate = method.placeholder
        let ref = GateMethod(kind: .ref("live"), dimensions: [])
        template.strategy.populations.append(Population(id: "live in CD206+", parent: "CD206+", gate: ref.placeholder, method: ref))
    }

    @Test("a density gate is drawn as the batch's accepted bins; a ref gate follows its target after an edit of its own parent")
    func densityBinsAndRef() async throws {
        let fixture = try EditorFixture(template: EditorFixture.adaptiveTemplate,
                                        tubes: [MacrophageSimulator(events: 6_000, seed: 510), MacrophageSimulator(events: 6_000, seed: 511)],
                                        changing: Self.densityAndRef)
        #expect(await fixture.session.settle(timeout: 300))
        let gates = try Self.batchGates(fixture)
        for entry in fixture.entries {
            let plot = try fixture.session.plot(sample: entry.sampleID, population: "cells", size: 96)
            let bins = try #require(plot.decision?.bins, "\(entry.sampleID): no bins")
            #expect(plot.decision?.gate == nil && plot.decision?.label == "computed (density)")
            // gates.csv writes edges as [low, high, bins] and the accepted bins as runs.
            let row = try #require(gates["\(entry.sampleID)/cells"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(row[3].utf8)) as? [String: Any])
            #expect(object["type"] as? String == "bins")
            for (edges, written) in [(bins.xEdges, object["x_edges"]), (bins.yEdges, object["y_edges"])] {
                let triple = try #require(written as? [NSNumber]).map(\.doubleValue)
                #expect(edges.count == 65 && Double(edges.count - 1) == triple[2])
                #expect(Self.close(edges.first, triple[0]) && Self.close(edges.last, triple[1]))
            }
            let runs = try #require(object["runs"] as? [[NSNumber]]).map { $0.map(\.intValue) }
            #expect(!runs.isEmpty && bins.runs == runs, "\(entry.sampleID): \(bins.runs.count) runs vs \(runs.count)")
        }
        // An edit of CD206+ re-gates `live in CD206+` but not `live`: the ref still finds live's decision.
        try fixture.session.edit(population: "CD206+", shape: GateShape(kind: "rectangle", min: [0.3], max: [nil]))
        #expect(await fixture.session.settle(timeout: 300))
        let snapshot = fixture.session.snapshot()
        for entry in fixture.entries {
            let row = try #require(snapshot.samples.first { $0.id == entry.sampleID })
            let ref = try #require(row.decisions.first { $0.population == "live in CD206+" })
            #expect(ref.source == "computed" && ref.flags == ["REF:live"], "\(entry.sampleID): \(ref.source) \(ref.flags)")
            let engine = try EditorFixture.engineCounts(fixture.session.template, file: entry.file)
            #expect(row.counts["live in CD206+"] == engine["live in CD206+"] && row.counts["CD206+"] == engine["CD206+"])
            #expect((engine["live in CD206+"] ?? 0) > 0)
            let plot = try fixture.session.plot(sample: entry.sampleID, population: "live in CD206+", size: 96)
            let live = try fixture.session.plot(sample: entry.sampleID, population: "live", size: 96)
            #expect(plot.decision?.gate?.shape == live.decision?.gate?.shape && plot.decision?.gate != nil)
        }
    }

    /// Two subjects on two plates, each with UT and RUX tubes; P1 also has an FMO CD14 tube (CD14 is what the
    /// adaptive template's macrophages gate reads). `live` is pooled per plate.
    static let pooledSheet = """
    sample_id,subject_id,condition,fcs_file,control_type,control_marker,plate
    P1_UT,P1,UT,fcs/S1.fcs,,,A
    P1_RUX,P1,RUX,fcs/S2.fcs,,,A
    P1_UT_FMO_CD14,P1,UT,fcs/S3.fcs,FMO,CD14,A
    P2_UT,P2,UT,fcs/S4.fcs,,,B
    P2_RUX,P2,RUX,fcs/S5.fcs,,,B

    """

    static func pooledFixture() throws -> EditorFixture {
        var shifted = MacrophageSimulator(events: 5_000, seed: 523)
        shifted.shift = .lowMyeloidDonor(scatterDrift: -0.15)
        let tubes = [MacrophageSimulator(events: 5_000, seed: 520), MacrophageSimulator(events: 5_000, seed: 521),
                     MacrophageSimulator(events: 5_000, seed: 522, fmoMarker: "CD14"), shifted, MacrophageSimulator(events: 5_000, seed: 524)]
        return try EditorFixture(template: EditorFixture.adaptiveTemplate, tubes: tubes, sheet: pooledSheet) { template in
            let live = try #require(template.strategy.populations.firstIndex { $0.id == "live" })
            template.strategy.populations[live].method?.groupBy = ["plate"]
            template.strategy.populations[live].method?.pool = true
        }
    }

    @Test("pooled gates and a control's gate on its own marker are the batch's, also after an edit upstream of them")
    func pooledAndControlGates() async throws {
        let fixture = try Self.pooledFixture()
        #expect(await fixture.session.settle(timeout: 300))
        var sources = try Self.expectBatchGates(fixture, Self.dataDriven, Self.batchGates(fixture))
        #expect(sources.isSuperset(of: ["computed", "pooled:A", "pooled:B"]), "\(sources)")
        let rows = Dictionary(uniqueKeysWithValues: fixture.session.snapshot().samples.map { ($0.id, $0) })
        #expect(rows["P1_UT_FMO_CD14"]?.decisions.first { $0.population == "macrophages" }?.flags.contains("FROM:P1_UT") == true)
        #expect(rows["P1_RUX"]?.decisions.first { $0.population == "live" }?.source == "pooled:A")
        #expect(fixture.session.snapshot().nodes.first { $0.id == "live" }?.pooledBy == ["plate"])
        let plot = try fixture.session.plot(sample: "P1_UT_FMO_CD14", population: "macrophages", size: 96)
        #expect(plot.decision?.label == "computed (mindensity) · FROM:P1_UT", "\(plot.decision?.label ?? "")")

        // Moving the cells polygon moves every pooled and control gate below it: decided again, still the batch's.
        let cells = try #require(fixture.session.template.strategy.populations.first { $0.id == "cells" })
        guard case .polygon(let polygon) = cells.gate else { Issue.record("cells is not a polygon"); return }
        try fixture.session.edit(population: "cells", shape: GateShape(kind: "polygon", vertices: polygon.vertices.map { [$0[0] + 15_000, $0[1]] }))
        #expect(await fixture.session.settle(timeout: 300))
        let before = try Self.batchGates(fixture)
        let after = try Self.batchGates(fixture, template: fixture.session.template)
        #expect(before["P1_UT/live"]?[3] != after["P1_UT/live"]?[3], "the edit moves the pooled gate")
        sources = try Self.expectBatchGates(fixture, Self.dataDriven, after)
        #expect(sources.isSuperset(of: ["pooled:A", "pooled:B"]))
        // Every sample's counts are the batch's (populations.csv) on the edited template.
        let counts = Dictionary(BatchRunner(template: fixture.session.template, sheet: fixture.sheet, options: BatchOptions(jobs: 1)).run()
                                    .populations.map { ("\($0[0])/\($0[1])", $0) }, uniquingKeysWith: { first, _ in first })
        for row in fixture.session.snapshot().samples {
            for population in ["live", "macrophages", "CD206+"] {
                let batch = try #require(counts["\(row.id)/\(population)"])
                // populations.csv: sample_id, population, parent, count, …
                #expect(batch[3] == String(row.counts[population] ?? -1), "\(row.id) \(population): \(row.counts[population] ?? -1) vs \(batch)")
            }
        }
    }
}
