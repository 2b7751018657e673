import ArgumentParser
import Foundation
import Outcomes
import Reports
import Statistics
import Study
import Tables

/// `flowstudy outcomes`: the study's last step alone. Reads the sheets, the batch's markers.csv and the ELISA's
/// concentrations.csv, and writes T0–T6, S4, the footnotes and the missing results as one output set. The
/// library (`StudyData`, `StudyOutcomes`) does the work; this shell maps its errors to exit codes.
struct OutcomesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcomes",
        abstract: "Outcome tables of the study (P1, S1–S4, T0) from markers.csv, concentrations.csv and the sheets.",
        discussion: """
        --flow is a batch output folder (markers.csv), --elisa an elisa output folder (concentrations.csv). \
        Each culture tube is expected to give both readouts of every study marker the template reads (--template, \
        else the template the batch's run.json records); what it lacks is a missing result. \
        Conventions: docs/outcomes.md. Exit status: 0; 64 for a usage, sample sheet, clinical sheet or result \
        validation problem (every problem listed); 65 for an input that cannot be used (unreadable, not CSV, \
        lacking a result file's columns; a template other than the batch's, or one reading a study marker twice).
        """
    )

    @Option(help: "The study's samples.csv.")
    var samples: String

    @Option(help: "The study's clinical.csv.")
    var clinical: String

    @Option(help: "The batch output folder holding markers.csv.")
    var flow: String

    @Option(help: "The elisa output folder holding concentrations.csv.")
    var elisa: String

    @Option(help: "The gating template whose readouts each culture tube is expected to give (default: the one the batch's run.json records, unchanged since).")
    var template: String?

    @Option(help: "The review gallery folder: the subject pages show its gate plots (linked, never re-gated).")
    var review: String?

    @Option(help: "Output folder for the tables and the report (report/index.html).")
    var out: String

    @Flag(help: "Also print the report's pages to PDF through headless Chromium (when installed).")
    var pdf = false

    @Flag(name: .customLong("no-png"), help: "Skip the PNG copies of the figures (SVG is the figure of record).")
    var noPNG = false

    func run() throws {
        let markers = (flow as NSString).appendingPathComponent("markers.csv")
        let concentrations = (elisa as NSString).appendingPathComponent("concentrations.csv")
        try checkOutputs(folders: [out], inputs: [samples, clinical, markers, concentrations] + (template.map { [$0] } ?? []) + (review.map { [$0 + "/manifest.json"] } ?? []))
        let inputs = StudyInputs(clinical: clinical, samples: samples, flow: flow, elisa: elisa, review: review)
        let summary = try reportingStudyErrors {
            let output = try OutputFolder(out)
            do {
                let summary = try OutcomesStage.write(inputs, template: template, version: FlowStudy.configuration.version, into: output,
                                                      chromium: HeadlessChromium.find(), png: !noPNG, pdf: pdf)
                try output.commit()
                return summary
            } catch {
                output.discard()
                throw error
            }
        }
        let outcomes = summary.outcomes, written = summary.report
        say("outcomes: \(outcomes.files.count) tables in \(out) (P1 n = \(outcomes.primary.pairs.count) pairs; \(outcomes.data.missing.count) missing results)")
        say("report: \(out)/report/index.html (\(written.subjectPages) subject pages, \(summary.figures) figures as SVG; \(written.pngNote))")
        if pdf { say("pdf: \(written.pdfNote)") }
    }
}
