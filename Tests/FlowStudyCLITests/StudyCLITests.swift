import Foundation
import Outcomes
import Tables
import Testing
import TestSupport

/// `flowstudy study` from the reference cohort's raw FCS files and plate reads to the report, as the study team
/// runs it.
@Suite("flowstudy study", .needsShared)
struct StudyCLITests {
    let flowstudy: String
    let cohort: URL
    let template = SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path

    init() throws {
        flowstudy = try #require(flowstudyExecutable(), "the flowstudy executable is built by swift test")
        cohort = try #require(SharedData.url("study/reference-cohort"))
    }

    /// runs.csv for the cohort's plates: plate id = folder name, analyte from the study vocabulary.
    func runsCSV(in folder: TemporaryDirectory, breaking broken: String? = nil) throws -> String {
        let plates = try FileManager.default.contentsOfDirectory(atPath: cohort.appendingPathComponent("elisa").path).sorted()
        var text = "plate_file,plate,layout,analyte\n"
        for plate in plates {
            let analyte = ["IL6": "IL-6", "PDGFBB": "PDGF-BB"][String(plate.split(separator: "_")[0])] ?? String(plate.split(separator: "_")[0])
            var file = cohort.appendingPathComponent("elisa/\(plate)/plate.csv").path
            if plate == broken {
                file = folder.path("broken.csv")
                try "well,OD450\nA1,not a number at all\n".write(toFile: file, atomically: false, encoding: .utf8)
            }
            text += "\(file),\(plate),\(cohort.appendingPathComponent("elisa/\(plate)/layout.csv").path),\(analyte)\n"
        }
        let path = folder.path(broken == nil ? "runs.csv" : "runs-broken.csv")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    func study(_ runs: String, out: String, clinical: String? = nil) -> (status: Int32, stdout: String, stderr: String) {
        run(flowstudy, ["study", "--samples", cohort.appendingPathComponent("samples.csv").path,
                        "--clinical", clinical ?? cohort.appendingPathComponent("clinical.csv").path,
                        "--template", template, "--elisa-runs", runs, "--out", out, "--no-png", "--quiet"])
    }

    func compare(_ name: String, in out: String, relativeTolerance: Double) throws -> [TableComparison.Difference] {
        let produced = try CSVTable(try InputFile.text(out + "/outcomes/" + name))
        let expected = try CSVTable(try InputFile.text(cohort.appendingPathComponent("expected/" + name).path))
        var comparison = TableComparison.reference(name, relativeTolerance: relativeTolerance)
        return comparison.differences(produced, expected, table: name)
    }

    /// `table` with only `columns`, in that order (a column it lacks reads as empty cells).
    static func project(_ table: CSVTable, _ columns: [String]) -> CSVTable {
        var projected = table
        let indices = columns.map { table.header.firstIndex(of: $0) }
        projected.header = columns
        projected.rows = table.rows.map { row in indices.map { index in index.flatMap { $0 < row.count ? row[$0] : nil } ?? "" } }
        return projected
    }

    /// The TQ tables against the reference's `elisa_plates.csv` (without `seed`; 4PL parameters and R² at the
    /// ELISA's 1e-4 relative, levels, limits and counts exactly) and `fcs_files.csv` (without
    /// `generation_attempts`; every cell exactly). Returns the differences and the largest deviation of the plates.
    func compareTQ(in out: String) throws -> (differences: [TableComparison.Difference], maximumDeviation: Double) {
        var differences: [TableComparison.Difference] = []
        let plates = try CSVTable(try InputFile.text(out + "/outcomes/TQ_elisa_plates.csv"))
        let expectedPlates = try CSVTable(try InputFile.text(cohort.appendingPathComponent("expected/elisa_plates.csv").path))
        let columns = expectedPlates.header.filter { $0 != "seed" }
        #expect(plates.header == columns + ["param_g", "converged", "n_not_read"], "TQ_elisa_plates.csv: the reference's columns, then three")
        // The default 4PL fits converged, read every sample well, and have no g.
        let extra = Self.project(plates, ["param_g", "converged", "n_not_read"]).rows
        #expect(extra.count == 5 && extra.allSatisfy { $0 == ["", "true", "0"] }, "\(extra)")
        let exact: Set<String> = ["levels_passing", "levels", "lloq_in_well", "uloq_in_well", "n_samples", "n_below_lloq", "n_above_uloq", "n_high_cv"]
        var fitted = TableComparison(keys: ["plate"], informational: exact, relativeTolerance: 1e-4)
        differences += fitted.differences(Self.project(plates, columns), Self.project(expectedPlates, columns), table: "TQ_elisa_plates.csv")
        var counted = TableComparison(keys: ["plate"], informational: Set(columns).subtracting(exact).subtracting(["plate"]), relativeTolerance: 0)
        differences += counted.differences(Self.project(plates, columns), Self.project(expectedPlates, columns), table: "TQ_elisa_plates.csv")

        let tubes = try CSVTable(try InputFile.text(out + "/outcomes/TQ_fcs_files.csv"))
        let expectedTubes = try CSVTable(try InputFile.text(cohort.appendingPathComponent("expected/fcs_files.csv").path))
        var files = TableComparison(keys: ["sample_id"], relativeTolerance: 0)
        differences += files.differences(tubes, Self.project(expectedTubes, expectedTubes.header.filter { $0 != "generation_attempts" }),
                                         table: "TQ_fcs_files.csv")
        return (differences, max(fitted.maximumDeviation, counted.maximumDeviation, files.maximumDeviation))
    }

    @Test("raw files to report: every compared cell of T1–T6 and S4 within the reference's tolerances; a broken plate is isolated")
    func endToEnd() throws {
        let folder = try TemporaryDirectory()
        let out = folder.path("study")
        let result = study(try runsCSV(in: folder), out: out)
        try #require(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("report:  \(out)/outcomes/report/index.html"), "\(result.stdout)")
        // Flow-derived tables at the flow tolerance (1e-9); ELISA-derived ones inherit the ELISA's 1e-4 (README).
        for (name, tolerance) in [("T3_markers_SSc.csv", 1e-9), ("T5_markers_HD_serum.csv", 1e-9), ("T1_primary_CCL18.csv", 1e-4),
                                  ("T2_soluble_SSc.csv", 1e-4), ("T4_soluble_HD_serum.csv", 1e-4), ("S4_per_patient_CCL18.csv", 1e-4),
                                  ("T6_subgroups_CCL18_L.csv", 1e-4), ("T6_subgroups_CCL18_delta_sensitivity.csv", 1e-4)] {
            let differences = try compare(name, in: out, relativeTolerance: tolerance)
            #expect(differences.isEmpty, "\(differences.map(\.description).joined(separator: "\n"))")
        }
        // TQ: the assay QC tables against the reference's elisa_plates.csv and fcs_files.csv.
        let tq = try compareTQ(in: out)
        #expect(tq.differences.isEmpty, "\(tq.differences.map(\.description).joined(separator: "\n"))")
        print("TQ tables: largest relative deviation from the reference \(tq.maximumDeviation)")
        let index = try InputFile.text(out + "/outcomes/report/index.html")
        #expect(index.contains("<h2 id=\"tq\">Assay quality (TQ)</h2>") && index.contains("<td>CCL18_1</td>"), "the report shows the TQ tables")
        for path in ["flow/markers.csv", "flow/run.json", "elisa/concentrations.csv", "elisa/run.json", "elisa/errors.csv",
                     "review/index.html", "outcomes/report/index.html", "outcomes/report/subjects/SSC01.html"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + path), "\(path)")
        }
        let elisaRun = try JSONSerialization.jsonObject(with: Data(try InputFile.bytes(out + "/elisa/run.json"))) as? [String: Any]
        #expect((elisaRun?["plates"] as? [Any])?.count == 5)
        #expect(((elisaRun?["runs"] as? [String: Any])?["sha256"] as? String)?.count == 64)

