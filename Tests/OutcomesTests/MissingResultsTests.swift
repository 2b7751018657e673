import Foundation
import Outcomes
import Testing

/// What the missing results are: expected from the sample sheet and the template's panel, never from the result
/// files, one list for `missing_results.csv`, the printed count and the footnotes. Expected values are written
/// out by hand from the small study (4 culture samples with an FCS file and plate CCL18_1; panel CD204).
@Suite("missing results")
struct MissingResultsTests {
    @Test("a header-only markers.csv: each culture tube misses both readouts of each panel marker, quoting the batch's error")
    func noMarkerRows() throws {
        var study = try SmallStudy()
        study.markers = [study.markers[0]]
        study.panel = [.cd204, .cd206]
        study.tubeFailures = ["P1_UT": "truncated: fcs/P1_UT.fcs: byte 3000"]
        let data = try study.load()
        let cultures = ["P1_UT", "P1_RUX", "H1_SERUM", "H1_SERUM_RUX"]
        let readouts = ["CD204 MFI", "CD204 percent_positive", "CD206 MFI", "CD206 percent_positive"]
        #expect(data.missing.map { "\($0.sampleID) \($0.readout)" } == cultures.flatMap { id in readouts.map { "\(id) \($0)" } })
        #expect(data.missing.filter { $0.sampleID == "P1_UT" }.allSatisfy { $0.reason == "the batch could not read the tube (truncated: fcs/P1_UT.fcs: byte 3000)" })
        #expect(data.missing.filter { $0.sampleID == "P1_RUX" }.allSatisfy { $0.reason == "no row in markers.csv" })
        let outcomes = try StudyOutcomes(data)
        // The marker tables list the panel's 4 readouts, none with a pair, each footnoted with its 2 missing samples.
        #expect(outcomes.markersSSc.map(\.readout.name) == readouts)
        #expect(outcomes.markersSSc.allSatisfy { $0.pairs.count == 0 && $0.pairs.absent == ["P1_UT", "P1_RUX"] })
        #expect(outcomes.footnotes.contains("- CD206 percent_positive: n = 0 pairs; missing results: 2 (P1_UT, P1_RUX)."))
        #expect(!outcomes.footnotes.contains("None: every culture sample"))
        let csv = try #require(outcomes.files.first { $0.name == "missing_results.csv" })
        #expect(String(decoding: csv.bytes, as: UTF8.self).split(separator: "\n").count == 1 + 16)
    }

    @Test("a row whose value is NA is missing, in the list and the footnote alike")
    func absentValue() throws {
        var study = try SmallStudy()
        study.markers = study.markers.map { $0 + ($0.hasPrefix("sample_id") ? ",flags" : $0.hasPrefix("P1_RUX") ? ",CONTROL_FAILED" : ",") }
        SmallStudy.edit(&study.markers, line: 2, ",500,40", ",500,NA")
        let data = try study.load()
        #expect(data.missing.count == 1)
        let missing = try #require(data.missing.first)
        #expect(missing.sampleID == "P1_RUX" && missing.readout == "CD204 percent_positive")
        #expect(missing.reason == "percent_positive is absent (NA or empty) on markers.csv line 3 (flags: CONTROL_FAILED)")
        let outcomes = try StudyOutcomes(data)
        #expect(outcomes.footnotes.contains("- CD204 percent_positive: n = 0 pairs; incomplete pairs: 1 (P1); missing results: 1 (P1_RUX)."))
        // One source of truth: every sample a footnote lists as missing is a row of missing_results.csv.
        for outcome in outcomes.pairedOutcomes {
            for id in outcome.pairs.absent {
                #expect(data.missing.contains { $0.sampleID == id && $0.readout == outcome.readout.name }, "\(id) \(outcome.readout.name)")
            }
        }
    }

    @Test("a culture sample without an FCS file is not measured, not missing")
    func notMeasured() throws {
        var study = try SmallStudy()
        SmallStudy.edit(&study.samples, line: 2, ",fcs/P1_RUX.fcs,", ",,")
        study.markers.remove(at: 2)
        let data = try study.load()
        #expect(data.missing.isEmpty)
        let outcomes = try StudyOutcomes(data)
        #expect(outcomes.footnotes.contains("- CD204 MFI: n = 0 pairs; incomplete pairs: 1 (P1); not measured (the sheet gives no FCS file or plate for it): 1 (P1_RUX)."))
    }

    @Test("a plate without rows whose id reads like a readout's name stands for a concentration only, never for that flow readout")
    func plateNamedLikeAReadout() throws {
        var study = try SmallStudy()
        // P1_RUX has no FCS file (its flow readouts are not measured) and lists a plate "CD204 MFI" without rows.
        SmallStudy.edit(&study.samples, line: 2, ",CCL18_1,fcs/P1_RUX.fcs,", ",CCL18_1;CD204 MFI,,")
        study.markers.remove(at: 2)
        let data = try study.load()
        let missing = try #require(data.missing.first)
        #expect(data.missing.count == 1)
        #expect(missing.sampleID == "P1_RUX" && missing.expected == .plate("CD204 MFI") && missing.readout == "CD204 MFI")
        #expect(missing.reason == "plate CD204 MFI has no row in concentrations.csv")
        let sample = try #require(data.samples.first { $0.id == "P1_RUX" })
        #expect(data.missingResult(.flow(.cd204, .mfi), of: sample) == nil)
        #expect(data.missingResult(.concentration(.il6), of: sample) == missing)
        let outcomes = try StudyOutcomes(data)
        #expect(outcomes.footnotes.contains("- CD204 MFI: n = 0 pairs; incomplete pairs: 1 (P1); not measured (the sheet gives no FCS file or plate for it): 1 (P1_RUX)."),
                "\(outcomes.footnotes)")
    }

    @Test("selected=TRUE is one problem, not a second about a missing selection; an unknown sample is only that")
    func selectionProblems() throws {
        var study = try SmallStudy()
        SmallStudy.edit(&study.concentrations, line: 1, ",true,pg/mL", ",TRUE,pg/mL")
        let problems = try study.problems()
        #expect(problems.map(\.kind) == [.unknownValue], "\(problems)")
        #expect(problems.first?.line == 2 && problems.first?.value == "TRUE")

        var other = try SmallStudy()
        other.concentrations.append("P9_UT,P1,UT,CCL18,CCL18_1,OK,,1,false,pg/mL")
        let unknown = try other.problems()
        #expect(unknown.map(\.kind) == [.unknownReference], "\(unknown)")
        #expect(unknown.first?.line == 6 && unknown.first?.value == "P9_UT")
    }

    @Test("a marker read on two populations: one duplicate for all samples, saying why the tables cannot use it")
    func markerOnTwoPopulations() throws {
        var study = try SmallStudy()
        study.markers = ["sample_id,subject_id,condition,population,marker,mfi,percent_positive",
                         "P1_UT,P1,UT,macrophages,CD204,1000,60", "P1_UT,P1,UT,live,CD204,900,50",
                         "P1_RUX,P1,RUX,macrophages,CD204,500,40", "P1_RUX,P1,RUX,live,CD204,450,30"]
        let problems = try study.problems()
        #expect(problems.count == 1)
        let problem = try #require(problems.first)
        #expect(problem.kind == .duplicate && problem.line == 3)
        #expect(problem.allowed == "one row per sample and marker (already on line 2; population 'live' here, 'macrophages' there: "
                + "the template reads CD204 twice, and the outcome tables take one value per sample and marker; the same for 1 more sample)")
    }
}
