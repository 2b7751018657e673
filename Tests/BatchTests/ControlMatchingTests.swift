import Foundation
import Testing
import TestSupport
import Gating
@testable import Batch

/// Controls are matched to readouts through the panel (a control marked with an alias serves the marker), and a
/// sheet that gives one subject, condition and marker two controls of a kind is refused with both rows.
@Suite("Control matching through the panel")
struct ControlMatchingTests {
    /// SimulatedBatchTests' template with `MMR` as an alias of CD206.
    static let template = SimulatedBatchTests.template.replacingOccurrences(
        of: #"{"marker": "CD206", "channels": ["FITC-A"]}"#, with: #"{"marker": "CD206", "aliases": ["MMR"], "channels": ["FITC-A"]}"#)

    @Test("an FMO tube marked with a panel alias serves the marker's readout")
    func aliasServesReadout() throws {
        #expect(Self.template.contains("MMR"), "the template edit applies")
        let folder = try TemporaryDirectory()
        let sheetPath = try SimulatedBatchTests.cohort(in: folder, subjects: 1, events: 600)
        let text = try String(contentsOfFile: sheetPath, encoding: .utf8).replacingOccurrences(of: ",FMO,CD206", with: ",FMO,MMR")
        #expect(text.contains(",FMO,MMR"))
        try text.write(toFile: sheetPath, atomically: false, encoding: .utf8)
        let template = try TemplateReader.read(Self.template, name: "t.json")
        let result = BatchRunner(template: template, sheet: try SampleSheet.read(csv: sheetPath, template: template),
                                 options: BatchOptions(jobs: 1, quiet: true)).run()
        #expect(result.errors.isEmpty)
        let row = try #require(result.markers.first { $0[4] == "CD206" })
        let fields = Dictionary(uniqueKeysWithValues: zip(MarkerReadout.header, row))
        #expect(fields["control_sample_id"] == "P1_UT_FMO_CD206", "\(fields)")
        #expect(!(fields["flags"] ?? "").contains("NO_CONTROL"))
        // The threshold is the FMO tube's 99th percentile (type 7), computed here by sorting.
        let fmo = try SimulatedBatchTests.compensated(folder.path("P1_UT_FMO_CD206.fcs"), channel: "FITC-A").sorted()
        let threshold = try #require(fields["threshold"].flatMap { Double($0) })
        #expect(threshold.isApproximatelyEqual(to: SimulatedBatchTests.quantile(fmo, 0.99), relativeTolerance: 1e-9))
    }

    static let sheet = """
    sample_id,subject_id,condition,fcs_file,control_type,control_marker
    P1_UT,P1,UT,a.fcs,,
    P1_UT_FMO_A,P1,UT,b.fcs,FMO,CD206
    P1_UT_FMO_B,P1,UT,c.fcs,FMO,MMR
    P1_RUX_FMO,P1,RUX,d.fcs,FMO,CD206
    P1_UT_ISO,P1,UT,e.fcs,isotype,cd 206
    P1_UT_FMO_C,P1,UT,f.fcs,fmo,cd-206

    """

    @Test("two controls of one kind for the same subject, condition and marker are a sheet error naming both rows")
    func duplicateControls() throws {
        let template = try TemplateReader.read(Self.template, name: "t.json")
        let problems: [String]
        do {
            _ = try SampleSheet.read(text: Self.sheet, path: "samples.csv", template: template)
            problems = []
        } catch let error as SampleSheet.Problems {
            problems = error.problems.map(\.description)
        }
        // Rows 4 (MMR = CD206 through the panel) and 7 (cd-206) repeat row 3's FMO; RUX and the isotype are others.
        #expect(problems.count == 2, "\(problems)")
        #expect(problems.first?.hasPrefix("row 4, column control_marker") == true && problems.first?.contains("row 3") == true)
        #expect(problems.last?.hasPrefix("row 7, column control_marker") == true && problems.last?.contains("row 3") == true)
        // Without the panel, names still compare ignoring case and punctuation.
        #expect(throws: SampleSheet.Problems.self) { try SampleSheet.read(text: Self.sheet, path: "samples.csv") }
    }
}