        // A broken CXCL4 plate: listed in elisa/errors.csv, exit 2, every other result still there; the previous
        // gallery's images are reused, not redrawn.
        let again = study(try runsCSV(in: folder, breaking: "CXCL4_1"), out: out)
        #expect(again.status == 2, "\(again.stderr)")
        #expect(again.stdout.contains("0 gate plots drawn, 1260 reused"), "\(again.stdout)")
        let errors = try CSVTable(try InputFile.text(out + "/elisa/errors.csv"))
        #expect(errors.rows.map { $0[0] } == ["CXCL4_1"])
        #expect(try compare("T1_primary_CCL18.csv", in: out, relativeTolerance: 1e-4).isEmpty)
        let missing = try InputFile.text(out + "/outcomes/missing_results.csv")
        #expect(missing.contains("CXCL4_1"), "the samples of the failed plate are reported missing")
        let footnotes = try InputFile.text(out + "/outcomes/footnotes.md")
        #expect(footnotes.contains("Plate CXCL4_1 failed and is not in the table"), "the TQ footnote names the failed plate")
        #expect(try CSVTable(try InputFile.text(out + "/outcomes/TQ_elisa_plates.csv")).rows.count == 4)
    }

    @Test("runs.csv and samples.csv must name the same plates; problems stop the study before any work (exit 64)")
    func plateIDsAgree() throws {
        let folder = try TemporaryDirectory()
        var text = try InputFile.text(try runsCSV(in: folder))
        text = text.replacingOccurrences(of: ",CCL18_1,", with: ",CCL18_X,")
        try text.write(toFile: folder.path("runs-renamed.csv"), atomically: false, encoding: .utf8)
        let result = study(folder.path("runs-renamed.csv"), out: folder.path("study"))
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("plate 'CCL18_X' is named by no sample's elisa_plate_ids"), "\(result.stderr)")
        #expect(result.stderr.contains("names plate 'CCL18_1'"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("study")))
    }

    @Test("a pooled gate whose group_by column samples.csv lacks stops the study before any work (exit 64, its JSON path)")
    func poolingColumnMissing() throws {
        let folder = try TemporaryDirectory()
        let runs = try runsCSV(in: folder)
        let pooled = folder.path("pooled.json")
        try ReviewCLITests.writePooledTemplate(from: template, to: pooled)
        let result = run(flowstudy, ["study", "--samples", cohort.appendingPathComponent("samples.csv").path,
                                     "--clinical", cohort.appendingPathComponent("clinical.csv").path, "--template", pooled,
                                     "--elisa-runs", runs, "--out", folder.path("study"), "--no-png", "--quiet"])
        #expect(result.status == 64 && result.stderr.contains("populations[2].gate.group_by: expected a column of the sample sheet, found 'donor'"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("study")))
    }

    @Test("--overrides reaches the batch (gates.csv, run.json) and the gallery; an unknown sample stops the study before any work")
    func overridesReachEveryStage() throws {
        let folder = try TemporaryDirectory()
        let runs = try runsCSV(in: folder)
        func overrides(_ sample: String) throws -> String {
            let path = folder.path("overrides-\(sample).json")
            try (#"{"format": "flowstudy-overrides/1", "samples": {""# + sample + #"": {"live": {"reason": "dead peak high", "gate": {"type": "rectangle", "dimensions": [{"marker": "Viability", "compensated": true, "transform": "logicle", "max": 0.7}]}}}}}"#)
                .write(toFile: path, atomically: false, encoding: .utf8)
            return path
        }
        func study(_ overrides: String, out: String) -> (status: Int32, stdout: String, stderr: String) {
            run(flowstudy, ["study", "--samples", cohort.appendingPathComponent("samples.csv").path,
                            "--clinical", cohort.appendingPathComponent("clinical.csv").path, "--template", template,
                            "--elisa-runs", runs, "--out", out, "--overrides", overrides, "--no-png", "--quiet"])
        }
        let unknown = study(try overrides("NOPE"), out: folder.path("none"))
        #expect(unknown.status == 64 && unknown.stderr.contains("samples.NOPE"), "\(unknown.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("none")))

        let path = try overrides("SSC01_UT")
        let out = folder.path("study")
        let result = study(path, out: out)
        #expect(result.status == 0, "\(result.stderr)")
        let gates = try CSVTable(InputFile.text(out + "/flow/gates.csv"))
        let live = try #require(gates.rows.first { $0.first == "SSC01_UT" && $0.count > 1 && $0[1] == "live" })
        #expect(live.contains("override") && live.contains { $0.contains("dead peak high") }, "\(live)")
        #expect(!gates.rows.contains { $0.first != "SSC01_UT" && $0.contains("override") })
        let record = try InputFile.text(out + "/flow/run.json")
        #expect(record.contains(path.replacingOccurrences(of: "/", with: "\\/")) || record.contains(path))
        let index = try InputFile.text(out + "/review/index.html")
        #expect(index.contains("<td>override</td><td>dead peak high</td>"))
    }
}
