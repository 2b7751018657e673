import Foundation
import Testing
import TestSupport

@Suite("flowstudy elisa")
struct ELISACLITests {
    @Test("one plate and a runs.csv of two plates: concentrations.csv and curves.json")
    func plates() throws {
        let flowstudy = try #require(flowstudyExecutable())
        guard let reference = SharedData.url("elisa/reference") else {
            try #require(Bool(false), Comment(rawValue: SharedData.skipMessage))
            return
        }
        let folder = try TemporaryDirectory()
        let plate1 = reference.appendingPathComponent("plate1_CCL18")
        let single = run(flowstudy, ["elisa", plate1.appendingPathComponent("plate.csv").path, "--layout", plate1.appendingPathComponent("layout.csv").path,
                                     "--analyte", "CCL18", "--out", folder.path("one")])
        #expect(single.status == 0, "\(single.stderr)")
        let rows = try String(contentsOfFile: folder.path("one/concentrations.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows[0] == "sample_id,subject_id,condition,analyte,plate,model,weights,wells,dilution_factor,mean_net_od,cv_percent,conc_in_well,value,value_text,units,status,flags,value_for_stats,selected")
        #expect(rows.contains { $0.hasPrefix("P03_RUX,") && $0.contains(",<781.25,pg/mL,<LLOQ,,390.625,true") })
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
