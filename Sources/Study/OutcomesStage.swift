import Foundation
import Outcomes
import Reports
import Tables

/// The study's last step: the outcome tables, figures and report from a batch folder, an ELISA folder and the
/// sheets (and the review gallery's gate plots), written as one output set.
public enum OutcomesStage {
    /// What was written, for the user.
    public struct Summary: Sendable {
        /// The outcome tables and figures.
        public var outcomes: StudyOutcomes
        /// What the report wrote (pages, PNG and PDF notes).
        public var report: StudyReport.Written
        /// The number of figures.
        public var figures: Int
    }

    /// Reads the inputs, computes the outcomes and writes tables, provenance and report into `output`, which the
    /// caller commits. `recorded` is where `outcomes_run.json` and the report say the inputs are, when that is
    /// not where they are read now (a study's staging folder). Throws ``StudyDataProblems`` for sheet and result
    /// problems, ``OutcomesError`` and `ReportError` for unusable inputs.
    public static func write(_ inputs: StudyInputs, recorded: StudyInputs? = nil, version: String, into output: OutputFolder,
                             chromium: HeadlessChromium?, png: Bool, pdf: Bool) throws -> Summary {
        let data = try StudyData.load(clinical: inputs.clinical, samples: inputs.samples, markers: inputs.markers,
                                      concentrations: inputs.concentrations)
        var outcomes = try StudyOutcomes(data)
        outcomes.assayQC = try AssayQC(elisa: inputs.elisa, flow: inputs.flow, samples: data.samples, sheet: inputs.samples)
        let gallery = try inputs.review.map { try GalleryImages(review: $0) }
        let report = StudyReport(outcomes: outcomes, provenance: Provenance(inputs: inputs, flowstudyVersion: version, recorded: recorded),
                                 gallery: gallery)
        for file in outcomes.files { try output.write(file.bytes, to: file.name) }
        try output.write(report.provenance.json, to: Provenance.fileName)
        let written = try report.write(into: output, chromium: chromium, png: png, pdf: pdf)
        return Summary(outcomes: outcomes, report: written, figures: report.figures.count)
    }
}
