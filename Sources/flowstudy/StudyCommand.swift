import FCS
import ArgumentParser
import ELISA
import Foundation
import Outcomes
import Reports
import Statistics
import Study
import Tables

/// `flowstudy study`: the whole study from raw FCS files and plate exports to the report, in one command.
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "The whole study: batch gating, ELISA plates, review gallery, outcome tables, figures and report.",
        discussion: """
        Writes DIR/flow (batch), DIR/elisa (plates; a failing plate is listed in elisa/errors.csv), DIR/review \
        (the gate gallery) and DIR/outcomes (tables T0–T6, figures, report/index.html and a page per subject). \
        Relative paths in the sheets resolve against each sheet's folder. Every input is checked before any work. \
        Exit status: 0; 2 when some tubes or plates failed (listed; the outcomes are computed without them); 64 for \
        a sheet, template, clinical or runs.csv problem; 65 for an unusable input; 130 when interrupted (the \
        previous study folder is left whole).
        """)

    @Option(help: "The study's samples.csv.")
    var samples: String

    @Option(help: "The study's clinical.csv.")
    var clinical: String

    @Option(help: "The gating template (.json or Gating-ML .xml).")
    var template: String

    @Option(help: "Per-sample gate overrides (flowstudy-overrides/1); default: <template stem>.overrides.json beside the template, when present.")
    var overrides: String?

    @Option(name: .customLong("elisa-runs"), help: "runs.csv: plate_file,plate,layout,analyte (paths relative to it).")
    var elisaRuns: String

    @Option(help: "The study folder.")
    var out: String

    @Option(parsing: .unconditional, help: "Tubes processed at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .customLong("no-png"), help: "Skip the PNG copies of the figures (SVG is the figure of record).")
    var noPNG = false

    @Flag(help: "No progress on standard error.")
    var quiet = false

    @OptionGroup var reading: ReadingOptions

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        MemoryTuning.reuseLargeAllocations()  // many files: reuse freed column blocks (see MemoryTuning)
        let summary = try Self.runStudy(StudyRun.Inputs(samples: samples, clinical: clinical, template: template, elisaRuns: elisaRuns,
                                                        out: out, jobs: jobs, reading: reading.options, version: FlowStudy.configuration.version,
                                                        overrides: overrides),
                                        png: !noPNG, quiet: quiet)
        if summary.failedTubes + summary.failedPlates > 0 { throw ExitCode(2) }
    }

    /// Runs a study with progress on stderr and prints where its report, a subject page and the gallery are.
    /// Shared with `flowstudy demo`.
    static func runStudy(_ inputs: StudyRun.Inputs, png: Bool, quiet: Bool) throws -> StudyRun.Summary {
        let study: StudyRun
        do {
            study = try StudyRun.prepare(inputs)
        } catch let problems as StudyProblems {
            printError(problems.description)
            throw ExitCode.validationFailure
        }
        try checkOutputs(folders: [inputs.out], inputs: study.inputFiles)
        let interruption = Interruption()
        let reporter = ProgressReporter(quiet: quiet)
        let start = Date()
        let summary: StudyRun.Summary
        do {
            summary = try reportingStudyErrors {
                try study.run(chromium: png ? HeadlessChromium.find() : nil, png: png,
                              stage: { stage in if !quiet { reporter.finish(); printError("flowstudy study: \(stage.rawValue)…") } },
                              progress: { reporter.report($0) }, cancelled: { interruption.happened })
            }
        } catch is CancellationError {
            try interruption.exitIfHappened()
            throw ExitCode(130)
        }
        reporter.finish()
        if !quiet { printError(String(format: "flowstudy study: done in %.1f s", Date().timeIntervalSince(start))) }
        if summary.failedTubes > 0 { printError("flowstudy study: \(summary.failedTubes) tube(s) failed; see \(inputs.out)/flow/errors.csv") }
        if summary.failedPlates > 0 { printError("flowstudy study: \(summary.failedPlates) plate(s) failed; see \(inputs.out)/elisa/errors.csv") }
        say("report:  \(summary.reportPath)")
        if let page = summary.subjectPage { say("patient: \(page)") }
        say("gallery: \(summary.galleryPath)")
        say("P1 (CCL18, RUX vs UT): n = \(summary.outcomes.outcomes.primary.pairs.count) pairs; \(summary.outcomes.outcomes.data.missing.count) missing results; "
            + "\(summary.cellsDrawn) gate plots drawn, \(summary.cellsReused) reused")
        return summary
    }
}

/// Runs `body`, mapping the study's typed errors to exit codes: 64 for sheet and result problems, 65 for an
/// unusable input.
func reportingStudyErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let problems as StudyDataProblems {
        printError(problems.description)
        throw ExitCode.validationFailure
    } catch let problems as ELISARunSheet.Problems {
        printError(problems.description)
        throw ExitCode.validationFailure
    } catch let error as OutcomesError {
        printError("flowstudy: \(error)"); throw badInputData
    } catch let panel as StudyPanel.Problems {
        for problem in panel.problems { printError("flowstudy: \(problem)") }
        throw badInputData
    } catch let error as StatisticsError {
        printError("flowstudy: \(error)"); throw badInputData
    } catch let error as ReportError {
        printError("flowstudy: \(error)"); throw badInputData
    } catch is CancellationError {
        throw CancellationError()
    } catch let error as ExitCode {
        throw error
    } catch {
        do {
            return try reportingInputErrors { throw error }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            // Anything else (an output that cannot be written) still ends with a documented code.
            printError("flowstudy: \(error)")
            throw badInputData
        }
    }
}
