import Foundation
import Outcomes
import Testing

/// One test per validation class: each breaks the small valid study in one place and expects the problem with
/// its file, line, column, value and what is allowed; problems of several files come all at once.
@Suite("study data validation")
struct ValidationTests {
    @Test("the small study loads, with every result present")
    func valid() throws {
        let data = try SmallStudy().load()
        #expect(data.missing.isEmpty)
        #expect(data.measuredMarkers == [.cd204])
        #expect(data.samples.count == 5 && data.subjects.count == 2)
    }

    @Test("an unknown enumeration value names the allowed values")
    func unknownValue() throws {
        var study = try SmallStudy()
        SmallStudy.edit(&study.clinical, line: 1, ",F,", ",X,")
        SmallStudy.edit(&study.samples, line: 1, "SSC_MDM", "SSC")
        let problems = try study.problems()
        let sex = try #require(problems.first { $0.column == "sex" })
        #expect(sex.kind == .unknownValue && sex.line == 2 && sex.value == "X" && sex.allowed == "one of F, M" && sex.file.hasSuffix("clinical.csv"))
        let arm = try #require(problems.first { $0.column == "arm" })
        #expect(arm.kind == .unknownValue && arm.line == 2 && arm.file.hasSuffix("samples.csv"))
    }

    @Test("numbers out of range: age, mRSS, % positive")
    func outOfRange() throws {
        var study = try SmallStudy()
        SmallStudy.edit(&study.clinical, line: 1, "P1,SSc,50", "P1,SSc,12")
        SmallStudy.edit(&study.clinical, line: 1, ",ACA,8,", ",ACA,60,")
        SmallStudy.edit(&study.markers, line: 2, ",500,40", ",500,140")
        let problems = try study.problems()
        #expect(Set(problems.filter { $0.kind == .outOfRange }.map(\.column)) == ["age_years", "mrss", "percent_positive"])
        #expect(problems.first { $0.column == "percent_positive" }?.line == 3)
    }

    /// MFIs of ±1.7e308 on one pair made Δ = 3.4e308 overflow to infinity, and `outcomes` stopped with a
    /// statistics error naming no file (found by a mutation campaign against the release binary).
    @Test("result values the paired statistics cannot difference or divide are refused at their line")
    func statisticsMagnitudes() throws {
        var study = try SmallStudy()
        SmallStudy.edit(&study.markers, line: 1, ",1000,60", ",-1.7e+308,60")
        SmallStudy.edit(&study.markers, line: 2, ",500,40", ",1.7e+308,1e-320")
        SmallStudy.edit(&study.concentrations, line: 2, ",800,", ",1e-101,")
        let problems = try study.problems()
        let refused = problems.filter { $0.kind == .outOfRange }.map { "\($0.file.split(separator: "/").last ?? ""):\($0.line):\($0.column)" }
        #expect(refused == ["markers.csv:2:mfi", "markers.csv:3:mfi", "markers.csv:3:percent_positive", "concentrations.csv:3:value_for_stats"],
                "\(problems)")
        #expect(problems.allSatisfy { $0.allowed.contains("from 1e-100 to 1e100") }, "\(problems)")

