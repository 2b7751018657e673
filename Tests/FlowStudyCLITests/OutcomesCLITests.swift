import Foundation
import Outcomes
import Tables
import Testing
import TestSupport

/// `flowstudy outcomes` on the reference cohort's statistics-only inputs (its expected markers.csv and
/// concentrations.csv in a batch and an elisa folder), and its exit codes.
@Suite("flowstudy outcomes", .needsShared)
struct OutcomesCLITests {
    let flowstudy: String
    let cohort: URL
    /// The reference cohort's template (the six study markers): these result folders have no run.json naming it.
    let template = SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path

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
        run(flowstudy, ["outcomes", "--template", template, "--samples", cohort.appendingPathComponent("samples.csv").path,
                        "--clinical", clinical ?? cohort.appendingPathComponent("clinical.csv").path,
                        "--flow", folders.flow, "--elisa", folders.elisa, "--out", out])
    }

    @Test("reproduces every compared cell of T1–T6 and S4 within 1e-9, and writes T0, footnotes and missing results")
    func referenceTables() throws {
        let folder = try TemporaryDirectory()
        let folders = try resultFolders(folder)
        try FileManager.default.copyItem(atPath: cohort.appendingPathComponent("expected/populations.csv").path, toPath: folders.flow + "/populations.csv")
        let result = outcomes(folders, out: folder.path("out"))
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
        // TQ from the result files alone: the plates' counts (no curves.json: curve cells empty, footnoted) and the
        // tubes' macrophage counts (no qc.csv or run.json) as the reference has them.
        func differences(_ name: String, _ reference: String, key: String, _ columns: [String]) throws -> [String] {
            var comparison = TableComparison(keys: [key], relativeTolerance: 0)
            let produced = try CSVTable(try InputFile.text(folder.path("out/" + name)))
            let expected = try CSVTable(try InputFile.text(cohort.appendingPathComponent("expected/" + reference).path))
            return comparison.differences(StudyCLITests.project(produced, columns), StudyCLITests.project(expected, columns), table: name).map(\.description)
        }
        let plates = try differences("TQ_elisa_plates.csv", "elisa_plates.csv", key: "plate", ["plate", "n_samples", "n_below_lloq", "n_above_uloq", "n_high_cv"])
        #expect(plates.isEmpty, "\(plates.joined(separator: "\n"))")
        let tubes = try differences("TQ_fcs_files.csv", "fcs_files.csv", key: "sample_id", ["sample_id", "fcs_file", "control_type", "control_marker", "macrophages"])
        #expect(tubes.isEmpty, "\(tubes.joined(separator: "\n"))")
        let footnotes = try InputFile.text(folder.path("out/footnotes.md"))
        #expect(footnotes.contains("curves.json is absent") && footnotes.contains("qc.csv is absent"), "\(footnotes)")
    }

    @Test("--pdf prints the index and every subject page through headless Chromium",
          .enabled(if: ChromiumCheck.executable != nil, "Chromium is absent (Debian package chromium; .ci/run installs it): PDF check skipped"))
    func printsPDF() throws {
        let folder = try TemporaryDirectory()
        let folders = try resultFolders(folder)
        let result = run(flowstudy, ["outcomes", "--template", template, "--samples", cohort.appendingPathComponent("samples.csv").path,
                                     "--clinical", cohort.appendingPathComponent("clinical.csv").path,
                                     "--flow", folders.flow, "--elisa", folders.elisa, "--out", folder.path("out"), "--pdf", "--no-png"])
        #expect(result.status == 0, "\(result.stderr)")
        let pages = try FileManager.default.contentsOfDirectory(atPath: folder.path("out/report/subjects")).filter { $0.hasSuffix(".html") }
        #expect(!pages.isEmpty)
        for pdf in ["report/index.pdf"] + pages.map { "report/subjects/" + $0.replacingOccurrences(of: ".html", with: ".pdf") } {
            let bytes = try InputFile.bytes(folder.path("out/" + pdf))
            #expect(bytes.starts(with: Array("%PDF-".utf8)) && bytes.count > 1_000, "\(pdf)")
        }
    }

    @Test("writes the report (index, a page per subject, F1–F6 as SVG) and report patient --study writes one standalone page")
    func writesTheReport() throws {
        let folder = try TemporaryDirectory()
        let out = folder.path("out")
        let result = run(flowstudy, ["outcomes", "--template", template, "--samples", cohort.appendingPathComponent("samples.csv").path,
                                     "--clinical", cohort.appendingPathComponent("clinical.csv").path,
                                     "--flow", try resultFolders(folder).flow, "--elisa", folder.path("elisa"), "--out", out, "--no-png"])
        try #require(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("report: \(out)/report/index.html (9 subject pages, 7 figures as SVG"))
        let index = try String(contentsOfFile: out + "/report/index.html", encoding: .utf8)
        #expect(index.contains("n = 6 pairs; Hodges–Lehmann ratio 0.4031"))
        for id in ["SSC01", "SSC06", "HD01", "HD03"] { #expect(FileManager.default.fileExists(atPath: out + "/report/subjects/\(id).html"), "\(id)") }
        for figure in ["F1_primary_CCL18", "F2_soluble_SSc", "F3_markers_SSc", "F4a_soluble_HD_serum", "F4b_markers_HD_serum", "F5_forest_S4", "F6_L_vs_mRSS"] {
            #expect(FileManager.default.fileExists(atPath: out + "/report/figures/\(figure).svg"), "\(figure)")
        }
        // Provenance: the SHA-256 of the clinical sheet, computed here independently of the report.
        let sha = run("/usr/bin/sha256sum", [cohort.appendingPathComponent("clinical.csv").path]).stdout.prefix(64)
        #expect(sha.count == 64 && index.contains(String(sha)))
        let page = run(flowstudy, ["report", "patient", "--study", out, "--subject", "SSC05", "-o", folder.path("SSC05.html")])
        #expect(page.status == 0, "\(page.stderr)")
        let html = try String(contentsOfFile: folder.path("SSC05.html"), encoding: .utf8)
        #expect(html.contains("Subject SSC05") && html.contains("IL-6"))
        let removed = run(flowstudy, ["report", "patient", "--batch", out, "--subject", "SSC05"])
        #expect(removed.status == 64 && removed.stderr.contains("--batch was removed"))
        let unknown = run(flowstudy, ["report", "patient", "--study", out, "--subject", "NOPE"])
        #expect(unknown.status == 64 && unknown.stderr.contains("no subject 'NOPE'"), "\(unknown.stderr)")
        // A page that cannot be written ends with a documented code naming the path (it used to exit 1).
        let unwritable = run(flowstudy, ["report", "patient", "--study", out, "--subject", "SSC05", "-o", folder.path("no-such-folder/SSC05.html")])
        #expect(unwritable.status == 65 && unwritable.stderr.contains("no-such-folder/SSC05.html"), "\(unwritable.stderr)")
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

    @Test("an unusable result file exits 65; so does a curves.json field of the wrong kind, named by file and place")
    func unusableInput() throws {
        let folder = try TemporaryDirectory()
        let folders = try resultFolders(folder)
        try "sample_id,value\nA,1\n".write(toFile: folders.elisa + "/concentrations.csv", atomically: false, encoding: .utf8)
        let result = outcomes(folders, out: folder.path("out"))
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains("concentrations.csv"))
        let other = try TemporaryDirectory()
        let good = try resultFolders(other)
        try "{\"curves\": [{\"plate\": \"CCL18_1\", \"r_squared\": \"high\"}]}".write(toFile: good.elisa + "/curves.json", atomically: false, encoding: .utf8)
        let curves = outcomes(good, out: folder.path("out-curves"))
        #expect(curves.status == 65, "\(curves.stderr)")
        #expect(curves.stderr.contains(good.elisa + "/curves.json: curves[0].r_squared: expected a number"), "\(curves.stderr)")
    }

    @Test("without --template, a batch folder without run.json exits 65 asking for it; a header-only markers.csv misses every culture tube's readouts")
    func panelFromTheTemplate() throws {
        let folder = try TemporaryDirectory()
        let folders = try resultFolders(folder)
        let withoutRecord = run(flowstudy, ["outcomes", "--samples", cohort.appendingPathComponent("samples.csv").path,
                                            "--clinical", cohort.appendingPathComponent("clinical.csv").path,
                                            "--flow", folders.flow, "--elisa", folders.elisa, "--out", folder.path("out0"), "--no-png"])
        #expect(withoutRecord.status == 65, "\(withoutRecord.stderr)")
        #expect(withoutRecord.stderr.contains(folders.flow + "/run.json") && withoutRecord.stderr.contains("--template"), "\(withoutRecord.stderr)")

        // The batch's run.json names the template: used when its SHA-256 (from sha256sum here) is the one recorded.
        let sha = String(run("/usr/bin/sha256sum", [template]).stdout.prefix(64))
        func record(_ hash: String) throws {
            try "{\"template\": {\"path\": \"\(template)\", \"sha256\": \"\(hash)\"}}".write(toFile: folders.flow + "/run.json", atomically: false, encoding: .utf8)
        }
        func recorded(_ out: String) -> (status: Int32, stdout: String, stderr: String) {
            run(flowstudy, ["outcomes", "--samples", cohort.appendingPathComponent("samples.csv").path, "--clinical", cohort.appendingPathComponent("clinical.csv").path,
                            "--flow", folders.flow, "--elisa", folders.elisa, "--out", folder.path(out), "--no-png"])
        }
        try record(String(repeating: "0", count: 64))
        let changed = recorded("out1")
        #expect(changed.status == 65 && changed.stderr.contains("found SHA-256 \(sha): it changed since the batch"), "\(changed.stderr)")
        try record(sha)
        let same = recorded("out2")
        #expect(same.status == 0 && same.stdout.contains("; 0 missing results)"), "\(same.stderr)")
        // An empty hash is no record.
        try record("")
        let empty = recorded("out3")
        #expect(empty.status == 65 && empty.stderr.contains("expected the SHA-256 of the gating template the batch read, found none"), "\(empty.stderr)")
        // A record that does not parse is named at its line and column, not reported as lacking the template.
        try "{\"template\": {\"path\": \"\(template)\",\n \"sha256\": }}".write(toFile: folders.flow + "/run.json", atomically: false, encoding: .utf8)
        let broken = recorded("out4")
        #expect(broken.status == 65 && broken.stderr.contains(folders.flow + "/run.json: line 2, column") && !broken.stderr.contains("template.path"),
                "\(broken.stderr)")

        // --template must be the batch's when the batch recorded one; without a record it is taken as given, and a
        // study marker the batch read but the template does not is refused (its rows would be in no table).
        try record(sha)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: template))) as? [String: Any])
        var withoutTLR4 = object
        withoutTLR4["readouts"] = (object["readouts"] as? [[String: Any]] ?? []).filter { $0["marker"] as? String != "TLR4" }
        let other = folder.path("without-tlr4.json")
        try JSONSerialization.data(withJSONObject: withoutTLR4).write(to: URL(fileURLWithPath: other))
        func given(_ out: String) -> (status: Int32, stdout: String, stderr: String) {
            run(flowstudy, ["outcomes", "--template", other, "--samples", cohort.appendingPathComponent("samples.csv").path,
                            "--clinical", cohort.appendingPathComponent("clinical.csv").path,
                            "--flow", folders.flow, "--elisa", folders.elisa, "--out", folder.path(out), "--no-png"])
        }
        let another = given("out4")
        #expect(another.status == 65 && another.stderr.contains("the batch was gated with another template"), "\(another.stderr)")
        try FileManager.default.removeItem(atPath: folders.flow + "/run.json")
        let dropped = given("out5")
        #expect(dropped.status == 64, "\(dropped.stderr)")
        #expect(dropped.stderr.contains("TLR4") && dropped.stderr.contains("would be left out of every table"), "\(dropped.stderr)")
        #expect(dropped.stderr.components(separatedBy: "would be left out").count == 2, "one problem for the marker, not one per row: \(dropped.stderr)")

        try "sample_id,subject_id,condition,population,marker,mfi,percent_positive\n".write(toFile: folders.flow + "/markers.csv", atomically: false, encoding: .utf8)
        let result = outcomes(folders, out: folder.path("out"))
        try #require(result.status == 0, "\(result.stderr)")
        let tubes = try StudySheetsCLITests.cultureTubes(cohort.appendingPathComponent("samples.csv").path)
        let missing = try CSVTable(try InputFile.text(folder.path("out/missing_results.csv")))
        #expect(tubes.count > 0 && missing.rows.count == tubes.count * 12)
        #expect(result.stdout.contains("; \(tubes.count * 12) missing results)"), "\(result.stdout)")
    }

    @Test("a template reading two study markers twice: both readouts are listed, each at its JSON path; exit 65, nothing written")
    func everyPanelProblem() throws {
        let folder = try TemporaryDirectory("flowstudy-outcomes-panel")
        let folders = try resultFolders(folder)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: template))) as? [String: Any])
        var readouts = try #require(object["readouts"] as? [[String: Any]])
        let first = readouts.count
        let cd206 = try #require(readouts.firstIndex { $0["marker"] as? String == "CD206" })
        let tlr4 = try #require(readouts.firstIndex { $0["marker"] as? String == "TLR4" })
        for marker in ["CD206", "TLR4"] {
            readouts.append(["marker": marker, "population": "live", "threshold": ["control": "FMO", "percentile": 99]])
        }
        var twice = object
        twice["readouts"] = readouts
        let path = folder.path("two-markers-twice.json")
        try JSONSerialization.data(withJSONObject: twice).write(to: URL(fileURLWithPath: path))
        let out = folder.path("out")
        let result = run(flowstudy, ["outcomes", "--template", path, "--samples", cohort.appendingPathComponent("samples.csv").path,
                                     "--clinical", cohort.appendingPathComponent("clinical.csv").path,
                                     "--flow", folders.flow, "--elisa", folders.elisa, "--out", out, "--no-png"])
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains("\(path): readouts[\(first)]: a second readout of study marker CD206 (population 'live'; readouts[\(cd206)] reads it on 'macrophages')"),
                "\(result.stderr)")
        #expect(result.stderr.contains("\(path): readouts[\(first + 1)]: a second readout of study marker TLR4 (population 'live'; readouts[\(tlr4)] reads it on 'macrophages')"),
                "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
