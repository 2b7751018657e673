import Foundation
import Testing
import TestSupport
import Tables
import FCS
import Gating
@testable import Batch

/// The gates a group decides together, through the one type the batch, the gallery and the editor share: pooled
/// gates on the stained tubes' pooled events, and a control's own-marker gate taken from its stained tube.
@Suite("Group gates")
struct GroupGatesTests {
    /// The data-driven batch's cohort (P1: UT with two blocks on M, RUX with one mode, an FMO of M) read back.
    static func cohort() throws -> (GatingTemplate, SampleSheet, [String: Sample], TemporaryDirectory) {
        let folder = try TemporaryDirectory()
        let template = try TemplateReader.read(DataDrivenBatchTests.template, name: "t.json")
        let sheet = try SampleSheet.read(csv: try DataDrivenBatchTests.cohort(in: folder), template: template)
        var samples: [String: Sample] = [:]
        for entry in sheet.entries { samples[entry.sampleID] = try FCSFile.readSample(entry.file) }
        return (template, sheet, samples, folder)
    }

    static func cut(_ decision: GateDecision?) -> Double? {
        guard case .gate(let gate)? = decision?.gate, case .rectangle(let rectangle) = gate else { return nil }
        return rectangle.minimum.first ?? nil
    }

    @Test("decisions(for:) gives every tube of the key the pooled cut, and the FMO the UT tube's own cut, flagged FROM")
    func decisions() throws {
        let (template, sheet, samples, folder) = try Self.cohort()
        defer { withExtendedLifetime(folder) {} }
        let decider = GroupGates(template: template)
        #expect(decider.needsGroups(sheet.entries))
        let groups = decider.groups(sheet.entries, matchesControls: sheet.matchesControls)
        #expect(groups.map { $0.map(\.sampleID) } == [["P1_UT", "P1_RUX", "P1_UT_FMO_M"]])
        let decided = decider.decisions(for: groups[0], samples: samples)
        #expect(decided.failures.isEmpty)
        // Hand-computed apart from GroupGates: the method on the stained tubes' values (FMO left out), and on UT alone.
        let pooledCut = try #require(GatingMethods.mindensity(DataDrivenBatchTests.low + DataDrivenBatchTests.high + DataDrivenBatchTests.mode)?.value)
        let utCut = try #require(GatingMethods.mindensity(DataDrivenBatchTests.low + DataDrivenBatchTests.high)?.value)
        for id in ["P1_UT", "P1_RUX", "P1_UT_FMO_M"] {
            let pooled = decided.given[id]?["pooled"]
            #expect(pooled?.source == .pooled("P1") && Self.cut(pooled) == pooledCut, "\(id)")
        }
        let own = try #require(decided.given["P1_UT_FMO_M"]?["own"])
        #expect(Self.cut(own) == utCut && own.source == .computed && own.flags == ["FROM:P1_UT"])
        // The stained tubes compute their own gate when gated: nothing is given for it.
        #expect(decided.given["P1_UT"]?["own"] == nil && decided.given["P1_RUX"]?["own"] == nil)
    }

