import Foundation
import Outcomes
import Tables
import Testing
import TestSupport

/// The TQ tables from small hand-made ELISA and batch folders, every count worked out by hand.
@Suite("assay QC tables (TQ)")
struct AssayQCTests {
    /// Two plates: P_A from the current ELISA (with a control row to leave out), P_B from an older version
    /// (no `converged`, no `n_not_read`), a failed plate P_C in errors.csv, and a plate P_D that only
    /// concentrations.csv names.
    static let curves = """
        {"curves": [
          {"plate": "P_A", "analyte": "CCL18", "model": "4PL", "weights": "none", "r_squared": 0.9991, "levels_passing": 6,
           "levels_required": 6, "lloq_in_well": 15.625, "uloq_in_well": 1000.0, "curve_accepted": true, "converged": true,
           "parameters": {"a": 0.1, "b": 1.2, "c": 300.5, "d": 3.5}, "standards": [{}, {}, {}, {}, {}, {}, {}], "n_not_read": 1},
          {"plate": "P_B", "analyte": "IL-6", "model": "5PL", "weights": "1/y^2", "r_squared": 0.99, "levels_passing": 5,
           "lloq_in_well": 4.6875, "uloq_in_well": 600, "curve_accepted": false,
           "parameters": {"a": 0, "b": 1, "c": 100, "d": 3, "g": 0.8}, "standards": [{}, {}, {}, {}, {}, {}, {}, {}]}
        ]}
        """
    static let concentrations = """
        sample_id,analyte,plate,status,flags,value_for_stats,selected,role
        S1,CCL18,P_A,OK,,10,true,sample
        S2,CCL18,P_A,<LLOQ,,5,true,sample
        S3,CCL18,P_A,>ULOQ,HIGH_CV,2000,true,sample
        S4,CCL18,P_A,NOT_READ,,,true,sample
        S5,CCL18,P_A,OK,HIGH_CV;SATURATED,12,true,sample
        C1,CCL18,P_A,<LLOQ,HIGH_CV,5,true,control
        S1,IL-6,P_B,<LLOQ,,1,true,sample
        S2,IL-6,P_B,<LLOQ,CURVE_REJECTED,1,true,sample
        S3,IL-6,P_B,OK,HIGH_CV;CURVE_REJECTED,30,true,sample
        S1,CXCL4,P_D,>ULOQ,,900,true,sample

        """

    func elisaFolder(_ folder: TemporaryDirectory, curves: String = Self.curves) throws -> String {
        let path = folder.path("elisa")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try curves.write(toFile: path + "/curves.json", atomically: false, encoding: .utf8)
        try Self.concentrations.write(toFile: path + "/concentrations.csv", atomically: false, encoding: .utf8)
        try "plate,plate_file,error\nP_C,/x/p_c.csv,line 2: OD450 'n/a' is not a number\n".write(toFile: path + "/errors.csv", atomically: false, encoding: .utf8)
        return path
    }

