import Foundation
import Testing
import TestSupport

@Suite("flowstudy elisa")
struct ELISACLITests {
    @Test("one plate and a runs.csv of two plates: concentrations.csv and curves.json", .needsShared)
    func plates() throws {
        let flowstudy = try #require(flowstudyExecutable())
        let reference = try #require(SharedData.url("elisa/reference"), Comment(rawValue: SharedData.skipMessage))
        let folder = try TemporaryDirectory()
        let plate1 = reference.appendingPathComponent("plate1_CCL18")
        let single = run(flowstudy, ["elisa", plate1.appendingPathComponent("plate.csv").path, "--layout", plate1.appendingPathComponent("layout.csv").path,
                                     "--analyte", "CCL18", "--out", folder.path("one")])
        #expect(single.status == 0, "\(single.stderr)")
        let rows = try String(contentsOfFile: folder.path("one/concentrations.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows[0] == "sample_id,subject_id,condition,analyte,plate,model,weights,wells,dilution_factor,mean_net_od,cv_percent,conc_in_well,value,value_text,units,status,flags,value_for_stats,selected,role")
        #expect(rows.contains { $0.hasPrefix("P03_RUX,") && $0.contains(",<781.25,pg/mL,<LLOQ,,390.625,true,sample") })
        #expect(rows.contains { $0.hasPrefix("P04_RUX,") && $0.contains(",OK,HIGH_CV,") })
        let runs = folder.path("runs.csv")
        try """
        plate_file,plate,layout,analyte
        \(plate1.path)/plate.csv,CCL18_1,\(plate1.path)/layout.csv,CCL18
        \(reference.path)/plate2_IL6/plate.csv,IL6_1,\(reference.path)/plate2_IL6/layout.csv,IL-6
        """.write(toFile: runs, atomically: false, encoding: .utf8)
        let many = run(flowstudy, ["elisa", "--runs", runs, "--model", "5pl", "--weights", "1/y2", "--out", folder.path("two")])
        #expect(many.status == 0, "\(many.stderr)")
        let curves = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.url.appendingPathComponent("two/curves.json"))) as? [String: Any]
        let list = curves?["curves"] as? [[String: Any]] ?? []
        #expect(list.map { $0["plate"] as? String } == ["CCL18_1", "IL6_1"])
        #expect(list.allSatisfy { $0["model"] as? String == "5PL" && $0["weights"] as? String == "1/y^2" })
        #expect(FileManager.default.fileExists(atPath: folder.path("two/curve_CCL18_1.png")) && FileManager.default.fileExists(atPath: folder.path("two/curve_IL6_1.svg")))
        let text = try String(contentsOfFile: folder.path("two/concentrations.csv"), encoding: .utf8)
        #expect(text.contains("P05_UT,P05,UT,IL-6,IL6_1,5PL,1/y^2,B9;B10,2,,,,,>1200,pg/mL,>ULOQ,SATURATED,1200,true"))
        // Usage and data errors.
        #expect(run(flowstudy, ["elisa", "--out", folder.path("x")]).status == 64)
        let missing = run(flowstudy, ["elisa", folder.path("nope.csv"), "--layout", "l.csv", "--analyte", "X", "--out", folder.path("x")])
        #expect(missing.status == 65 && missing.stderr.contains("nope.csv"))
    }
}

@Suite("flowstudy elisa: multi-plate files, --list, hostile inputs and exit codes")
struct ELISACLIHardeningTests {
    static let documented: Set<Int32> = [0, 2, 64, 65, 130]