    @Test("values holding a comma or a quote never share a pooling key: (\"a,b\", c) and (a, \"b,c\") pool apart")
    func poolKeysKeepValuesApart() throws {
        let template = try TemplateReader.read(DataDrivenBatchTests.template.replacing(#"["subject_id"]"#, with: #"["batch", "vehicle"]"#), name: "t.json")
        func tube(_ id: String, _ batch: String, _ vehicle: String) -> SampleSheet.Entry {
            SampleSheet.Entry(sampleID: id, file: "\(id).fcs", columns: ["batch": batch, "vehicle": vehicle])
        }
        let tubes = [tube("T1", "a,b", "c"), tube("T2", "a", "b,c"), tube("T3", #"say "hi""#, "x"), tube("T4", "P1", "DMSO")]
        let keys = tubes.map { GroupGates.poolKey($0, ["batch", "vehicle"]) }
        #expect(keys == [#""a,b",c"#, #"a,"b,c""#, #""say ""hi""",x"#, "P1,DMSO"])
        // Each key reads back, as a CSV record, as the values it was made of.
        for (tube, key) in zip(tubes, keys) {
            #expect(try CSVTable(try #require(key)).header == [tube.columns["batch"], tube.columns["vehicle"]])
        }
        let groups = GroupGates(template: template).groups(tubes, matchesControls: false)
        #expect(groups.map { $0.map(\.sampleID) } == [["T1"], ["T2"], ["T3"], ["T4"]])
    }

    @Test("the decisions equal the batch's gates.csv row for row")
    func sameAsBatch() throws {
        let (template, sheet, samples, folder) = try Self.cohort()
        defer { withExtendedLifetime(folder) {} }
        let decided = GroupGates(template: template).decisions(for: sheet.entries, samples: samples)
        let gates = DataDrivenBatchTests.rows(BatchRunner(template: template, sheet: sheet, options: BatchOptions(jobs: 1, quiet: true)).run())
        // Every pooled and FROM row of the batch is among the decisions…
        let groupRows = gates.values.filter { $0["source"]?.hasPrefix("pooled:") == true || $0["flags"]?.contains("FROM:") == true }
        #expect(groupRows.count == 4)   // pooled on the three tubes, FROM on the FMO's own gate
        for row in groupRows { #expect(decided.given[row["sample_id"] ?? ""]?[row["population"] ?? ""] != nil, "\(row)") }
        // …and every decision is the batch's row.
        for (id, given) in decided.given {
            for (population, decision) in given {
                let row = try #require(gates["\(id)/\(population)"])
                #expect(row["coordinates"] == decision.coordinates && row["source"] == decision.source.text
                        && row["flags"] == decision.flags.joined(separator: ";"), "\(id)/\(population): \(row)")
            }
        }
    }

    @Test("a template without pooled gates, on a sheet whose controls leave out no data-driven marker, needs no groups")
    func noGroups() throws {
        let (_, sheet, _, _) = try Self.cohort()
        let template = try TemplateReader.read(#"""
            {"format": "flowstudy-gating/1", "panel": [{"marker": "M", "channels": ["M-A"]}],
             "populations": [{"id": "half", "parent": null, "gate": {"type": "quantile", "dimensions": [{"channel": "X"}], "probability": 0.5}}]}
            """#, name: "t.json")
        #expect(!GroupGates(template: template).needsGroups(sheet.entries))
    }

    @Test("a control is matched to the first stained tube of its subject and condition whose whole gating succeeds, as in the batch")
    func controlSkipsAFailingStainedTube() throws {
        let folder = try TemporaryDirectory()
        // `own` reads M (the FMO's marker); `y` needs a channel Y that tube A lacks, so A fails as a whole.
        let text = #"""
            {"format": "flowstudy-gating/1", "panel": [{"marker": "M", "channels": ["M-A"]}],
             "populations": [
               {"id": "own", "parent": null, "gate": {"type": "mindensity", "dimensions": [{"marker": "M"}]}},
               {"id": "y", "parent": null, "gate": {"type": "rectangle", "dimensions": [{"channel": "Y", "min": 0}]}}
             ]}
            """#
        let template = try TemplateReader.read(text, name: "t.json")
        let low = DataDrivenBatchTests.low, high = DataDrivenBatchTests.high
        let bHigh = high.map { $0 + 1 }   // B's upper block on [4, 5)
        var lines = ["sample_id,subject_id,condition,fcs_file,control_type,control_marker"]
        for (id, m, hasY, control) in [("P1_UT_A", low + high, false, ""), ("P1_UT_B", low + bHigh, true, ""), ("P1_UT_FMO_M", low, true, "FMO")] {
            var parameters = [Parameter(index: 1, name: "M-A"), Parameter(index: 2, name: "X")]
            var columns = [ChannelValues(m), ChannelValues(m.indices.map(Double.init))]
            if hasY { parameters.append(Parameter(index: 3, name: "Y")); columns.append(ChannelValues([Double](repeating: 1, count: m.count))) }
            try FCSWriter().write(Sample(file: "\(id).fcs", keywords: Keywords(), parameters: parameters, columns: columns), to: folder.path("\(id).fcs"))
            lines.append("\(id),P1,UT,\(id).fcs,\(control),\(control.isEmpty ? "" : "M")")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: folder.path("samples.csv"), atomically: false, encoding: .utf8)
        let sheet = try SampleSheet.read(csv: folder.path("samples.csv"), template: template)
        var samples: [String: Sample] = [:]
        for entry in sheet.entries { samples[entry.sampleID] = try FCSFile.readSample(entry.file) }

        let decided = GroupGates(template: template).decisions(for: sheet.entries, samples: samples)
        let own = try #require(decided.given["P1_UT_FMO_M"]?["own"])
        #expect(own.flags == ["FROM:P1_UT_B"] && Self.cut(own) == GatingMethods.mindensity(low + bHigh)?.value)
        // The batch fails A (no channel Y) and gives the FMO B's gate too.
        let result = BatchRunner(template: template, sheet: sheet, options: BatchOptions(jobs: 1, quiet: true)).run()
        #expect(result.errors.map { $0[0] } == ["P1_UT_A"])
        let row = try #require(DataDrivenBatchTests.rows(result)["P1_UT_FMO_M/own"])
        #expect(row["flags"] == "FROM:P1_UT_B" && row["coordinates"] == own.coordinates, "\(row)")
    }
}
