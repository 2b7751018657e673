import Foundation
@testable import Outcomes
import Testing

/// How the sheets are read before any value is checked (`SheetReader`, `NumberText`, `SheetText`): each test
/// breaks the small valid study in one place and expects exactly the root cause, with no follow-on problem in the
/// sheets checked against the broken one.
@Suite("sheet reading")
struct SheetReadingTests {
    /// The small study's clinical.csv as one text with `separator` between lines.
    static func clinicalText(_ study: SmallStudy, separator: String = "\n") -> String {
        study.clinical.joined(separator: separator) + separator
    }

    /// The problems of checking the two sheets alone (samples.csv against clinical.csv).
    static func sheetProblems(_ study: SmallStudy) throws -> (plates: Set<String>?, problems: [StudyDataProblems.Problem]) {
        let paths = try study.write()
        return try StudyData.checkSheets(clinical: paths.clinical, samples: paths.samples)
    }

    @Test("a column named twice is refused, naming both fields; the sample sheet is not checked against the refused sheet")
    func duplicateColumn() throws {
        var study = try SmallStudy()
        // mrss is field 13; a second mrss becomes field 21, holding 30 where the first holds 8.
        study.clinical[0] += ",mrss"
        study.clinical[1] += ",30"
        study.clinical[2] += ","
        let problems = try study.problems()
        try #require(problems.count == 1, "\(problems)")
        let problem = problems[0]
        #expect(problem.kind == .duplicateColumn && problem.line == 1 && problem.column == "mrss" && problem.file.hasSuffix("clinical.csv"))
        #expect(problem.allowed.contains("column 'mrss' appears twice, fields 13 and 21"), "\(problem.allowed)")
    }

    @Test("rows with fewer or more fields than the header are refused with their line and both counts, and not read")
    func fieldCount() throws {
        var study = try SmallStudy()
        study.clinical[1] = String(study.clinical[1].dropLast())   // P1: the empty notes field removed, 19 fields
        study.clinical[2] += ",extra"                                // H1: 21 fields
        let problems = try study.problems()
        // The samples of P1 and H1 (and H1's serum from P1) are not reported as naming unknown subjects.
        #expect(problems.count == 2, "\(problems)")
        #expect(problems.map(\.kind) == [.fieldCount, .fieldCount])
        #expect(problems.map(\.line) == [2, 3])
        #expect(problems.map(\.value) == ["19 fields", "21 fields"])
        #expect(problems.allSatisfy { $0.allowed.hasPrefix("20 fields") && $0.file.hasSuffix("clinical.csv") })
    }

    @Test("subject ids differing only in case are duplicates, naming both lines")
    func idsDifferingInCase() throws {
        var study = try SmallStudy()
        study.clinical.append("p1,SSc,51,F,2023-01-05,limited,2.0,yes,pos,neg,neg,ACA,8,past,yes,no,,none,0,")
        let problems = try study.problems()
        try #require(problems.count == 1, "\(problems)")
        #expect(problems[0].kind == .duplicate && problems[0].line == 4 && problems[0].value == "p1")
        #expect(problems[0].allowed.contains("'P1' is on line 2"), "\(problems[0].allowed)")
    }

    @Test("mRSS (an integer) accepts a whole number only", arguments: ["0x4", "0x1.8p1", "4e0", "+4", "4.5", "4.01", "1_0", "inf", "NaN", "４", "4."])
    func integerSyntax(_ text: String) throws {
        var study = try SmallStudy()
        SmallStudy.edit(&study.clinical, line: 1, ",ACA,8,", ",ACA,\(text),")
        let problems = try study.problems()
        try #require(problems.count == 1, "\(problems)")
        #expect(problems[0].kind == .outOfRange && problems[0].column == "mrss" && problems[0].value == text && problems[0].line == 2)
        #expect(problems[0].allowed.contains("written as a whole number"), "\(problems[0].allowed)")
    }

    @Test("an integer with a zero fraction (pandas writes 8.0 for an integer column with a missing value) is that integer")
    func integerWithZeroFraction() throws {
        for text in ["8.0", "8.00"] {
            var study = try SmallStudy()
            SmallStudy.edit(&study.clinical, line: 1, ",ACA,8,", ",ACA,\(text),")
            #expect(try study.problems().isEmpty, "\(text)")
        }
    }

