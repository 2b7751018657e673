import Foundation
import Testing
import Tables
import TestSupport
import FCS
import Gating
@testable import Batch

/// Batches with data-driven gates: gates.csv, pooled gates, a control taking its stained tube's gate, overrides,
/// fallbacks in qc.csv, run.json's overrides hash, determinism and shards merged to the same bytes.
@Suite("Data-driven batch")
struct DataDrivenBatchTests {
    static let template = #"""
    {"format": "flowstudy-gating/1",
     "panel": [{"marker": "M", "channels": ["M-A"]}],
     "populations": [
       {"id": "pooled", "parent": null, "gate": {"type": "mindensity", "dimensions": [{"marker": "M"}], "group_by": ["subject_id"], "pool": true}},
       {"id": "own", "parent": null, "gate": {"type": "mindensity", "dimensions": [{"marker": "M"}]}},
       {"id": "half", "parent": null, "gate": {"type": "quantile", "dimensions": [{"channel": "X"}], "probability": 0.5}},
       {"id": "few", "parent": null, "gate": {"type": "tailgate", "dimensions": [{"channel": "X"}], "min_events": 100000, "on_failure": "na"}}
     ],
     "readouts": [{"marker": "M", "population": "own", "threshold": {"control": "FMO", "percentile": 99}}]}
    """#

    static let low = (0..<1024).map { Double($0) / 1024 }         // a block over [0, 1)
    static let high = (0..<1024).map { 3 + Double($0) / 1024 }    // a block over [3, 4)
    /// One triangular mode on [0, 1] (inverse CDF at (i + 0.5) / 1024): a single peak.
    static let mode = (0..<1024).map { i -> Double in
        let u = (Double(i) + 0.5) / 1024
        return u < 0.5 ? (u / 2).squareRoot() : 1 - ((1 - u) / 2).squareRoot()
    }

    /// Per subject: UT with both blocks on M, RUX with one triangular mode (one peak alone), an FMO control of M
    /// (low block only). X = 0, 1, 2, … on every tube.
    static func cohort(in folder: TemporaryDirectory, subjects: [String] = ["P1"]) throws -> String {
        var lines = ["sample_id,subject_id,condition,fcs_file,control_type,control_marker"]
        for subject in subjects {
            for (id, condition, m, control) in [("\(subject)_UT", "UT", low + high, ""), ("\(subject)_RUX", "RUX", mode, ""),
                                                ("\(subject)_UT_FMO_M", "UT", low, "FMO")] {
                let x = (0..<m.count).map(Double.init)
                let sample = Sample(file: "\(id).fcs", keywords: Keywords(), parameters: [Parameter(index: 1, name: "M-A"), Parameter(index: 2, name: "X")],
                                    columns: [ChannelValues(m), ChannelValues(x)])
                try FCSWriter().write(sample, to: folder.path("\(id).fcs"))
                lines.append("\(id),\(subject),\(condition),\(id).fcs,\(control),\(control.isEmpty ? "" : "M")")
            }
        }
        let sheet = folder.path("samples.csv")
        try (lines.joined(separator: "\n") + "\n").write(toFile: sheet, atomically: false, encoding: .utf8)
        return sheet
    }

    static func rows(_ result: BatchResult) -> [String: [String: String]] {
        var byKey: [String: [String: String]] = [:]
        for row in result.gates { byKey[row[0] + "/" + row[1]] = Dictionary(uniqueKeysWithValues: zip(BatchResult.gatesHeader, row)) }
        return byKey
    }

    func cut(_ coordinates: String?) -> Double? {
        guard let coordinates, let range = coordinates.range(of: #""min": "#) else { return nil }
        return Double(coordinates[range.upperBound...].prefix { "0123456789.-e".contains($0) })
    }

    @Test("pooled gates are one per subject, computed on the stained tubes' pooled events; a control takes its sample's gate")
    func pooledAndControls() throws {
        let folder = try TemporaryDirectory()
        let template = try TemplateReader.read(Self.template, name: "t.json")
        let sheet = try SampleSheet.read(csv: try Self.cohort(in: folder), template: template)
        let runner = BatchRunner(template: template, sheet: sheet, options: BatchOptions(jobs: 1, quiet: true))
        // UT and RUX differ in condition but share the pooling key: one group with the FMO.
        #expect(runner.groups().map { $0.map(\.sampleID).sorted() } == [["P1_RUX", "P1_UT", "P1_UT_FMO_M"]])
        let result = runner.run()
        #expect(result.errors.isEmpty, "\(result.errors)")
        let gates = Self.rows(result)
        // The pooled gate: mindensity on UT's and RUX's M values together (FMO left out), for all three tubes.
        let pooledCut = try #require(GatingMethods.mindensity(Self.low + Self.high + Self.mode))
        for id in ["P1_UT", "P1_RUX", "P1_UT_FMO_M"] {
            let row = try #require(gates["\(id)/pooled"])
            #expect(row["source"] == "pooled:P1" && row["method"] == "mindensity")
            #expect(cut(row["coordinates"]) == pooledCut.value, "\(row)")
        }
        // Own gates: UT has two modes; RUX alone has one (tailgate fallback, said so); the FMO takes UT's gate.
        let ut = try #require(gates["P1_UT/own"]), rux = try #require(gates["P1_RUX/own"]), fmo = try #require(gates["P1_UT_FMO_M/own"])
        #expect(cut(ut["coordinates"]) == GatingMethods.mindensity(Self.low + Self.high)?.value && ut["source"] == "computed")
        #expect(rux["method"] == "tailgate" && rux["flags"] == "ONE_PEAK_TAILGATE" && cut(rux["coordinates"]) == GatingMethods.tailgate(Self.mode)?.value)
        #expect(fmo["coordinates"] == ut["coordinates"] && fmo["flags"] == "FROM:P1_UT")
        // Per-tube quantile, the NA fallback and its QC counts.
        #expect(cut(gates["P1_UT/half"]?["coordinates"]) == 1023.5)   // type 7 median of 0…2047
        #expect(gates["P1_UT/few"]?["source"] == "fallback" && gates["P1_UT/few"]?["coordinates"] == "null")
        let qc = try #require(result.qc.first { $0[0] == "P1_UT" })
        let fields = Dictionary(uniqueKeysWithValues: zip(BatchResult.qcHeader, qc))
        #expect(fields["gate_fallbacks"] == "1" && fields["gate_overrides"] == "0" && fields["flags"]?.contains("GATE_NA:few") == true)
        // The FMO's threshold comes from its own events inside UT's gate (none: the low block is below the cut).
        let marker = try #require(result.markers.first { $0[0] == "P1_UT" })
        #expect(marker[MarkerReadout.header.firstIndex(of: "control_sample_id")!] == "P1_UT_FMO_M")
    }

    @Test("overrides replace a sample's gate (source override, counted in qc.csv, hashed in run.json)")
    func overrides() throws {
        let folder = try TemporaryDirectory()
        let template = try TemplateReader.read(Self.template, name: "t.json")
        let sheet = try SampleSheet.read(csv: try Self.cohort(in: folder), template: template)
        let document = #"""
        {"format": "flowstudy-overrides/1", "template": "t.json", "samples": {"P1_RUX": {"half": {"reason": "bimodal X", "gate": {"type": "rectangle", "dimensions": [{"channel": "X", "min": 1000}]}}}}}
        """#
        let path = folder.path("t.overrides.json")
        try document.write(toFile: path, atomically: false, encoding: .utf8)
        let overrides = try GateOverrides.read(contentsOf: path, template: template, sampleIDs: Set(sheet.entries.map(\.sampleID)))
        let result = BatchRunner(template: template, sheet: sheet, options: BatchOptions(jobs: 1, quiet: true), overrides: overrides).run()
        let row = try #require(Self.rows(result)["P1_RUX/half"])
        #expect(row["source"] == "override" && row["method"] == "rectangle" && row["flags"] == "REASON:bimodal X" && cut(row["coordinates"]) == 1000)
        // X = 0…1023 on RUX: 24 events ≥ 1000.
        #expect(result.populations.first { $0[0] == "P1_RUX" && $0[1] == "half" }?[3] == "24")
        let qc = try #require(result.qc.first { $0[0] == "P1_RUX" })
        #expect(Dictionary(uniqueKeysWithValues: zip(BatchResult.qcHeader, qc))["gate_overrides"] == "1")
        let run = BatchWriter.provenance(version: "t", template: "t.json", samples: "samples.csv", options: BatchOptions(jobs: 1),
                                         seconds: 0, events: 0, overrides: path)
        #expect((run["overrides"] as? [String: Any])?["sha256"] as? String == FileHash.sha256(of: path))
        // An override for a sample not in the sheet is refused with its JSON path.
        #expect(throws: TemplateError.self) {
            try GateOverrides.read(document.replacingOccurrences(of: "P1_RUX", with: "P9_RUX"), name: "o.json", template: template,
                                   sampleIDs: Set(sheet.entries.map(\.sampleID)))
        }
    }

    @Test("a pooling column the sheet lacks is a problem before any work")
    func poolingColumn() throws {
        let template = try TemplateReader.read(Self.template.replacingOccurrences(of: #""group_by": ["subject_id"]"#, with: #""group_by": ["donor"]"#), name: "t.json")
        let folder = try TemporaryDirectory()
        let sheet = try SampleSheet.read(csv: try Self.cohort(in: folder), template: template)
        #expect(GroupGates(template: template).poolingProblems(sheet.entries) ==
                ["populations[0].gate.group_by: expected a column of the sample sheet, found 'donor' (population 'pooled')"])
    }

    @Test("the same inputs give byte-identical outputs, and shards merged equal one run (gates.csv included)")
    func determinismAndShards() throws {
        let folder = try TemporaryDirectory()
        let template = try TemplateReader.read(Self.template, name: "t.json")
        let sheet = try SampleSheet.read(csv: try Self.cohort(in: folder, subjects: ["P1", "P2", "P3"]), template: template)
        func run(_ shard: (Int, Int)?, into name: String) throws -> String {
            let options = BatchOptions(jobs: 2, shard: shard, quiet: true)
            let result = BatchRunner(template: template, sheet: sheet, options: options).run()
            let out = folder.path(name)
            try BatchWriter.write(result, to: out, run: BatchWriter.provenance(version: "t", template: folder.path("samples.csv"),
                                                                              samples: folder.path("samples.csv"), options: options, seconds: 0, events: 0))
            return out
        }
        let one = try run(nil, into: "one"), again = try run(nil, into: "again")
        let shards = [try run((1, 2), into: "s1"), try run((2, 2), into: "s2")]
        let merged = try BatchWriter.merge(shards)
        try BatchWriter.write(merged.result, to: folder.path("merged"), run: merged.run)
        for table in BatchWriter.tables {
            let a = try Data(contentsOf: URL(fileURLWithPath: one + "/" + table))
            #expect(a == (try Data(contentsOf: URL(fileURLWithPath: again + "/" + table))), "\(table) differs between two runs")
            #expect(a == (try Data(contentsOf: URL(fileURLWithPath: folder.path("merged") + "/" + table))), "\(table) differs after merge")
        }
        let gates = try String(contentsOfFile: one + "/gates.csv", encoding: .utf8)
        #expect(gates.hasPrefix("sample_id,population,method,coordinates,source,flags\n"))
        #expect(gates.components(separatedBy: "\n").count == 1 + 9 * 4 + 1)
        // A shard without gates.csv is not a complete shard.
        try FileManager.default.removeItem(atPath: shards[1] + "/gates.csv")
        #expect(throws: (any Error).self) { try BatchWriter.merge(shards) }
    }
}
