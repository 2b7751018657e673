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
    /// not where they are read now (a study's staging folder): every message and footnote names those paths.
    /// `panel` is the study markers the template reads; nil: those of `template`, else of the template the batch's
    /// `run.json` records (``StudyPanel``); `populations` the populations of its readouts (the TQ tube table's
    /// gate-count columns when no tube gave a readout; with `panel` nil they come from the same template).
    /// Throws ``StudyDataProblems`` for sheet and result problems,
    /// ``StudyPanel/Problems`` for template readouts the outcomes cannot use, ``OutcomesError`` and `ReportError`
    /// for unusable inputs.
    public static func write(_ inputs: StudyInputs, recorded: StudyInputs? = nil, panel: [StudyMarker]? = nil, populations: [String] = [],
                             template: String? = nil,
                             version: String, into output: OutputFolder,
                             chromium: HeadlessChromium?, png: Bool, pdf: Bool) throws -> Summary {
        let shown = recorded ?? inputs
        do {
            let readouts = try panel.map { (markers: $0, populations: populations) } ?? StudyPanel.readouts(ofBatch: inputs.flow, template: template)
            let panel = readouts.markers
            let tubeFailures = try FCSFileQC.failures(flow: inputs.flow)
            var data = try StudyData.load(clinical: inputs.clinical, samples: inputs.samples, markers: inputs.markers,
                                          concentrations: inputs.concentrations, panel: panel, tubeFailures: tubeFailures)
            for index in data.missing.indices { data.missing[index].reason = inputs.relocated(data.missing[index].reason, to: shown) }
            var outcomes = try StudyOutcomes(data)
            var qc = try AssayQC(elisa: inputs.elisa, flow: inputs.flow, samples: data.samples, sheet: inputs.samples, tubeFailures: tubeFailures,
                                 readoutPopulations: readouts.populations)
            qc.plates.notes = qc.plates.notes.map { inputs.relocated($0, to: shown) }
            qc.tubes.notes = qc.tubes.notes.map { inputs.relocated($0, to: shown) }
            outcomes.assayQC = qc
            let gallery = try inputs.review.map { try GalleryImages(review: $0) }
            let report = StudyReport(outcomes: outcomes, provenance: Provenance(inputs: inputs, flowstudyVersion: version, recorded: recorded, panel: panel),
                                     gallery: gallery)
            for file in outcomes.files { try output.write(file.bytes, to: file.name) }
            try output.write(report.provenance.json, to: Provenance.fileName)
            let written = try report.write(into: output, chromium: chromium, png: png, pdf: pdf)
            return Summary(outcomes: outcomes, report: written, figures: report.figures.count)
        } catch var problems as StudyDataProblems {
            for index in problems.problems.indices { problems.problems[index].file = inputs.relocated(problems.problems[index].file, to: shown) }
            throw problems
        } catch var panel as StudyPanel.Problems {
            panel.problems = panel.problems.map { inputs.relocated($0, to: shown) }
            throw panel
        } catch let error as OutcomesError {
            throw inputs.relocated(error, to: shown)
        } catch var error as ReportError {
            error.file = inputs.relocated(error.file, to: shown)
            error.message = inputs.relocated(error.message, to: shown)
            throw error
        }
    }
}

extension StudyInputs {
    /// `text` with the paths of this run's batch, ELISA and review folders replaced by those of `recorded`: a
    /// study reads its stages' outputs in a staging folder that is gone once the study is in place, so no message
    /// names it.
    func relocated(_ text: String, to recorded: StudyInputs) -> String {
        guard recorded != self else { return text }
        var text = text
        let pairs = [(flow, recorded.flow), (elisa, recorded.elisa)] + (review.flatMap { now in recorded.review.map { (now, $0) } }.map { [$0] } ?? [])
        for (now, later) in pairs where now != later {
            text = text.replacingOccurrences(of: now + "/", with: later + "/")
            if text == now { text = later }
        }
        return text
    }

    /// `error` with its file and message naming `recorded`'s paths (``relocated(_:to:)``).
    func relocated(_ error: OutcomesError, to recorded: StudyInputs) -> OutcomesError {
        var error = error
        error.file = relocated(error.file, to: recorded)
        error.message = relocated(error.message, to: recorded)
        return error
    }
}
