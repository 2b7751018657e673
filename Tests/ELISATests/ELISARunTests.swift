import Foundation
import Testing
import TestSupport
@testable import ELISA

/// runs.csv and a run of several plates: per-plate options, plate ids, re-assays and isolated failures.
@Suite("ELISA runs: runs.csv, re-assays and failing plates")
struct ELISARunTests {
    /// Kept for the whole test: the folder is removed when it is released.
    let temporary: TemporaryDirectory

    init() throws { temporary = try TemporaryDirectory() }

    /// Two copies of a hand-built plate (the same sample S1 on both) and a broken one, with a runs.csv.
    func folder(name: String = "runs.csv", _ runs: String) throws -> (TemporaryDirectory, String) {
        let folder = temporary
        let (plate, layout) = SyntheticPlateTests.plate(samples: [("S1", ["\(SyntheticPlateTests.truth.response(100))", "\(SyntheticPlateTests.truth.response(100))"], 10)])
        try plate.write(toFile: folder.path("p.csv"), atomically: false, encoding: .utf8)
        try layout.write(toFile: folder.path("l.csv"), atomically: false, encoding: .utf8)
        try "well,OD450\nA1,not a number\n".write(toFile: folder.path("broken.csv"), atomically: false, encoding: .utf8)
        try runs.write(toFile: folder.path(name), atomically: false, encoding: .utf8)
        return (folder, folder.path(name))
    }

    @Test("per-plate options override the defaults; paths resolve against runs.csv's folder")
    func overrides() throws {
        let (folder, runs) = try folder("plate_file,plate,layout,analyte,model,weights,cv_limit\np.csv,P1,l.csv,CCL18,5pl,1/y2,15\np.csv,P2,l.csv,CCL18,,,\n")
        let sheet = try ELISARunSheet.read(runs)
        #expect(sheet.plates.map(\.id) == ["P1", "P2"])
        #expect(sheet.plates[0].file == folder.path("p.csv"))
        #expect(sheet.plates[0].options.model == .fiveParameter && sheet.plates[0].options.weighting == .inverseYSquared && sheet.plates[0].options.cvLimit == 15)
        #expect(sheet.plates[1].options.model == .fourParameter && sheet.plates[1].options.weighting == .none && sheet.plates[1].options.cvLimit == 20)
    }

