import Foundation
import Testing
import TestSupport
import Batch
import FCS
import Gating
@testable import Plots

/// The gallery draws the gates the batch applies: a pooled gate computed on the pooled events of its key's stained
/// tubes, and a control's own-marker gate taken from its stained tube — not each tube's gate computed alone.
@Suite("Review gallery: gates decided by the group")
struct ReviewGalleryGroupGatesTests {
    static let template = #"""
    {"format": "flowstudy-gating/1",
     "panel": [{"marker": "M", "channels": ["M-A"]}],
     "populations": [
       {"id": "pooled", "parent": null, "gate": {"type": "quantile", "dimensions": [{"marker": "M"}], "probability": 0.5, "group_by": ["subject_id"], "pool": true}},
       {"id": "own", "parent": null, "gate": {"type": "quantile", "dimensions": [{"marker": "M"}], "probability": 0.5}}
     ]}
    """#

    /// Writes a tube with M = `m` and X = 0, 1, 2, … (one event per value).
    static func write(_ id: String, m: [Double], in folder: TemporaryDirectory) throws {
        let sample = Sample(file: "\(id).fcs", keywords: Keywords(), parameters: [Parameter(index: 1, name: "M-A"), Parameter(index: 2, name: "X")],
                            columns: [ChannelValues(m), ChannelValues(m.indices.map(Double.init))])
        try FCSWriter().write(sample, to: folder.path("\(id).fcs"))
    }

    /// P1's UT (M = 0…999), RUX (M = 1000…1999) and an FMO of M (UT, M = 0…99), with their sheet rows.
    static func cohort(in folder: TemporaryDirectory) throws -> [ReviewGallery.Entry] {
        let tubes: [(String, String, [Double], String?)] = [("P1_UT", "UT", (0..<1000).map(Double.init), nil),
                                                             ("P1_RUX", "RUX", (1000..<2000).map(Double.init), nil),
                                                             ("P1_UT_FMO_M", "UT", (0..<100).map(Double.init), "FMO")]
        return try tubes.map { id, condition, m, control in
            try write(id, m: m, in: folder)
            return ReviewGallery.Entry(SampleSheet.Entry(sampleID: id, file: folder.path("\(id).fcs"), subjectID: "P1", condition: condition,
                                                         controlType: control, controlMarker: control == nil ? nil : "M",
                                                         columns: ["subject_id": "P1", "condition": condition]))
        }
    }

    @Test("pooled cells show the key's median of both stained tubes; the FMO's own-marker cell shows its stained tube's median")
    func pooledAndControl() throws {
        let folder = try TemporaryDirectory()
        let entries = try Self.cohort(in: folder)
        let template = try TemplateReader.read(Self.template, name: "t.json")
        let result = try ReviewGallery(template: template, templateText: Self.template, entries: entries, jobs: 2, size: 96).build(in: folder.path("gallery"))
        #expect(result.failures.isEmpty, "\(result.failures)")
        func cell(_ sample: String, _ population: String) throws -> ReviewGallery.Cell {
            try #require(result.cells.first { $0.sample == sample && $0.population == population })
        }
        // Type-7 median of 0…1999 (UT and RUX pooled, the FMO left out) is 999.5: UT keeps none of its events
        // (all < 999.5), RUX all of them, the FMO none.
        #expect(try cell("P1_UT", "pooled").source == "pooled:P1" && cell("P1_UT", "pooled").percent == 0)
        #expect(try cell("P1_RUX", "pooled").source == "pooled:P1" && cell("P1_RUX", "pooled").percent == 100)
        #expect(try cell("P1_UT_FMO_M", "pooled").percent == 0)
        // Own gates: UT's median of 0…999 is 499.5 (half kept); the FMO takes it (0…99 all below: 0 %), flagged.
        #expect(try cell("P1_UT", "own").percent == 50 && cell("P1_UT", "own").source == "computed")
        let fmo = try cell("P1_UT_FMO_M", "own")
        #expect(fmo.percent == 0 && fmo.flags == ["FROM:P1_UT"])
        // Each computed alone, the FMO's median (49.5) would have kept half of its events.
    }

    @Test("a rerun after another tube of the key changes redraws the pooled gate's children from fresh events, as a fresh build draws them")
    func rerunAfterThePoolMoves() throws {
        let folder = try TemporaryDirectory()
        let entries = try Self.cohort(in: folder)
        // A child of the pooled gate: X ≥ 500 of its events.
        let late = #",\#n   {"id": "late", "parent": "pooled", "gate": {"type": "rectangle", "dimensions": [{"channel": "X", "min": 500}]}}\#n ]}"#
        let text = Self.template.replacingOccurrences(of: "\n ]}", with: late)
        let template = try TemplateReader.read(text, name: "t.json")
        #expect(template.strategy.populations.map(\.id) == ["pooled", "own", "late"])
        let gallery = ReviewGallery(template: template, templateText: text, entries: entries, jobs: 1, size: 96)
        let first = try gallery.build(in: folder.path("gallery"))
        // UT keeps nothing of the pooled gate (median 999.5): its `late` cell has an empty parent.
        #expect(first.cells.first { $0.sample == "P1_UT" && $0.population == "late" }?.percent == nil)
        // RUX now holds M = 500…1499: the pooled median of UT and RUX becomes 749.5, so UT keeps its events
        // 750…999, all of them with X ≥ 500.
        try Self.write("P1_RUX", m: (500..<1500).map(Double.init), in: folder)
        let rerun = try gallery.build(in: folder.path("gallery"))
        let fresh = try gallery.build(in: folder.path("fresh"))
        #expect(rerun.cells.first { $0.sample == "P1_UT" && $0.population == "late" }?.percent == 100)
        #expect(rerun.cells.map(\.percent) == fresh.cells.map(\.percent), "rerun \(rerun.cells.map(\.percent)), fresh \(fresh.cells.map(\.percent))")
    }
}
