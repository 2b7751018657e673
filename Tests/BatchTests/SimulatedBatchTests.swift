import Foundation
import Testing
import TestSupport
import FCS
import Gating
import Simulation
@testable import Batch

/// A batch over tubes written by `flowstudy simulate`, checked against independent arithmetic: the test
/// compensates with its own Gauss–Jordan inverse and computes percentiles by sorting.
@Suite("Batch on simulated tubes with FMO controls")
struct SimulatedBatchTests {
    /// One population holding every event, and two readouts with FMO thresholds.
    static let template = """
    {"format": "flowstudy-gating/1",
     "panel": [{"marker": "CD206", "channels": ["FITC-A"]}, {"marker": "TLR4", "channels": ["APC-A"]}],
     "compensation": {"source": "file"},
     "populations": [{"id": "all", "parent": null, "gate": {"type": "rectangle", "dimensions": [{"channel": "FSC-A", "min": 0}]}}],
     "readouts": [{"marker": "CD206", "population": "all", "threshold": {"control": "FMO", "percentile": 99}},
                  {"marker": "TLR4", "population": "all", "threshold": {"control": "FMO", "percentile": 95}}],
     "min_events": 10}
    """

    /// Writes a cohort: for each subject a stained tube and FMO tubes for CD206 and TLR4.
    static func cohort(in folder: TemporaryDirectory, subjects: Int = 2, events: Int = 3_000) throws -> String {
        var lines = ["sample_id,subject_id,condition,fcs_file,control_type,control_marker"]
        for s in 1...subjects {
            let subject = "P\(s)"
            for (suffix, fmo) in [("", nil), ("_FMO_CD206", "CD206"), ("_FMO_TLR4", "TLR4")] as [(String, String?)] {
                let id = "\(subject)_UT\(suffix)"
                let simulated = try MacrophageSimulator(events: events, seed: UInt64(100 * s + (fmo == nil ? 0 : fmo == "CD206" ? 1 : 2)), fmoMarker: fmo).simulate()
                try FCSWriter().write(simulated.sample, to: folder.path("\(id).fcs"))
                lines.append("\(id),\(subject),UT,\(id).fcs,\(fmo == nil ? "" : "FMO"),\(fmo ?? "")")
            }
        }
        let sheet = folder.path("samples.csv")
        try (lines.joined(separator: "\n") + "\n").write(toFile: sheet, atomically: false, encoding: .utf8)
        return sheet
    }

    /// Compensated values of `channel`, computed independently: observed × S⁻¹ by Gauss–Jordan elimination.
    static func compensated(_ path: String, channel: String) throws -> [Double] {
        let sample = try FCSFile.readSample(path)
        let spill = try #require(try sample.spillover())
        let names = try #require(spill.channels)
        let n = names.count
        var a = spill.matrix
        var inverse = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        for col in 0..<n {
            let pivot = (col..<n).max { abs(a[$0][col]) < abs(a[$1][col]) }!
            a.swapAt(col, pivot); inverse.swapAt(col, pivot)
            let p = a[col][col]
            for j in 0..<n { a[col][j] /= p; inverse[col][j] /= p }
            for row in 0..<n where row != col {
                let f = a[row][col]
                for j in 0..<n { a[row][j] -= f * a[col][j]; inverse[row][j] -= f * inverse[col][j] }
            }
        }
        let target = try #require(names.firstIndex(of: channel))
        let columns = try names.map { try sample.values($0).doubles() }
        return (0..<sample.eventCount).map { e in (0..<n).reduce(0) { $0 + columns[$1][e] * inverse[$1][target] } }
    }

