import Foundation
import Outcomes
import Tables
import Testing
import TestSupport

/// `flowstudy outcomes` on the reference cohort's statistics-only inputs (its expected markers.csv and
/// concentrations.csv in a batch and an elisa folder), and its exit codes.
@Suite("flowstudy outcomes", .enabled(if: SharedData.isAvailable, Comment(rawValue: SharedData.skipMessage)))
struct OutcomesCLITests {
    let flowstudy: String
    let cohort: URL

    init() throws {
        flowstudy = try #require(flowstudyExecutable(), "the flowstudy executable is built by swift test")
        cohort = try #require(SharedData.url("study/reference-cohort"))
    }

    /// A batch folder and an elisa folder holding the reference's expected result files.
    func resultFolders(_ folder: TemporaryDirectory) throws -> (flow: String, elisa: String) {
        let flow = folder.path("flow"), elisa = folder.path("elisa")
        try FileManager.default.createDirectory(atPath: flow, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: elisa, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: cohort.appendingPathComponent("expected/markers.csv").path, toPath: flow + "/markers.csv")
        try FileManager.default.copyItem(atPath: cohort.appendingPathComponent("expected/concentrations.csv").path, toPath: elisa + "/concentrations.csv")
        return (flow, elisa)
    }

    func outcomes(_ folders: (flow: String, elisa: String), clinical: String? = nil, out: String) -> (status: Int32, stdout: String, stderr: String) {
        run(flowstudy, ["outcomes", "--samples", cohort.appendingPathComponent("samples.csv").path,
                        "--clinical", clinical ?? cohort.appendingPathComponent("clinical.csv").path,
                        "--flow", folders.flow, "--elisa", folders.elisa, "--out", out])
    }

    @Test("reproduces every compared cell of T1–T6 and S4 within 1e-9, and writes T0, footnotes and missing results")
    func referenceTables() throws {
        let folder = try TemporaryDirectory()
        let result = outcomes(try resultFolders(folder), out: folder.path("out"))
        try #require(result.status == 0, "\(result.stderr)")
        for name in ["T1_primary_CCL18.csv", "T2_soluble_SSc.csv", "T3_markers_SSc.csv", "T4_soluble_HD_serum.csv", "T5_markers_HD_serum.csv",
                     "S4_per_patient_CCL18.csv", "T6_subgroups_CCL18_L.csv", "T6_subgroups_CCL18_delta_sensitivity.csv"] {
            let produced = try CSVTable(try InputFile.text(folder.path("out/" + name)))
            let expected = try CSVTable(try InputFile.text(cohort.appendingPathComponent("expected/" + name).path))
            var comparison = TableComparison.reference(name, relativeTolerance: 1e-9)
            let differences = comparison.differences(produced, expected, table: name)
            #expect(differences.isEmpty, "\(differences.map(\.description).joined(separator: "\n"))")
        }
        let t0 = try CSVTable(try InputFile.text(folder.path("out/T0_subjects.csv")))
        #expect(t0.header == ["characteristic", "level", "ssc_n", "ssc_summary", "hd_n", "hd_summary"])
        #expect(t0.rows.first == ["subjects", "all", "6", "", "3", ""])
        #expect(FileManager.default.fileExists(atPath: folder.path("out/footnotes.md")))
        #expect(FileManager.default.fileExists(atPath: folder.path("out/missing_results.csv")))
    }

    @Test("a clinical sheet problem exits 64 naming file, line and column; nothing is written")
    func sheetProblem() throws {
        let folder = try TemporaryDirectory()
        var clinical = try String(contentsOf: cohort.appendingPathComponent("clinical.csv"), encoding: .utf8)
        clinical = clinical.replacingOccurrences(of: "SSC01,SSc,55,M", with: "SSC01,SSc,55,X")
        try clinical.write(toFile: folder.path("clinical.csv"), atomically: false, encoding: .utf8)
        let result = outcomes(try resultFolders(folder), clinical: folder.path("clinical.csv"), out: folder.path("out"))
        #expect(result.status == 64)
        #expect(result.stderr.contains("clinical.csv: line 2, column 'sex': found 'X'"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("out/T1_primary_CCL18.csv")))
    }

    @Test("an unusable result file exits 65")
    func unusableInput() throws {
        let folder = try TemporaryDirectory()
        let folders = try resultFolders(folder)
        try "sample_id,value\nA,1\n".write(toFile: folders.elisa + "/concentrations.csv", atomically: false, encoding: .utf8)
        let result = outcomes(folders, out: folder.path("out"))
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains("concentrations.csv"))
    }
}