    @Test("plates: curve columns from curves.json, counts over the sample rows of concentrations.csv, gaps left empty and footnoted")
    func plates() throws {
        let folder = try TemporaryDirectory("tq-elisa")
        let qc = try ELISAPlateQC(elisa: try elisaFolder(folder))
        let table = qc.table
        #expect(table.header == ["plate", "analyte", "model", "weights", "r_squared", "levels_passing", "levels", "lloq_in_well", "uloq_in_well",
                                 "curve_accepted", "param_a", "param_b", "param_c", "param_d", "n_samples", "n_below_lloq", "n_above_uloq",
                                 "n_high_cv", "param_g", "converged", "n_not_read"])
        // Numbers in Tables' one convention: shortest round trip, no trailing ".0" (1000, not 1000.0).
        // P_A: 5 sample rows (the control's <LLOQ and HIGH_CV not counted); S2 below, S3 above, S3 and S5 HIGH_CV, S4 NOT_READ.
        #expect(table.rows[0] == ["P_A", "CCL18", "4PL", "none", "0.9991", "6", "7", "15.625", "1000", "true", "0.1", "1.2", "300.5", "3.5",
                                  "5", "1", "1", "2", "", "true", "1"])
        // P_B (older curves.json): 3 samples, 2 below, 1 HIGH_CV; converged unknown; g of the 5PL.
        #expect(table.rows[1] == ["P_B", "IL-6", "5PL", "1/y^2", "0.99", "5", "8", "4.6875", "600", "false", "0", "1", "100", "3",
                                  "3", "2", "0", "1", "0.8", "", "0"])
        // P_D: no curve record; its counts still there.
        #expect(table.rows[2] == ["P_D", "CXCL4", "", "", "", "", "", "", "", "", "", "", "", "", "1", "0", "1", "0", "", "", "0"])
        #expect(table.rows.count == 3)
        let notes = qc.notes.joined(separator: "\n")
        #expect(notes.contains("has no `converged` for plate P_B"), "\(notes)")
        #expect(!notes.contains("n_not_read"), "n_not_read is counted from concentrations.csv, not read from curves.json: \(notes)")
        #expect(notes.contains("Plate P_D of"), "\(notes)")
        #expect(notes.contains("Plate P_C failed and is not in the table: line 2: OD450 'n/a' is not a number"), "\(notes)")
    }

    @Test("a curves.json field of the wrong kind names the file and the place; a file that is not JSON names the file")
    func wrongKinds() throws {
        let folder = try TemporaryDirectory("tq-elisa-bad")
        let bad = Self.curves.replacingOccurrences(of: "\"r_squared\": 0.99,", with: "\"r_squared\": \"high\",")
        let path = try elisaFolder(folder, curves: bad)
        #expect(throws: OutcomesError.self) { try ELISAPlateQC(elisa: path) }
        do {
            _ = try ELISAPlateQC(elisa: path)
        } catch let error as OutcomesError {
            #expect(error.file == path + "/curves.json")
            #expect(error.place == "curves[1].r_squared")
        }
        // A count below 0 is no count.
        try Self.curves.replacingOccurrences(of: "\"levels_passing\": 5,", with: "\"levels_passing\": -2,")
            .write(toFile: path + "/curves.json", atomically: false, encoding: .utf8)
        #expect { try ELISAPlateQC(elisa: path) } throws: { error in
            (error as? OutcomesError).map { $0.place == "curves[1].levels_passing" && $0.message == "expected a count ≥ 0, found -2" } ?? false
        }
        try "{\"curves\": [".write(toFile: path + "/curves.json", atomically: false, encoding: .utf8)
        #expect { try ELISAPlateQC(elisa: path) } throws: { ($0 as? OutcomesError)?.file == path + "/curves.json" }
    }

    /// A sheet of three tubes (a culture sample, its FMO and a tube the batch could not read) and a batch folder.
    func flowFolder(_ folder: TemporaryDirectory) throws -> (flow: String, samples: [CultureSample], sheet: String) {
        let flow = folder.path("flow")
        try FileManager.default.createDirectory(atPath: flow, withIntermediateDirectories: true)
        let sheet = folder.path("sheet/samples.csv")
        try FileManager.default.createDirectory(atPath: folder.path("sheet"), withIntermediateDirectories: true)
        let root = folder.path("sheet")
        let files = [
            ("markers.csv", "sample_id,subject_id,condition,population,marker,n_events,mfi\nA_UT,A,UT,macrophages,CD206,310,100\n"),
            ("qc.csv", "sample_id,file,data_set,events_acquired,events_per_gate,compensation,channel_matching,repairs,flags\n"
                + "A_UT,\(root)/fcs/A_UT.fcs,0,5000,cells=4600;macrophages=310,$SPILLOVER,,,\n"
                + "A_UT_FMO_CD206,\(root)/fcs/A_UT_FMO.fcs,0,1500,cells=1400;macrophages=95,SPILL,,,\n"),
            ("populations.csv", "sample_id,population,parent,count,percent_parent,percent_total\nA_UT,cells,root,4600,92.0,92.0\n"
                + "A_UT,macrophages,cells,310,6.7,6.2\nA_UT_FMO_CD206,cells,root,1400,93.3,93.3\nA_UT_FMO_CD206,macrophages,cells,95,6.8,6.3\n"),
            ("errors.csv", "sample_id,file,error_code,message\nA_RUX,\(root)/fcs/A_RUX.fcs,truncated,the file ends early\n"),
            ("run.json", """
                {"inputs": [{"sample_id": "A_UT", "file": "\(root)/fcs/../fcs/A_UT.fcs", "sha256": "ab12", "bytes": 281731},
                            {"sample_id": "A_UT_FMO_CD206", "file": "/elsewhere/A_UT_FMO.fcs", "sha256": "cd34", "bytes": 85749},
                            {"sample_id": "A_RUX", "file": "\(root)/fcs/A_RUX.fcs", "sha256": "", "bytes": 0}]}
                """),
        ]
        for (name, text) in files { try text.write(toFile: flow + "/" + name, atomically: false, encoding: .utf8) }
        var ut = CultureSample(id: "A_UT", subjectID: "A", arm: .sscMDM, condition: .ut)
        ut.fcsFile = "fcs/A_UT.fcs"
        var fmo = CultureSample(id: "A_UT_FMO_CD206", subjectID: "A", arm: .sscMDM, condition: .ut)
        fmo.fcsFile = "fcs/A_UT_FMO.fcs"
        fmo.controlType = .fmo
        fmo.controlMarker = "CD206"
        var rux = CultureSample(id: "A_RUX", subjectID: "A", arm: .sscMDM, condition: .rux)
        rux.fcsFile = "fcs/A_RUX.fcs"
        let supernatant = CultureSample(id: "A_SUP", subjectID: "A", arm: .sscMDM, condition: .ut)
        return (flow, [ut, fmo, rux, supernatant], sheet)
    }

    @Test("tubes: sheet order, gate column named after the readouts' population, paths relative to the sheet, unread tubes footnoted")
    func tubes() throws {
        let folder = try TemporaryDirectory("tq-flow")
        let (flow, samples, sheet) = try flowFolder(folder)
        let qc = try FCSFileQC(flow: flow, samples: samples, sheet: sheet)
        let table = qc.table
        #expect(table.header == ["sample_id", "fcs_file", "control_type", "control_marker", "events", "macrophages", "compensation", "bytes", "sha256"])
        #expect(table.rows == [
            ["A_UT", "fcs/A_UT.fcs", "", "", "5000", "310", "$SPILLOVER (file)", "281731", "ab12"],
            ["A_UT_FMO_CD206", "/elsewhere/A_UT_FMO.fcs", "FMO", "CD206", "1500", "95", "SPILL (file)", "85749", "cd34"],
            ["A_RUX", "fcs/A_RUX.fcs", "", "", "", "", "", "", ""],
        ])
        let notes = qc.notes.joined(separator: "\n")
        #expect(notes.contains("Tubes the batch did not read (counts empty): A_RUX (truncated: the file ends early)."), "\(notes)")
        #expect(FCSFileQC.compensation("none") == "none" && FCSFileQC.compensation("matrix comp1") == "matrix comp1")
    }

    @Test("tubes of a batch folder without run.json: the sheet's paths, bytes and hashes empty and footnoted; a bad count names its line")
    func olderBatch() throws {
        let folder = try TemporaryDirectory("tq-flow-old")
        let (flow, samples, sheet) = try flowFolder(folder)
        try FileManager.default.removeItem(atPath: flow + "/run.json")
        var qc = try FCSFileQC(flow: flow, samples: samples, sheet: sheet)
        #expect(qc.table.rows[0][1] == "fcs/A_UT.fcs" && qc.table.rows[1][1] == "fcs/A_UT_FMO.fcs", "the file of qc.csv, relative to the sheet")
        #expect(qc.table.rows[0][7] == "" && qc.table.rows[0][8] == "")
        #expect(qc.notes.contains { $0.contains("run.json is absent") })
        try FileManager.default.removeItem(atPath: flow + "/qc.csv")
        qc = try FCSFileQC(flow: flow, samples: samples, sheet: sheet)
        #expect(qc.table.rows[2] == ["A_RUX", "fcs/A_RUX.fcs", "", "", "", "", "", "", ""])
        try "sample_id,population,parent,count\nA_UT,macrophages,cells,many\n".write(toFile: flow + "/populations.csv", atomically: false, encoding: .utf8)
        #expect { try FCSFileQC(flow: flow, samples: samples, sheet: sheet) } throws: {
            ($0 as? OutcomesError)?.place == "line 2, column count"
        }
    }

    @Test("a markers.csv without rows: the gate-count columns are the template's readout populations, counts from populations.csv")
    func readoutPopulationsFallback() throws {
        let folder = try TemporaryDirectory("tq-flow-fallback")
        let (flow, samples, sheet) = try flowFolder(folder)
        try "sample_id,subject_id,condition,population,marker,n_events,mfi\n".write(toFile: flow + "/markers.csv", atomically: false, encoding: .utf8)
        let bare = try FCSFileQC(flow: flow, samples: samples, sheet: sheet)
        #expect(bare.populations.isEmpty && bare.notes.contains { $0.hasSuffix("no gate count column.") })
        let qc = try FCSFileQC(flow: flow, samples: samples, sheet: sheet, readoutPopulations: ["macrophages"])
        #expect(qc.header[5] == "macrophages")
        // populations.csv counts 310 macrophages in A_UT and 95 in its FMO; A_RUX was not read.
        #expect(qc.table.rows.map { $0[5] } == ["310", "95", ""])
        #expect(qc.notes.contains { $0.contains("the gate count columns are the template's readout populations (macrophages)") })
    }

    @Test("a run.json input with a negative byte count names its place (it was written into the table)")
    func negativeBytes() throws {
        let folder = try TemporaryDirectory("tq-flow-bytes")
        let (flow, samples, sheet) = try flowFolder(folder)
        let run = try String(contentsOfFile: flow + "/run.json", encoding: .utf8)
        try run.replacingOccurrences(of: "\"bytes\": 85749", with: "\"bytes\": -1").write(toFile: flow + "/run.json", atomically: false, encoding: .utf8)
        #expect { try FCSFileQC(flow: flow, samples: samples, sheet: sheet) } throws: { error in
            guard let error = error as? OutcomesError else { return false }
            return error.file == flow + "/run.json" && error.place.hasSuffix(".bytes") && error.message == "expected a count ≥ 0, found -1"
        }
    }

    @Test("the footnotes and the table list carry the TQ tables when the outcomes have them")
    func inOutcomeFiles() throws {
        let folder = try TemporaryDirectory("tq-files")
        let plates = try ELISAPlateQC(elisa: try elisaFolder(folder))
        let (flow, samples, sheet) = try flowFolder(folder)
        let qc = AssayQC(plates: plates, tubes: try FCSFileQC(flow: flow, samples: samples, sheet: sheet))
        #expect(qc.tables.map(\.name) == ["TQ_elisa_plates.csv", "TQ_fcs_files.csv"])
        #expect(qc.footnotes.contains("## TQ_elisa_plates.csv") && qc.footnotes.contains("## TQ_fcs_files.csv"))
        #expect(qc.footnotes.contains("`macrophages` = the readout population's count"))
    }
}