    @Test("every runs.csv problem is listed at once with its line and column")
    func problems() throws {
        let (_, runs) = try folder("plate_file,plate,layout,analyte,model,colour\np.csv,P1,l.csv,CCL18,6pl,red\np.csv,P1,,CCL18,4pl,blue\n")
        #expect {
            _ = try ELISARunSheet.read(runs)
        } throws: { error in
            guard let problems = (error as? ELISARunSheet.Problems)?.problems else { return false }
            return problems.contains { $0.contains("unknown column 'colour'") }
        }
        let (_, second) = try folder(name: "second.csv", "plate_file,plate,layout,analyte,model,supersedes\np.csv,P1,l.csv,CCL18,6pl,\np.csv,P1,,CCL18,4pl,P9\n")
        #expect {
            _ = try ELISARunSheet.read(second)
        } throws: { error in
            guard let problems = (error as? ELISARunSheet.Problems)?.problems else { return false }
            return problems.contains { $0.contains("line 2, column 5 (model): expected 4pl or 5pl, found '6pl'") }
                && problems.contains { $0.contains("line 3, column 2 (plate): plate 'P1' is also on line 2") }
                && problems.contains { $0.contains("line 3, column 3 (layout): expected a value") }
                && problems.contains { $0.contains("supersedes: expected the id of another plate in this sheet, found 'P9'") }
        }
    }

    @Test("elisa --samples: a sample sheet is checked as the study checks it, every problem with its line")
    func sampleSheet() throws {
        let (_, good) = try folder(name: "samples.csv", "sample_id,subject_id,condition,file\nP01_UT,P01,UT,a.fcs\nP01_RUX , P01 ,RUX ,b.fcs\n")
        let identities = try ELISARunSheet.sampleIdentities(good)
        // Cells are trimmed, as the study reads the sheet and the layouts.
        #expect(identities.count == 2 && identities["P01_RUX"]?.subject == "P01" && identities["P01_RUX"]?.condition == "RUX")
        // A repeated id used to keep its first row silently, and a short row was skipped.
        let (_, bad) = try folder(name: "bad.csv", "sample_id,subject_id,condition,condition\nP01_UT,P01,UT,UT\n P01_UT,P02,RUX,RUX\nP03_UT,P03\n ,P04,UT,UT\n")
        #expect {
            _ = try ELISARunSheet.sampleIdentities(bad)
        } throws: { error in
            (error as? ELISARunSheet.Problems)?.problems == [
                "line 1, column 4: 'condition' appears twice",
                "line 3, column 1 (sample_id): 'P01_UT' is also the id of line 2",
                "line 4: expected 4 cells, found 2",
                "line 5, column 1 (sample_id): expected a sample id, found an empty cell",
            ]
        }
    }

    @Test("a header of 30,000 columns is checked in one pass: each unknown column and the repeated one are named")
    func wideHeader() throws {
        let header = ["plate_file", "layout", "analyte"] + (1...30_000).map { "c\($0)" } + ["c7"]
        var problems: [String] = []
        do { _ = try ELISARunSheet.read(text: header.joined(separator: ",") + "\n", path: "runs.csv") }
        catch let error as ELISARunSheet.Problems { problems = error.problems }
        // 30,001 unknown columns (c7 twice), and c7's second appearance at column 3 + 30,000 + 1.
        #expect(problems.count == 30_002)
        #expect(problems.filter { $0.hasSuffix("appears twice") } == ["line 1, column 30004: 'c7' appears twice"])
    }

    @Test("a sample selected on two plates is an error naming both, unless runs.csv says which supersedes which")
    func reassays() throws {
        let (_, runs) = try folder("plate_file,plate,layout,analyte\np.csv,P1,l.csv,CCL18\np.csv,P2,l.csv,CCL18\n")
        let twice = ELISARun.analyse(try ELISARunSheet.read(runs))
        #expect(twice.failures.isEmpty)
        #expect {
            _ = try twice.concentrationRows(units: "pg/mL")
        } throws: { error in
            (error as? ELISARunSheet.Problems)?.problems.contains { $0.contains("sample S1, CCL18: selected on plate P1 and on plate P2") } ?? false
        }
        let (_, reassay) = try folder(name: "reassay.csv", "plate_file,plate,layout,analyte,supersedes\np.csv,P1,l.csv,CCL18,\np.csv,P2,l.csv,CCL18,P1\n")
        let rows = try ELISARun.analyse(try ELISARunSheet.read(reassay)).concentrationRows(units: "pg/mL")
        let header = PlateAnalysis.concentrationsHeader
        func column(_ name: String) -> Int { header.firstIndex(of: name) ?? -1 }
        let s1 = rows.filter { $0[column("sample_id")] == "S1" }
        #expect(s1.map { $0[column("plate")] } == ["P1", "P2"])
        #expect(s1.map { $0[column("selected")] } == ["false", "true"])
        #expect(s1[0][column("flags")].contains("SUPERSEDED_BY=P2"))
    }

    @Test("a plate that cannot be read is a failure of its own; the others are analysed")
    func isolatedFailure() throws {
        let (_, runs) = try folder("plate_file,plate,layout,analyte\np.csv,P1,l.csv,CCL18\nbroken.csv,P2,l.csv,IL-6\n")
        let run = ELISARun.analyse(try ELISARunSheet.read(runs))
        #expect(run.analyses.map(\.plate) == ["P1"])
        #expect(run.failures.map(\.plate) == ["P2"])
        let errors = String(decoding: run.errorsCSV(), as: UTF8.self)
        #expect(errors.hasPrefix("plate,plate_file,error\nP2,"))
    }
}
