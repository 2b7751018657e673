import Foundation
import Outcomes
import Tables
import Testing
import TestSupport

/// The statistics-only path: the reference cohort's expected `markers.csv` and `concentrations.csv` with its
/// sheets reproduce every compared cell of T1–T6 and S4 (../shared/study/reference-cohort/README.md: rows by
/// key, numbers within 1e-9 relative + 1e-12, text exactly, informational columns skipped).
@Suite("reference cohort: T1–T6 and S4 from the expected markers and concentrations",
       .needsShared)
struct ReferenceCohortTests {
    static let tableNames = ["T1_primary_CCL18.csv", "T2_soluble_SSc.csv", "T3_markers_SSc.csv", "T4_soluble_HD_serum.csv",
                             "T5_markers_HD_serum.csv", "S4_per_patient_CCL18.csv", "T6_subgroups_CCL18_L.csv",
                             "T6_subgroups_CCL18_delta_sensitivity.csv"]

    /// A path in the reference cohort's folder.
    static func cohort(_ relative: String) throws -> String {
        try #require(SharedData.url("study/reference-cohort/" + relative)).path
    }

    /// The outcomes of the reference cohort's statistics-only inputs.
    static func outcomes() throws -> StudyOutcomes {
        let data = try StudyData.load(clinical: try cohort("clinical.csv"), samples: try cohort("samples.csv"),
                                      markers: try cohort("expected/markers.csv"), concentrations: try cohort("expected/concentrations.csv"),
                                      panel: StudyMarker.allCases)
        return try StudyOutcomes(data)
    }

    @Test("every compared cell of T1–T6 and S4 within 1e-9", arguments: tableNames)
    func table(name: String) throws {
        let produced = try #require(try Self.outcomes().tables.first { $0.name == name }, "no table \(name)")
        let expected = try CSVTable(try InputFile.text(try Self.cohort("expected/" + name)))
        let (differences, deviation) = try TableComparator.differences(produced, expected: expected)
        print("\(name): largest relative deviation \(deviation)")
        #expect(expected.rows.count > 0 && produced.rows.count == expected.rows.count)
        #expect(differences.isEmpty, "\(differences.count) differing cells:\n\(differences.map(\.description).joined(separator: "\n"))")
    }

    @Test("no culture sample of the reference cohort is missing a result")
    func nothingMissing() throws {
        let outcomes = try Self.outcomes()
        #expect(outcomes.data.missing.isEmpty, "\(outcomes.data.missing)")
        #expect(outcomes.pairedOutcomes.allSatisfy { $0.pairs.incompleteUnits.isEmpty && $0.pairs.excluded.isEmpty })
    }
}

/// The reference comparison of a produced table with an expected CSV, for this suite and the end-to-end test.
enum TableComparator {
    /// Every differing cell of `produced` against `expected`, with the reference's rules for its name.
    static func differences(_ produced: OutcomeTable, expected: CSVTable, relativeTolerance: Double = 1e-9) throws
        -> (differences: [TableComparison.Difference], largestDeviation: Double) {
        let mine = try CSVTable(String(decoding: produced.csv, as: UTF8.self))
        var comparison = TableComparison.reference(produced.name, relativeTolerance: relativeTolerance)
        let differences = comparison.differences(mine, expected, table: produced.name)
        return (differences, comparison.maximumDeviation)
    }
}