    @Test("a decimal field accepts plain decimals only; a plain number out of range says only the range")
    func decimalSyntax() throws {
        for (text, syntax) in [("3.7", nil), ("12", nil), ("3.7e0", true), (".5", true), ("0x2", true), ("+3", true), ("-0.5", false)] as [(String, Bool?)] {
            var study = try SmallStudy()
            SmallStudy.edit(&study.clinical, line: 1, ",limited,2.0,", ",limited,\(text),")
            let problems = try study.problems()
            guard let syntax else {
                #expect(problems.isEmpty, "\(text): \(problems)")
                continue
            }
            try #require(problems.count == 1, "\(text): \(problems)")
            #expect(problems[0].column == "disease_duration_years" && problems[0].value == text)
            #expect(problems[0].allowed.contains("plain decimal number") == syntax, "\(text): \(problems[0].allowed)")
        }
        var study = try SmallStudy()
        SmallStudy.edit(&study.clinical, line: 1, "P1,SSc,50,", "P1,SSc,5.7e1,")
        #expect(try study.problems().map(\.column) == ["age_years"])
    }

    @Test("result files FlowStudy wrote also take the exponent of the shortest round-trip text, nothing else")
    func writtenSyntax() throws {
        var study = try SmallStudy()
        SmallStudy.edit(&study.markers, line: 1, ",1000,60", ",1e-07,60")
        SmallStudy.edit(&study.markers, line: 2, ",500,40", ",2.5E+3,40")
        let data = try study.load()
        #expect(data.markers["P1_UT"]?[.cd204]?.mfi == 0.0000001)
        #expect(data.markers["P1_RUX"]?[.cd204]?.mfi == 2500)
        SmallStudy.edit(&study.markers, line: 1, ",1e-07,60", ",0x10,60")
        let problems = try study.problems()
        try #require(problems.count == 1, "\(problems)")
        #expect(problems[0].column == "mfi" && problems[0].value == "0x10" && problems[0].allowed.contains("optionally with an exponent"))
    }

    @Test("CR-only line ends (classic Mac OS), a lone CR and CRLF all read as the LF sheet")
    func lineEndings() throws {
        let study = try SmallStudy()
        let paths = try study.write()
        for separator in ["\r", "\r\n"] {
            try Self.clinicalText(study, separator: separator).write(toFile: paths.clinical, atomically: false, encoding: .utf8)
            #expect(try StudyData.checkSheets(clinical: paths.clinical, samples: paths.samples).problems.isEmpty, "\(separator.debugDescription)")
        }
        let mixed = study.clinical[0] + "\n" + study.clinical[1] + "\r" + study.clinical[2] + "\n"
        try mixed.write(toFile: paths.clinical, atomically: false, encoding: .utf8)
        #expect(try StudyData.checkSheets(clinical: paths.clinical, samples: paths.samples).problems.isEmpty)
    }

    @Test("a sheet that is not UTF-8 is read as Windows-1252 (Excel's CSV): its é stays é, not U+FFFD")
    func windows1252() throws {
        let study = try SmallStudy()
        let paths = try study.write()
        let before = study.clinical[0] + "\n" + study.clinical[1] + "\n" + "H1,HD,30,M,2023-01-02,,,,,,,,,,,,,,,donn"
        try Data(Array(before.utf8) + [0xE9, 0x0A]).write(to: URL(fileURLWithPath: paths.clinical))   // "donné" in Windows-1252
        let table = try OutcomesError.table(paths.clinical)
        #expect(table.rows.last?.last == "donné")
    }

    @Test("a clinical sheet without subject_id is the only problem: no sample is reported as naming an unknown subject")
    func clinicalRefusedAsWhole() throws {
        var study = try SmallStudy()
        study.clinical = study.clinical.map { String($0.drop { $0 != "," }.dropFirst()) }
        let problems = try study.problems()
        try #require(problems.count == 1, "\(problems)")
        #expect(problems[0].kind == .missingColumn && problems[0].column == "subject_id" && problems[0].file.hasSuffix("clinical.csv"))
    }

    @Test("a subject row not read for its own problem (no group) leaves its samples unreported")
    func unreadSubject() throws {
        var study = try SmallStudy()
        SmallStudy.edit(&study.clinical, line: 1, "P1,SSc,", "P1,,")
        let problems = try study.problems()
        try #require(problems.count == 1, "\(problems)")
        #expect(problems[0].kind == .missingValue && problems[0].column == "group" && problems[0].line == 2)
    }

    @Test("checkSheets gives the plates of a sheet with row problems, and none of a sheet refused as a whole")
    func platesOfCheckedSheets() throws {
        var study = try SmallStudy()
        SmallStudy.edit(&study.samples, line: 1, ",UT,,0,", ",UT,,1,")
        let rowProblem = try Self.sheetProblems(study)
        #expect(rowProblem.plates == ["CCL18_1"] && rowProblem.problems.map(\.column) == ["ruxolitinib_uM"])
        study.samples = study.samples.map { $0.replacingOccurrences(of: "SSC_MDM,", with: "").replacingOccurrences(of: "HD_SSCSERUM,", with: "") }
        SmallStudy.edit(&study.samples, line: 0, "arm,", "")
        let refused = try Self.sheetProblems(study)
        #expect(refused.plates == nil && refused.problems.map(\.kind) == [.missingColumn])
    }
}
