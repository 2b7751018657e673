import Batch
import Foundation
import Gating
import Outcomes
@testable import Study
import Tables
import Testing
import TestSupport

/// `flowstudy study` on a tiny generated demo study (2 patients, 1 donor): what its folder records, and the
/// sample-sheet problems a study refuses before any work, each reported once at its root.
@Suite("flowstudy study: records and sheets")
struct StudySheetsCLITests {
    /// A generated demo study (`flowstudy demo generate`), shared by the tests; its folder lives as long as the process.
    static let demo: Result<(folder: TemporaryDirectory, data: String), any Error> = Result {
        let folder = try TemporaryDirectory.forProcess("flowstudy-study-sheets")
        let flowstudy = try #require(flowstudyExecutable(), "the flowstudy executable is built by swift test")
        let result = run(flowstudy, ["demo", "generate", "--out", folder.path("data"), "--patients", "2", "--donors", "1",
                                     "--events", "1000", "--fmo-events", "500"])
        try #require(result.status == 0, "flowstudy demo generate: \(result.stderr)")
        return (folder, folder.path("data"))
    }

    let flowstudy: String
    let data: String
    let template = SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path

    init() throws {
        flowstudy = try #require(flowstudyExecutable(), "the flowstudy executable is built by swift test")
        data = try Self.demo.get().data
    }

    /// `flowstudy study` on the demo's sheets, `samples` and `clinical` replacing its own when given.
    func study(out: String, samples: String? = nil, clinical: String? = nil) -> (status: Int32, stdout: String, stderr: String) {
        run(flowstudy, ["study", "--samples", samples ?? data + "/samples.csv", "--clinical", clinical ?? data + "/clinical.csv",
                        "--template", template, "--elisa-runs", data + "/elisa/runs.csv", "--out", out, "--jobs", "2", "--no-png", "--quiet"])
    }

    /// The demo's samples.csv with `edit` applied to its lines (0 = header), written beside it (its FCS paths are
    /// relative to its folder) under `name`.
    func samples(_ name: String, _ edit: (inout [String]) -> Void) throws -> String {
        var lines = try InputFile.text(data + "/samples.csv").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(lines[1].hasPrefix("SSC01_UT,") && lines[2].hasPrefix("SSC01_RUX,"), "the demo's first rows are SSC01's cultures")
        edit(&lines)
        let path = data + "/" + name
        try lines.joined(separator: "\n").write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    @Test("report patient reads a study folder, and refuses one whose input changed since; no file of the study names the staging folder")
    func reportAfterStudy() throws {
        let folder = try TemporaryDirectory("flowstudy-study-records")
        let out = folder.path("study")
        let result = study(out: out)
        try #require(result.status == 0, "\(result.stderr)")

        let page = folder.path("SSC01.html")
        let report = run(flowstudy, ["report", "patient", "--study", out + "/outcomes", "--subject", "SSC01", "-o", page])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try InputFile.text(page)
        #expect(html.contains("SSC01") && html.contains("data:image/png;base64,"), "the page with its embedded gate plots")

        // outcomes_run.json names the study's own folders (absolute, as flowstudy outcomes records them).
        let record = try #require(try JSONSerialization.jsonObject(with: Data(try InputFile.bytes(out + "/outcomes/outcomes_run.json"))) as? [String: Any])
        let inputs = try #require(record["inputs"] as? [String: String])
        let root = URL(fileURLWithPath: out).standardizedFileURL.path
        #expect(inputs["flow"] == root + "/flow" && inputs["elisa"] == root + "/elisa" && inputs["review"] == root + "/review", "\(inputs)")

        // Every file written, text or not, searched for the staging folder's marker.
        let files = try #require(FileManager.default.subpaths(atPath: out))
        var searched = 0
        for file in files {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: out + "/" + file, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            let bytes = try InputFile.bytes(out + "/" + file)
            #expect(bytes.firstRange(of: Array("flowstudy-staging".utf8)) == nil, "\(file) names the staging folder")
            searched += 1
        }
        #expect(searched > 400, "\(searched) files searched")

        // A gate plot of the subject that is there but cannot be read (a folder in its place) is an error naming
        // it, not a blank picture on the page.
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(try InputFile.bytes(out + "/review/manifest.json"))) as? [String: Any])
        let cells = try #require(manifest["cells"] as? [[String: Any]])
        let image = try #require(cells.first { ($0["sample"] as? String)?.hasPrefix("SSC01_") == true && $0["image"] is String }?["image"] as? String)
        let plot = out + "/review/" + image
        let saved = try InputFile.bytes(plot)
        try FileManager.default.removeItem(atPath: plot)
        try FileManager.default.createDirectory(atPath: plot, withIntermediateDirectories: false)
        let unreadable = run(flowstudy, ["report", "patient", "--study", out, "--subject", "SSC01", "-o", folder.path("SSC01-unreadable.html")])
        #expect(unreadable.status == 65 && unreadable.stderr.contains(plot), "\(unreadable.stderr)")
        try FileManager.default.removeItem(atPath: plot)
        try Data(saved).write(to: URL(fileURLWithPath: plot))

