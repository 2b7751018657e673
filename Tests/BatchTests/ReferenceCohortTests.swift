import Foundation
import Tables
import Testing
import TestSupport
import FCS
import Gating
@testable import Batch

/// The reference cohort of `../shared/study/reference-cohort`: 126 FCS files (18 cultures, 108 FMO tubes) with
/// independently computed markers and populations. Tolerances of its README: counts exact, MFI, means,
/// percentiles, thresholds, ΔMFI and ratios 1e-9 relative.
@Suite("Batch on the reference cohort", .needsShared)
struct ReferenceCohortTests {
    static let template = SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path

    static func table(_ path: String) throws -> CSVTable { try CSVTable(try String(contentsOfFile: path, encoding: .utf8)) }

    @Test("markers.csv and populations.csv match the expected tables")
    func matchesExpected() throws {
        let folder = try #require(SharedData.url("study/reference-cohort"), Comment(rawValue: SharedData.skipMessage))
        let sheet = try SampleSheet.read(csv: folder.appendingPathComponent("samples.csv").path)
        let runner = BatchRunner(template: try TemplateReader.read(contentsOf: Self.template), sheet: sheet, options: BatchOptions(jobs: 2, quiet: true))
        let result = runner.run()
        #expect(result.errors.isEmpty, "\(result.errors)")

        let expected = try Self.table(folder.appendingPathComponent("expected/markers.csv").path)
        #expect(result.markers.count == expected.rows.count)
        let ours = Dictionary(uniqueKeysWithValues: result.markers.map { ("\($0[0])|\($0[4])", $0) })
        let columns = MarkerReadout.header
        func index(_ name: String) -> Int { columns.firstIndex(of: name)! }
        var compared = 0
        for row in expected.rows {
            let fields = Dictionary(uniqueKeysWithValues: zip(expected.header, row))
            let mine = try #require(ours["\(fields["sample_id"]!)|\(fields["marker"]!)"], "\(fields["sample_id"]!) \(fields["marker"]!)")
            for exact in ["subject_id", "condition", "population", "channel", "n_events", "threshold_source", "control_sample_id"] {
                #expect(mine[index(exact)] == fields[exact], "\(fields["sample_id"]!) \(fields["marker"]!) \(exact)")
            }
            for numeric in ["mfi", "mean", "geomean", "rcv", "threshold", "control_mfi", "delta_mfi", "mfi_ratio", "percent_positive"] {
                let a = Double(mine[index(numeric)]) ?? .nan, b = Double(fields[numeric]!) ?? .nan
                #expect(a.isApproximatelyEqual(to: b, relativeTolerance: 1e-9), "\(fields["sample_id"]!) \(fields["marker"]!) \(numeric): \(a) vs \(b)")
            }
            // % positive numerators are exact: the counts above the threshold agree to the event.
            let n = Double(fields["n_events"]!)!
            #expect((Double(mine[index("percent_positive")])! * n / 100).rounded() == (Double(fields["percent_positive"]!)! * n / 100).rounded())
            compared += 1
        }
        #expect(compared == 108)

        let populations = try Self.table(folder.appendingPathComponent("expected/populations.csv").path)
        #expect(result.populations.count == populations.rows.count)
        let byKey = Dictionary(uniqueKeysWithValues: result.populations.map { ("\($0[0])|\($0[1])", $0) })
        for row in populations.rows {
            let mine = try #require(byKey["\(row[0])|\(row[1])"])
            #expect(mine[2] == row[2] && mine[3] == row[3], "\(row[0]) \(row[1])")
            #expect(Double(mine[4])!.isApproximatelyEqual(to: Double(row[4])!, relativeTolerance: 1e-12))
        }
    }
}