    @Test("a high blank (METHODS.md §10's plate warning) is said on standard error, not only in curves.json; a mask the user asked for is not", .needsShared)
    func plateWarning() throws {
        let flowstudy = try #require(flowstudyExecutable())
        let plate1 = try #require(SharedData.url("elisa/reference/plate1_CCL18"), Comment(rawValue: SharedData.skipMessage))
        let folder = try TemporaryDirectory()
        // The blanks H1 and H2 at corrected ODs 0.45 and 0.35 (mean 0.4 > 0.2).
        var lines = try String(contentsOf: plate1.appendingPathComponent("plate.csv"), encoding: .utf8).components(separatedBy: "\n")
        for (index, line) in lines.enumerated() {
            if line.hasPrefix("H1,") { lines[index] = "H1,0.5000,0.0500" }
            if line.hasPrefix("H2,") { lines[index] = "H2,0.4000,0.0500" }
        }
        try lines.joined(separator: "\n").write(toFile: folder.path("plate.csv"), atomically: false, encoding: .utf8)
        let result = run(flowstudy, ["elisa", folder.path("plate.csv"), "--layout", plate1.appendingPathComponent("layout.csv").path,
                                     "--analyte", "CCL18", "--mask", "A12:bubble", "--out", folder.path("o")])
        #expect(result.status == 0, "\(result.stderr)")
        let warnings = result.stderr.split(separator: "\n").filter { $0.hasPrefix("flowstudy: warning: plate ") }
        #expect(warnings.count == 1, "\(result.stderr)")
        #expect(warnings.first?.contains("(CCL18): blank mean corrected OD 0.4") == true && warnings.first?.hasSuffix("> 0.2: substrate or washing problem") == true,
                "\(result.stderr)")
        // The unchanged plate says nothing.
        let clean = run(flowstudy, ["elisa", plate1.appendingPathComponent("plate.csv").path, "--layout", plate1.appendingPathComponent("layout.csv").path,
                                    "--analyte", "CCL18", "--out", folder.path("clean")])
        #expect(clean.status == 0 && !clean.stderr.contains("warning"), "\(clean.stderr)")
    }

    /// `flowstudy elisa EXPORT --layout <plate1_CCL18 layout> --analyte X --out FOLDER/o` for a bundled export.
    static func analyseExport(_ export: String) throws -> (flowstudy: String, path: String, folder: TemporaryDirectory, result: (status: Int32, stdout: String, stderr: String)) {
        let flowstudy = try #require(flowstudyExecutable())
        let path = try #require(SharedData.url("elisa/plate-exports/\(export)")).path
        let layout = try #require(SharedData.url("elisa/reference/plate1_CCL18/layout.csv")).path
        let folder = try TemporaryDirectory()
        let result = run(flowstudy, ["elisa", path, "--layout", layout, "--analyte", "X", "--out", folder.path("o")])
        return (flowstudy, path, folder, (result.status, result.stdout, result.stderr))
    }

    @Test("a 262-plate workbook without --plate-name: several_plates, a few names, the count; --list shows them all", .needsShared)
    func multiPlate() throws {
        let (flowstudy, kinetic, _, result) = try Self.analyseExport("tecan-icontrol/icontrol_infinite200pro_kinetic.xlsx")
        #expect(result.status == 65)
        #expect(result.stderr.contains("[several_plates]") && result.stderr.contains("262 plates") && result.stderr.contains("--list"))
        #expect(result.stderr.count < 500, "\(result.stderr.count) characters")
        let listed = run(flowstudy, ["elisa", "--list", kinetic])
        #expect(listed.status == 0)
        let lines = listed.stdout.split(separator: "\n")
        #expect(lines.count == 263)
        #expect(lines.dropFirst().first?.hasPrefix("icontrol_infinite200pro_kinetic#1\t600\t96\t") == true)
        #expect(run(flowstudy, ["elisa", "--list"]).status == 64)
        let help = run(flowstudy, ["elisa", "--help"]).stdout
        #expect(help.contains(".xlsx") && help.contains("--list") && help.contains("curve_<plate>.png"))
    }

    @Test("the bundled SoftMax export with the reference layout: a documented exit code, valid JSON when written", .needsShared)
    func softMaxWithReferenceLayout() throws {
        let (_, _, folder, result) = try Self.analyseExport("softmax-pro/hcp_elisa_450-650_groups_utf16.txt")
        #expect(Self.documented.contains(result.status), "exit \(result.status): \(result.stderr)")
        #expect(!result.stderr.contains("JSON write"))
        if result.status == 0 {
            #expect(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.url.appendingPathComponent("o/curves.json"))) is [String: Any])
        } else {
            #expect(result.stderr.contains("[fit_failed]"))
        }
    }

    @Test("NaN, inf and -1e308 ODs: exit 0, NOT_READ rows, no non-finite number in curves.json")
    func nonFinite() throws {
        let flowstudy = try #require(flowstudyExecutable())
        let folder = try TemporaryDirectory()
        let truth = [1000.0, 500, 250, 125, 62.5, 31.25, 15.625].map { 0.05 + (3.0 - 0.05) / (1 + pow($0 / 200, -1.2)) }
        var plate = ["well,OD450"], layout = ["well,role,sample_id,subject_id,condition,std_conc,dilution_factor"]
        for (i, od) in truth.enumerated() {
            let row = ["A", "B", "C", "D", "E", "F", "G"][i]
            plate += ["\(row)1,\(od + 0.04)", "\(row)2,\(i == 3 ? "inf" : "\(od + 0.04)")"]
            layout += ["\(row)1,standard,STD\(i),,,\([1000.0, 500, 250, 125, 62.5, 31.25, 15.625][i]),1", "\(row)2,standard,STD\(i),,,\([1000.0, 500, 250, 125, 62.5, 31.25, 15.625][i]),1"]
        }
        plate += ["H1,0.04", "H2,0.04", "A3,NaN", "A4,NaN", "A5,inf", "A6,-1e308", "A7,1.0", "A8,-1e308"]
        layout += ["H1,blank,B,,,,1", "H2,blank,B,,,,1", "A3,sample,NAN,S1,UT,,1", "A4,sample,NAN,S1,UT,,1",
                   "A5,sample,INF,S2,UT,,1", "A6,sample,INF,S2,UT,,1", "A7,sample,ONE,S3,UT,,1", "A8,sample,ONE,S3,UT,,1"]
        try (plate.joined(separator: "\n") + "\n").write(toFile: folder.path("plate.csv"), atomically: false, encoding: .utf8)
        try (layout.joined(separator: "\n") + "\n").write(toFile: folder.path("layout.csv"), atomically: false, encoding: .utf8)
        let result = run(flowstudy, ["elisa", folder.path("plate.csv"), "--layout", folder.path("layout.csv"), "--analyte", "X", "--out", folder.path("o")])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try String(contentsOfFile: folder.path("o/concentrations.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.contains { $0.hasPrefix("NAN,") && $0.contains(",NOT_READ,,,false") })
        #expect(rows.contains { $0.hasPrefix("INF,") && $0.contains(",NOT_READ,,,false") })
        #expect(rows.contains { $0.hasPrefix("ONE,") && $0.contains(",OK,SINGLE_REPLICATE,") })
        let json = try String(contentsOfFile: folder.path("o/curves.json"), encoding: .utf8)
        #expect(!json.lowercased().contains("nan") && !json.lowercased().contains("inf\""))
        #expect(json.contains("\"n_not_read\" : 2") && json.contains("standard 125 well D2 excluded from the fit: not read 'inf'"))
    }

    @Test("a runs.csv naming a column twice: a sheet problem with its line and column, exit 64, not a trap")
    func duplicatedRunsColumn() throws {
        let flowstudy = try #require(flowstudyExecutable())
        let folder = try TemporaryDirectory()
        try "plate_file,layout,analyte,layout\np.csv,l.csv,X,m.csv\n".write(toFile: folder.path("runs.csv"), atomically: false, encoding: .utf8)
        let result = run(flowstudy, ["elisa", "--runs", folder.path("runs.csv"), "--out", folder.path("o")])
        #expect(result.status == 64)
        #expect(result.stderr.contains("line 1, column 4: 'layout' appears twice"), "\(result.stderr)")
    }
}