        // An input edited since: report patient refuses it (exit 65), naming the file and both SHA-256.
        let markers = out + "/flow/markers.csv"
        let before = String(run("/usr/bin/sha256sum", [markers]).stdout.prefix(64))
        var lines = try InputFile.text(markers).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let mfi = try #require(header.firstIndex(of: "mfi"))
        var fields = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[mfi] = "999999"
        lines[1] = fields.joined(separator: ",")
        try lines.joined(separator: "\n").write(toFile: markers, atomically: false, encoding: .utf8)
        let after = String(run("/usr/bin/sha256sum", [markers]).stdout.prefix(64))
        try #require(before.count == 64 && after.count == 64 && before != after)
        let edited = run(flowstudy, ["report", "patient", "--study", out, "--subject", "SSC01", "-o", folder.path("SSC01-edited.html")])
        #expect(edited.status == 65, "\(edited.stderr)")
        #expect(edited.stderr.contains(markers) && edited.stderr.contains("expected SHA-256 \(before)") && edited.stderr.contains("found \(after)"), "\(edited.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("SSC01-edited.html")))
        let unknown = run(flowstudy, ["report", "patient", "--study", out, "--subject", "NOPE"])
        #expect(unknown.status == 65, "the edited input is refused before the subject is looked up")
    }

    @Test("two samples naming one FCS file stop the study before any work, naming both rows")
    func sameFCSFile() throws {
        let folder = try TemporaryDirectory("flowstudy-study-samefcs")
        let sheet = try samples("samples-samefcs.csv") { lines in
            // Line 3 is SSC01_RUX; it now names SSC01_UT's file (line 2).
            lines[2] = lines[2].replacingOccurrences(of: "fcs/SSC01_RUX.fcs", with: "fcs/SSC01_UT.fcs")
        }
        let result = study(out: folder.path("study"), samples: sheet)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("row 3, column fcs_file: 'fcs/SSC01_UT.fcs' is the file of sample 'SSC01_UT' on row 2 too"), "\(result.stderr)")
        #expect(result.stderr.contains("1 problem in the study's inputs"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("study")))
    }

    @Test("one FMO tube listed for two conditions of its subject may name one file; a tube of another marker may not")
    func sharedControlTube() throws {
        let template = try TemplateReader.read(contentsOf: self.template)
        let sheet = try SampleSheet.read(text: """
            sample_id,subject_id,condition,fcs_file,control_type,control_marker
            P1_UT,P1,UT,ut.fcs,,
            P1_RUX,P1,RUX,rux.fcs,,
            P1_UT_FMO206,P1,UT,fmo.fcs,FMO,CD206
            P1_RUX_FMO206,P1,RUX,fmo.fcs,FMO,CD206
            P1_RUX_FMO86,P1,RUX,fmo.fcs,FMO,CD86
            """, path: "/nonexistent-flowstudy/samples.csv", template: template)
        let problems = StudyRun.sampleSheetProblems(sheet, template: template)
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.contains("row 6, column fcs_file: 'fmo.fcs' is the file of sample 'P1_UT_FMO206' on row 4 too") == true, "\(problems)")
    }

    @Test("a samples.csv problem both readers find is listed once; the batch reader's others stay")
    func eachSheetProblemOnce() throws {
        let file = "samples.csv"
        let batch = [SampleSheet.Problem(.cell(row: 3, column: "sample_id"), "'P1' already used on row 2"),
                     SampleSheet.Problem(.cell(row: 4, column: "control_type"), "expected FMO, isotype or empty, found 'x'"),
                     SampleSheet.Problem(.row(5), "expected 6 columns, found 7"), SampleSheet.Problem(.header, "column 'x' appears twice"),
                     SampleSheet.Problem(.sheet, "expected at least one sample row")]
        let reported = [StudyDataProblems.Problem(.duplicate, file: file, line: 3, column: "sample_id", value: "P1", allowed: "a unique id"),
                        StudyDataProblems.Problem(.fieldCount, file: file, line: 5, column: "", value: "7", allowed: "6 fields")]
        #expect(StudyRun.unreported(batch, besides: reported) == [batch[1], batch[3], batch[4]])
        // A header problem is dropped when the other reader reported line 1; a whole-row one, any cell of its line.
        let headerAndCell = [StudyDataProblems.Problem(.duplicate, file: file, line: 1, column: "x", value: "x", allowed: "one column"),
                             StudyDataProblems.Problem(.duplicate, file: file, line: 5, column: "sample_id", value: "P1", allowed: "a unique id")]
        #expect(StudyRun.unreported(batch, besides: headerAndCell) == [batch[0], batch[1], batch[4]])
        // On a real study: the duplicate id is one line of the output.
        let folder = try TemporaryDirectory("flowstudy-study-once")
        let sheet = try samples("samples-duplicate-id.csv") { lines in
            lines[2] = lines[2].replacingOccurrences(of: "SSC01_RUX,", with: "SSC01_UT,")
        }
        let result = study(out: folder.path("study"), samples: sheet)
        #expect(result.status == 64)
        #expect(result.stderr.components(separatedBy: "SSC01_UT").count - 1 == 1, "\(result.stderr)")
    }

    @Test("a control tube for a marker outside the template's panel stops the study, naming the row, the marker and the panel")
    func controlMarkerOutsidePanel() throws {
        let folder = try TemporaryDirectory("flowstudy-study-ctrl")
        var line = 0
        let sheet = try samples("samples-cd999.csv") { lines in
            line = (lines.firstIndex { $0.hasSuffix(",FMO,CD204") } ?? 0) + 1
            lines[line - 1] = lines[line - 1].replacingOccurrences(of: ",FMO,CD204", with: ",FMO,CD999")
        }
        try #require(line > 1)
        let result = study(out: folder.path("study"), samples: sheet)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("row \(line), column control_marker: 'CD999' is not a marker of the template's panel; expected one of CD14, CD86, CD206, CD163, CD45, CD204, TLR4, HLA-DR, Viability"),
                "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("study")))
    }

    @Test("one sample-sheet problem is reported alone: runs.csv is not reported plate by plate")
    func noFollowOnPlateProblems() throws {
        let folder = try TemporaryDirectory("flowstudy-study-rux")
        let sheet = try samples("samples-rux.csv") { lines in
            // SSC01_UT (line 2) with a ruxolitinib dose: the condition says untreated.
            let column = lines[0].split(separator: ",").firstIndex(of: "ruxolitinib_uM") ?? 0
            var fields = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[column] = "1"
            lines[1] = fields.joined(separator: ",")
        }
        let result = study(out: folder.path("study"), samples: sheet)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("line 2, column 'ruxolitinib_uM': found '1', expected 0 for UT [contradiction]"), "\(result.stderr)")
        #expect(result.stderr.contains("1 problem in the study's inputs") && !result.stderr.contains("named by no sample"), "\(result.stderr)")
    }

    @Test("a clinical sheet without subject_id is reported alone: no sample is reported as naming an unknown subject")
    func clinicalRefusedAlone() throws {
        let folder = try TemporaryDirectory("flowstudy-study-clinical")
        let lines = try InputFile.text(data + "/clinical.csv").split(separator: "\n").map { String($0.drop { $0 != "," }.dropFirst()) }
        let clinical = folder.path("clinical.csv")
        try (lines.joined(separator: "\n") + "\n").write(toFile: clinical, atomically: false, encoding: .utf8)
        let result = study(out: folder.path("study"), clinical: clinical)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("column 'subject_id': found '', expected a column 'subject_id'"), "\(result.stderr)")
        #expect(result.stderr.contains("1 problem in the study's inputs") && !result.stderr.contains("unknown_reference"), "\(result.stderr)")
    }

    /// The culture samples of a samples.csv that name an FCS file (no control_type), counted from the sheet here.
    static func cultureTubes(_ samples: String) throws -> [String] {
        let table = try CSVTable(try InputFile.text(samples))
        let id = try #require(table.header.firstIndex(of: "sample_id")), fcs = try #require(table.header.firstIndex(of: "fcs_file"))
        let control = try #require(table.header.firstIndex(of: "control_type"))
        return table.rows.filter { $0[control].isEmpty && !$0[fcs].isEmpty }.map { $0[id] }
    }

    @Test("every tube failing: each culture tube misses the panel's 12 readouts, everywhere alike, and the TQ footnote names it")
    func everyTubeFailed() throws {
        let folder = try TemporaryDirectory("flowstudy-study-allbad")
        let copy = folder.path("data")
        try FileManager.default.copyItem(atPath: data, toPath: copy)
        for name in try FileManager.default.contentsOfDirectory(atPath: copy + "/fcs") where name.hasSuffix(".fcs") {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: copy + "/fcs/" + name))
            try handle.truncate(atOffset: 3000)
            try handle.close()
        }
        let out = folder.path("study")
        let result = run(flowstudy, ["study", "--samples", copy + "/samples.csv", "--clinical", copy + "/clinical.csv", "--template", template,
                                     "--elisa-runs", copy + "/elisa/runs.csv", "--out", out, "--jobs", "2", "--no-png", "--quiet"])
        #expect(result.status == 2, "\(result.stderr)")
        let tubes = try Self.cultureTubes(copy + "/samples.csv")
        let ssc = tubes.filter { $0.hasPrefix("SSC") }
        try #require(ssc.count >= 4, "the demo's SSc culture tubes, UT and RUX per patient")
        let missing = try CSVTable(try InputFile.text(out + "/outcomes/missing_results.csv"))
        #expect(missing.rows.count == tubes.count * 12)
        #expect(Set(missing.rows.map { $0[0] }) == Set(tubes))
        #expect(result.stdout.contains("; \(tubes.count * 12) missing results;"), "\(result.stdout)")
        let footnotes = try InputFile.text(out + "/outcomes/footnotes.md")
        #expect(!footnotes.contains("None: every culture sample"))
        #expect(footnotes.contains("- CD204 MFI: n = 0 pairs; missing results: \(ssc.count) (\(ssc.joined(separator: ", ")))."), "\(footnotes)")
        let unread = try #require(footnotes.split(separator: "\n").first { $0.hasPrefix("- Tubes the batch did not read") })
        for id in tubes { #expect(unread.contains(id + " (truncated"), "\(id)") }
        #expect(!footnotes.contains("staging"))
        let t3 = try CSVTable(try InputFile.text(out + "/outcomes/T3_markers_SSc.csv"))
        #expect(t3.rows.count == 12)
        // The tube table keeps its gate-count column, from the template's readouts (all on `macrophages`), empty.
        let tq = try CSVTable(try InputFile.text(out + "/outcomes/TQ_fcs_files.csv"))
        let column = try #require(tq.header.firstIndex(of: "macrophages"), "\(tq.header)")
        #expect(tq.header[..<column] == ["sample_id", "fcs_file", "control_type", "control_marker", "events"])
        #expect(!tq.rows.isEmpty && tq.rows.allSatisfy { $0[column].isEmpty })
        #expect(footnotes.contains("the gate count columns are the template's readout populations (macrophages)"), "\(footnotes)")
    }

    @Test("a template reading a study marker twice is refused before any work, at its JSON path, naming no staging folder")
    func secondReadoutOfAMarker() throws {
        let folder = try TemporaryDirectory("flowstudy-study-tworeadouts")
        var text = try InputFile.text(template)
        let anchor = "{\"marker\": \"TLR4\", \"population\": \"macrophages\", \"threshold\": {\"control\": \"FMO\", \"percentile\": 99}}"
        try #require(text.contains(anchor))
        text = text.replacingOccurrences(of: anchor, with: anchor + ",\n    {\"marker\": \"CD206\", \"population\": \"live\", \"threshold\": {\"control\": \"FMO\", \"percentile\": 99}}")
        let twice = folder.path("two-readouts.json")
        try text.write(toFile: twice, atomically: false, encoding: .utf8)
        let out = folder.path("study")
        let result = run(flowstudy, ["study", "--samples", data + "/samples.csv", "--clinical", data + "/clinical.csv", "--template", twice,
                                     "--elisa-runs", data + "/elisa/runs.csv", "--out", out, "--jobs", "2", "--no-png", "--quiet"])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("\(twice): readouts[6]: a second readout of study marker CD206 (population 'live'; readouts[1] reads it on 'macrophages')"),
                "\(result.stderr)")
        #expect(result.stderr.contains("nothing run"))
        #expect(!result.stderr.contains("[duplicate]") && !result.stderr.contains("staging"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