    /// R type 7.
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let low = Int(h.rounded(.down)), high = min(low + 1, sorted.count - 1)
        return sorted[low] + (h - Double(low)) * (sorted[high] - sorted[low])
    }

    @Test("thresholds, % positive, MFI and rCV agree with independent arithmetic")
    func independentArithmetic() throws {
        let folder = try TemporaryDirectory()
        let sheetPath = try Self.cohort(in: folder)
        let runner = BatchRunner(template: try TemplateReader.read(Self.template, name: "t.json"),
                                 sheet: try SampleSheet.read(csv: sheetPath), options: BatchOptions(jobs: 2, quiet: true))
        let result = runner.run()
        #expect(result.errors.isEmpty)
        #expect(result.markers.count == 4)
        for row in result.markers {
            let fields = Dictionary(uniqueKeysWithValues: zip(MarkerReadout.header, row))
            let sample = fields["sample_id"]!, marker = fields["marker"]!, channel = fields["channel"]!
            let values = try Self.compensated(folder.path("\(sample).fcs"), channel: channel).sorted()
            let fmo = try Self.compensated(folder.path("\(sample)_FMO_\(marker).fcs"), channel: channel).sorted()
            let percentile = marker == "CD206" ? 0.99 : 0.95
            let threshold = Self.quantile(fmo, percentile)
            let median = Self.quantile(values, 0.5)
            let positive = 100 * Double(values.filter { $0 > threshold }.count) / Double(values.count)
            let rcv = 0.5 * (Self.quantile(values, 0.8413) - Self.quantile(values, 0.1587)) / median * 100
            func number(_ key: String) -> Double { Double(fields[key]!)! }
            #expect(Int(fields["n_events"]!) == 3_000)
            #expect(number("threshold").isApproximatelyEqual(to: threshold, relativeTolerance: 1e-9), "\(sample) \(marker) threshold")
            #expect(number("mfi").isApproximatelyEqual(to: median, relativeTolerance: 1e-9))
            #expect(number("percent_positive").isApproximatelyEqual(to: positive, relativeTolerance: 1e-12))
            #expect(number("rcv").isApproximatelyEqual(to: rcv, relativeTolerance: 1e-9))
            #expect(number("control_mfi").isApproximatelyEqual(to: Self.quantile(fmo, 0.5), relativeTolerance: 1e-9))
            #expect(fields["control_sample_id"] == "\(sample)_FMO_\(marker)")
            #expect(fields["threshold_source"] == "FMO p\(marker == "CD206" ? 99 : 95) (type 7)")
        }
        // CD206 is 55 % positive on macrophages (65 % of events) and dead cells (10 %), and doublets (7 %) carry
        // two cells: 0.65·0.55 + 0.10·0.55 + 0.07·0.80 ≈ 47 % of all events are above the FMO.
        let cd206 = result.markers.first { $0[4] == "CD206" }!
        #expect(Double(cd206[17])! > 40 && Double(cd206[17])! < 54)
    }

    @Test("the same inputs give the same rows; shards merged equal one run")
    func determinismAndShards() throws {
        let folder = try TemporaryDirectory()
        let sheet = try SampleSheet.read(csv: try Self.cohort(in: folder, subjects: 3, events: 500))
        let template = try TemplateReader.read(Self.template, name: "t.json")
        let whole = BatchRunner(template: template, sheet: sheet, options: BatchOptions(jobs: 2, quiet: true)).run()
        let again = BatchRunner(template: template, sheet: sheet, options: BatchOptions(jobs: 1, quiet: true)).run()
        #expect(whole.markers == again.markers && whole.populations == again.populations && whole.qc == again.qc)
        var merged = BatchResult()
        var shardGroups: [[String]] = []
        for k in 1...2 {
            let runner = BatchRunner(template: template, sheet: sheet, options: BatchOptions(jobs: 1, shard: (k, 2), quiet: true))
            shardGroups.append(runner.selectedGroups().flatMap { $0.map(\.sampleID) })
            merged.merge(runner.run())
        }
        merged.sort()
        #expect(merged.markers == whole.markers && merged.populations == whole.populations && merged.qc == whole.qc)
        // Groups stay whole (a sample with its controls) and alternate between shards by smallest sample id.
        #expect(shardGroups[0].sorted() == ["P1_UT", "P1_UT_FMO_CD206", "P1_UT_FMO_TLR4", "P3_UT", "P3_UT_FMO_CD206", "P3_UT_FMO_TLR4"])
        #expect(shardGroups[1].sorted() == ["P2_UT", "P2_UT_FMO_CD206", "P2_UT_FMO_TLR4"])
    }

    @Test("a corrupt file in the middle is one error row; every other file is processed")
    func errorIsolation() throws {
        let folder = try TemporaryDirectory()
        let sheetPath = try Self.cohort(in: folder, subjects: 3, events: 500)
        try Data("FCS3.1  broken".utf8).write(to: URL(fileURLWithPath: folder.path("P2_UT.fcs")))
        try FileManager.default.removeItem(atPath: folder.path("P3_UT_FMO_TLR4.fcs"))
        let result = BatchRunner(template: try TemplateReader.read(Self.template, name: "t.json"),
                                 sheet: try SampleSheet.read(csv: sheetPath), options: BatchOptions(jobs: 2, quiet: true)).run()
        #expect(result.errors.map { $0[0] } == ["P2_UT", "P3_UT_FMO_TLR4"])
        #expect(result.errors.map { $0[2] } == ["truncated", "unreadable_file"])
        #expect(result.errors[0][3].contains("P2_UT.fcs"))
        #expect(Set(result.populations.map { $0[0] }).count == 7)
        // P3's TLR4 readout lost its control: NA threshold, flagged.
        let p3tlr4 = try #require(result.markers.first { $0[0] == "P3_UT" && $0[4] == "TLR4" })
        #expect(p3tlr4[11] == "" && p3tlr4[18].contains("CONTROL_FAILED"))
    }

    @Test("an empty or tiny population gives NA with a QC flag, never a crash")
    func tinyPopulation() throws {
        let folder = try TemporaryDirectory()
        let sheetPath = try Self.cohort(in: folder, subjects: 1, events: 300)
        let strict = Self.template.replacingOccurrences(of: #""min_events": 10"#, with: #""min_events": 1000"#)
        let result = BatchRunner(template: try TemplateReader.read(strict, name: "t.json"),
                                 sheet: try SampleSheet.read(csv: sheetPath), options: BatchOptions(jobs: 1, quiet: true)).run()
        for row in result.markers {
            #expect(row[7] == "" && row[17] == "")
            #expect(row[18].contains("TOO_FEW_EVENTS"))
        }
        #expect(result.qc.allSatisfy { $0[8].contains("TOO_FEW_EVENTS:all") })
    }

    @Test("sheet problems are all listed with row and column before any file is read")
    func sheetValidation() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("bad.csv")
        try """
        sample_id,subject_id,condition,fcs_file,control_type,control_marker
        A,S1,UT,a.fcs,,
        A,S1,UT,b.fcs,,
        ,S1,UT,c.fcs,FMO,CD206
        D,S1,,d.fcs,FMO,
        E,S1,UT,e.fcs,fluorescence,CD86
        F,S1,UT,,,
        """.write(toFile: path, atomically: false, encoding: .utf8)
        do {
            _ = try SampleSheet.read(csv: path)
            Issue.record("expected sheet problems")
        } catch let error as SampleSheet.Problems {
            let text = error.problems.map(\.description).joined(separator: "\n")
            #expect(text.contains("row 3, column sample_id: 'A' already used on row 2"))
            #expect(text.contains("row 4, column sample_id: expected a sample id"))
            #expect(text.contains("row 5, column control_marker: expected the marker this FMO tube controls"))
            #expect(text.contains("row 5, column condition: expected a value"))
            #expect(text.contains("row 6, column control_type: expected FMO, isotype or empty, found 'fluorescence'"))
            #expect(text.contains("row 7, column fcs_file: expected a path"))
            #expect(error.problems.count == 6)
        }
        try "id,file\nA,a.fcs\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect { try SampleSheet.read(csv: path) } throws: { ($0 as? SampleSheet.Problems)?.problems.count == 2 }
    }

    @Test("a folder of FCS files: sample ids are file stems, no control matching")
    func folderOfFiles() throws {
        let folder = try TemporaryDirectory()
        _ = try Self.cohort(in: folder, subjects: 1, events: 200)
        let sheet = try SampleSheet.read(folder: folder.url.path)
        #expect(sheet.entries.map(\.sampleID) == ["P1_UT", "P1_UT_FMO_CD206", "P1_UT_FMO_TLR4"])
        #expect(!sheet.matchesControls)
        let result = BatchRunner(template: try TemplateReader.read(Self.template, name: "t.json"), sheet: sheet,
                                 options: BatchOptions(jobs: 1, quiet: true)).run()
        #expect(result.markers.allSatisfy { $0[18].contains("NO_CONTROL_MATCHING") })
    }
}

@Suite("Batch over corpus files from other panels", .needsShared)
struct CorpusBatchTests {
    @Test("files without the study panel become error rows with their typed error; nothing crashes")
    func panelMismatch() throws {
        let folder = try #require(SharedData.url("fcs-corpus/files"), Comment(rawValue: SharedData.skipMessage))
        let sheet = try SampleSheet.read(folder: folder.path)
        let template = try TemplateReader.read(contentsOf: SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path)
        let result = BatchRunner(template: template, sheet: sheet, options: BatchOptions(jobs: 2, quiet: true)).run()
        #expect(result.errors.count == sheet.entries.count)
        let codes = Set(result.errors.map { $0[2] })
        // Readable files lack the panel's markers; the corrupt ones keep the reader's own code.
        #expect(codes.isSubset(of: ["unknown_channel", "truncated", "ambiguous_data_offsets", "missing_file_matrix"]), "\(codes)")
        #expect(result.errors.contains { $0[0] == "fcsparser__corrupted" && $0[2] == "truncated" })
        #expect(result.inputs.filter { !$0.sha256.isEmpty }.count == sheet.entries.count)
    }
}