        // The bounds themselves, and 0 and negative MFIs, are values.
        var edge = try SmallStudy()
        SmallStudy.edit(&edge.markers, line: 1, ",1000,60", ",1e+100,0")
        SmallStudy.edit(&edge.markers, line: 2, ",500,40", ",-1e-100,1e-100")
        SmallStudy.edit(&edge.concentrations, line: 2, ",800,", ",0,")
        #expect(try edge.problems().isEmpty)
    }

    @Test("a duplicate subject, and a sample of an unknown subject")
    func duplicateAndUnknownSubjects() throws {
        var study = try SmallStudy()
        study.clinical.append("H1,HD,31,F,2023-01-03,,,,,,,,,,,,,,,")
        SmallStudy.edit(&study.samples, line: 2, "P1_RUX,P1,", "P1_RUX,P9,")
        let problems = try study.problems()
        #expect(problems.contains { $0.kind == .duplicate && $0.column == "subject_id" && $0.line == 4 && $0.value == "H1" })
        #expect(problems.contains { $0.kind == .unknownReference && $0.column == "subject_id" && $0.value == "P9" && $0.file.hasSuffix("samples.csv") })
    }

    @Test("autoantibody_group contradicting the antibody columns")
    func autoantibodyContradiction() throws {
        var study = try SmallStudy()
        SmallStudy.edit(&study.clinical, line: 1, "pos,neg,neg,ACA", "neg,pos,neg,ACA")
        let problems = try study.problems()
        #expect(problems.count == 1 && problems.first?.kind == .contradiction && problems.first?.column == "autoantibody_group")
    }

    @Test("an SSc-only column filled for a healthy donor")
    func sscOnlyForHealthyDonor() throws {
        var study = try SmallStudy()
        study.clinical[2] = "H1,HD,30,M,2023-01-02,,,,,,,,12,,,,,MMF,,donor"
        let problems = try study.problems()
        #expect(Set(problems.map(\.column)) == ["mrss", "immunosuppressant"])
        #expect(problems.allSatisfy { $0.kind == .notForHealthyDonor && $0.line == 3 })
    }

    @Test("a result for a sample the sheet lacks, in markers.csv and concentrations.csv")
    func resultForUnknownSample() throws {
        var study = try SmallStudy()
        study.markers.append("P2_UT,P2,UT,CD204,1,2")
        study.concentrations.append("P2_UT,P2,UT,CCL18,CCL18_1,OK,,1,true,pg/mL")
        let problems = try study.problems()
        #expect(problems.count == 2 && problems.allSatisfy { $0.kind == .unknownReference && $0.value == "P2_UT" && $0.line == 6 })
    }

    @Test("a sheet sample without results is reported as missing and its pair counted incomplete")
    func missingResult() throws {
        var study = try SmallStudy()
        study.concentrations.remove(at: 2)
        let data = try study.load()
        #expect(data.missing == [.init(sampleID: "P1_RUX", expected: .readout(.concentration(.ccl18)), reason: "no row of plate CCL18_1 in concentrations.csv")])
        let outcomes = try StudyOutcomes(data)
        #expect(outcomes.primary.pairs.count == 0 && outcomes.primary.pairs.incompleteUnits == ["P1"])
        #expect(outcomes.primary.pairs.absent == ["P1_RUX"])
        #expect(outcomes.footnotes.contains("P1_RUX CCL18: no row of plate CCL18_1"))
    }

    @Test("CURVE_REJECTED (implied by CURVE_NOT_CONVERGED) and NOT_READ results are excluded and counted")
    func exclusions() throws {
        var study = try SmallStudy()
        SmallStudy.edit(&study.concentrations, line: 1, ",OK,,2000", ",OK,CURVE_NOT_CONVERGED,2000")
        SmallStudy.edit(&study.concentrations, line: 3, ",OK,,1500", ",NOT_READ,,")
        let outcomes = try StudyOutcomes(try study.load())
        #expect(outcomes.primary.pairs.excluded == [.curveRejected: ["P1_UT"]])
        #expect(outcomes.solubleHD[0].pairs.excluded == [.notRead: ["H1_SERUM"]])
        #expect(outcomes.footnotes.contains("excluded CURVE_REJECTED: 1 (P1_UT)"))
        #expect(outcomes.footnotes.contains("excluded NOT_READ: 1 (H1_SERUM)"))
    }

    @Test("two selected rows for one sample and analyte name both plates")
    func selection() throws {
        var study = try SmallStudy()
        study.concentrations.append("P1_UT,P1,UT,CCL18,CCL18_2,OK,,2100,true,pg/mL")
        let problems = try study.problems()
        let problem = try #require(problems.first)
        #expect(problems.count == 1 && problem.kind == .selection && problem.line == 6)
        #expect(problem.allowed.contains("CCL18_1") && problem.allowed.contains("CCL18_2"))
    }

    @Test("with a role column only sample rows join; NA and empty cells are absent values")
    func roleAndAbsentValues() throws {
        var study = try SmallStudy()
        study.concentrations = study.concentrations.enumerated().map { $0.offset == 0 ? $0.element + ",role" : $0.element + ",sample" }
        study.concentrations.append("QC_HIGH,,,CCL18,CCL18_1,OK,,900,true,pg/mL,control")
        SmallStudy.edit(&study.markers, line: 1, ",1000,60", ",NA,60")
        SmallStudy.edit(&study.markers, line: 2, ",500,40", ",,40")
        let outcomes = try StudyOutcomes(try study.load())
        #expect(outcomes.primary.pairs.count == 1)
        let mfi = try #require(outcomes.markersSSc.first { $0.readout == .flow(.cd204, .mfi) })
        #expect(mfi.pairs.count == 0 && mfi.pairs.absent == ["P1_UT", "P1_RUX"])
    }

    @Test("sine patients are not a level of S4f: left out and counted")
    func sineLeftOut() throws {
        var study = try SmallStudy()
        SmallStudy.edit(&study.clinical, line: 1, ",limited,", ",sine,")
        let outcomes = try StudyOutcomes(try study.load())
        let subset = try #require(outcomes.subgroupsL.first { $0.variable.id == "S4f" })
        #expect(subset.levels.isEmpty && subset.missingDropped == 1 && !subset.tested)
    }

    @Test("problems of every file are listed at once")
    func allAtOnce() throws {
        var study = try SmallStudy()
        SmallStudy.edit(&study.clinical, line: 1, ",F,", ",X,")
        SmallStudy.edit(&study.samples, line: 1, ",UT,,0,", ",RUX,,0,")
        study.markers.append("Z,Z,UT,CD204,1,2")
        let problems = try study.problems()
        // The sheet's P1_UT now says RUX: both result files contradict it, and are reported with the rest.
        #expect(Set(problems.map { ($0.file as NSString).lastPathComponent }) == ["clinical.csv", "samples.csv", "markers.csv", "concentrations.csv"])
        #expect(problems.contains { $0.kind == .contradiction && $0.column == "condition" && $0.file.hasSuffix("concentrations.csv") })
    }
}
