import Foundation
import Testing
import TestSupport

/// `flowstudy template export-wsp` as a user runs it: on tubes `flowstudy simulate` writes, back through
/// `import-wsp`, and through FlowKit's `Workspace(...).analyze_samples()`.
@Suite("flowstudy template export-wsp")
struct ExportWSPCommandTests {
    static let template = SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path

    /// Two simulated tubes (an untreated one and a CD206 FMO) in `folder/fcs`.
    static func simulate(_ flowstudy: String, _ folder: TemporaryDirectory) throws -> String {
        let fcs = folder.path("fcs")
        try FileManager.default.createDirectory(atPath: fcs, withIntermediateDirectories: true)
        for arguments in [["--seed", "11", "-o", fcs + "/tube_ut.fcs"], ["--seed", "12", "--fmo", "CD206", "-o", fcs + "/tube_fmo.fcs"]] {
            let result = run(flowstudy, ["simulate", "--events", "4000"] + arguments)
            #expect(result.status == 0, "\(result.stderr)")
        }
        return fcs
    }

    /// `population → count` from `flowstudy gate --stats`.
    static func gateCounts(_ flowstudy: String, file: String, template: String, folder: TemporaryDirectory,
                           extra: [String] = []) throws -> [String: Int] {
        let stats = folder.path("stats-\((file as NSString).lastPathComponent).csv")
        let result = run(flowstudy, ["gate", file, "--template", template, "--stats", stats] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try String(contentsOfFile: stats, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0], Int($0[2]) ?? -1) })
    }

    @Test("export then import gives the study template back (as template convert writes it); readouts noted as carried")
    func roundTrip() throws {
        let flowstudy = try #require(flowstudyExecutable())
        let folder = try TemporaryDirectory()
        let fcs = try Self.simulate(flowstudy, folder)
        let export = run(flowstudy, ["template", "export-wsp", Self.template, "--samples", fcs, "-o", folder.path("study.wsp")])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains("2 samples, 10 populations in group 'FlowStudy'"), "\(export.stdout)")
        #expect(export.stderr.contains("carried in group keyword FLOWSTUDY_TEMPLATE") && export.stderr.contains("readouts and their thresholds (6)"), "\(export.stderr)")
        let wsp = try String(contentsOfFile: folder.path("study.wsp"), encoding: .utf8)
        #expect(wsp.contains(#"<SampleNode name="tube_fmo.fcs""#) && wsp.contains(#"<SampleNode name="tube_ut.fcs""#))

        let back = run(flowstudy, ["template", "import-wsp", folder.path("study.wsp"), "--group", "FlowStudy", "-o", folder.path("back.json"),
                                   "--check", fcs])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(back.stderr.isEmpty, "\(back.stderr)")
        // The reference form: the template written by FlowStudy's own JSON writer (through Gating-ML and back).
        #expect(run(flowstudy, ["template", "convert", Self.template, "-o", folder.path("t.xml")]).status == 0)
        #expect(run(flowstudy, ["template", "convert", folder.path("t.xml"), "-o", folder.path("reference.json")]).status == 0)
        #expect(try String(contentsOfFile: folder.path("back.json"), encoding: .utf8) == String(contentsOfFile: folder.path("reference.json"), encoding: .utf8))

        // The same through a sample sheet; the output may not be one of the inputs.
        try "sample_id,fcs_file\nut,fcs/tube_ut.fcs\n".write(toFile: folder.path("samples.csv"), atomically: true, encoding: .utf8)
        let sheet = run(flowstudy, ["template", "export-wsp", Self.template, "--samples", folder.path("samples.csv"), "-o", folder.path("one.wsp")])
        #expect(sheet.status == 0 && sheet.stdout.contains("1 sample,"), "\(sheet.stderr)")
        let clobber = run(flowstudy, ["template", "export-wsp", Self.template, "--samples", fcs, "-o", fcs + "/tube_ut.fcs"])
        #expect(clobber.status == 64, "\(clobber.stderr)")
    }

    static let flowKitScript = """
    import sys, json, warnings
    warnings.simplefilter("ignore")
    import flowkit as fk
    w = fk.Workspace(sys.argv[1], fcs_samples=sys.argv[2])
    w.analyze_samples(group_name=sys.argv[3], use_mp=False)
    out = {}
    for sid in w.get_sample_ids(group_name=sys.argv[3]):
        report = w.get_gating_results(sid).report
        out[sid] = {"/".join(list(row["gate_path"])[1:] + [row["gate_name"]]): int(row["count"]) for _, row in report.iterrows()}
    print(json.dumps(out))
    """

    static func flowKitCounts(_ python: String, wsp: String, fcs: String, group: String) throws -> [String: [String: Int]] {
        let result = run(python, ["-c", flowKitScript, wsp, fcs, group])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String: Int]])
    }

    @Test("FlowKit opens the exported workspace and counts what FlowStudy counts, population by population",
          .enabled(if: pythonWith(["flowkit"]) != nil, "no Python with flowkit (.ci/run installs it in .venv): FlowKit cross-check skipped"))
    func flowKitCounts() throws {
        let flowstudy = try #require(flowstudyExecutable())
        let python = try #require(pythonWith(["flowkit"]))
        let folder = try TemporaryDirectory()
        let fcs = try Self.simulate(flowstudy, folder)
        #expect(run(flowstudy, ["template", "export-wsp", Self.template, "--samples", fcs, "-o", folder.path("study.wsp")]).status == 0)
        let theirs = try Self.flowKitCounts(python, wsp: folder.path("study.wsp"), fcs: fcs, group: "FlowStudy")
        #expect(Set(theirs.keys) == ["tube_ut.fcs", "tube_fmo.fcs"])
        for name in ["tube_ut.fcs", "tube_fmo.fcs"] {
            let ours = try Self.gateCounts(flowstudy, file: fcs + "/" + name, template: Self.template, folder: folder)
            let flowKit = Dictionary(uniqueKeysWithValues: (theirs[name] ?? [:]).map { (String($0.key.split(separator: "/").last ?? ""), $0.value) })
            #expect(flowKit == ours, "\(name)")
            #expect((ours["macrophages"] ?? 0) > 1_000)
        }
    }

    @Test("the shipped FlowJo cases, imported and exported again, still give FlowKit's expected counts",
          .needsShared, .enabled(if: pythonWith(["flowkit"]) != nil, "no Python with flowkit (.ci/run installs it in .venv): FlowKit cross-check skipped"),
          arguments: [("line_poly_rect", "data_set_simple_line_100.fcs"), ("line_ellipse", "data_set_simple_line_100.fcs"),
                      ("diamond_quadrant", "test_data_diamond_01.fcs"), ("diamond_biex_rect", "test_data_diamond_01.fcs")])
    func reexportShippedCases(name: String, fcsName: String) throws {
        let flowstudy = try #require(flowstudyExecutable())
        let python = try #require(pythonWith(["flowkit"]))
        let caseFolder = try #require(SharedData.url("flowjo/cases/\(name)")).path
        let folder = try TemporaryDirectory()
        let imported = run(flowstudy, ["template", "import-wsp", caseFolder + "/workspace.wsp", "--sample", fcsName, "-o", folder.path("t.json")])
        #expect(imported.status == 0, "\(imported.stderr)")
        let exported = run(flowstudy, ["template", "export-wsp", folder.path("t.json"), "--samples", caseFolder, "-o", folder.path("again.wsp")])
        #expect(exported.status == 0, "\(exported.stderr)")
        let counts = try #require(try Self.flowKitCounts(python, wsp: folder.path("again.wsp"), fcs: caseFolder + "/" + fcsName, group: "FlowStudy")[fcsName])
        // expected/counts.csv: sample,gate_path,gate_name,count,... (FlowKit on the original workspace).
        let rows = try String(contentsOfFile: caseFolder + "/expected/counts.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(!rows.isEmpty)
        for row in rows {
            let cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            // Gate names may hold commas (quadrants): the count is the third cell from the end.
            let gatePath = cells[1], count = Int(cells[cells.count - 3])
            let gateName = cells[2..<(cells.count - 3)].joined(separator: ",").trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let path = (gatePath == "root" ? "" : String(gatePath.dropFirst("root/".count)) + "/") + gateName
            #expect(counts[path] == count, "\(name) \(path): \(counts)")
        }
    }

    @Test("an FCS 2.0 Coulter file with $DFC: export-wsp names its matrix by $PnN, and export --format fcs keeps it usable",
          .needsShared)
    func coulterDFC() throws {
        let flowstudy = try #require(flowstudyExecutable())
        let source = try #require(SharedData.url("fcs-corpus/files/flowio__coulter.lmd"), Comment(rawValue: SharedData.skipMessage))
        let folder = try TemporaryDirectory()
        let samples = folder.path("samples")
        try FileManager.default.createDirectory(atPath: samples, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source.path, toPath: samples + "/coulter.lmd")
        let template = folder.path("comp.json")
        try Data(#"""
            {"format": "flowstudy-gating/1", "compensation": {"source": "file"}, "populations": [{"id": "lowFL2", "parent": null,
             "gate": {"type": "rectangle", "dimensions": [{"channel": "FL2 Log", "compensated": true, "max": 100}]}}]}
            """#.utf8).write(to: URL(fileURLWithPath: template))
        // FlowJo's matrix: the three detectors the FC 500 file records (FL1–FL3 Log), not FL1–FL5 of its $DFC keywords.
        let wsp = folder.path("coulter.wsp")
        let export = run(flowstudy, ["template", "export-wsp", template, "--samples", samples, "--data-offsets", "header", "-o", wsp])
        #expect(export.status == 0, "\(export.stderr)")
        let xml = try String(contentsOfFile: wsp, encoding: .utf8)
        #expect(xml.contains("FL1 Log") && xml.contains("FL3 Log") && !xml.contains("\"FL4\"") && !xml.contains("\"FL1\""))
        let back = run(flowstudy, ["template", "import-wsp", wsp, "-o", folder.path("back.json"), "--check", samples, "--data-offsets", "header"])
        #expect(back.status == 0, "\(back.stderr)")
        // Exported as FCS 3.1, the file carries the matrix as $SPILLOVER over FL1–FL3 Log and gates as the original.
        let exported = folder.path("coulter.fcs")
        #expect(run(flowstudy, ["export", samples + "/coulter.lmd", "--data-offsets", "header", "--format", "fcs", "-o", exported]).status == 0)
        let original = try Self.gateCounts(flowstudy, file: samples + "/coulter.lmd", template: template, folder: folder, extra: ["--data-offsets", "header"])
        let rewritten = try Self.gateCounts(flowstudy, file: exported, template: template, folder: folder)
        #expect(original["lowFL2"] != nil && original == rewritten, "\(original) \(rewritten)")
    }
}
