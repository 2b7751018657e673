import Batch
import ELISA
import FCS
import Foundation
import Gating
import Outcomes
import Plots
import Reports
import Tables

/// A whole study from raw files to the report: batch gating into `flow/`, the ELISA plates into `elisa/`, the
/// review gallery into `review/`, then the outcome tables, figures and report into `outcomes/`.
///
/// Every input is checked first (``prepare(_:)``), so a sheet, template or runs.csv problem stops the study
/// before any work. The study folder is one output set: it is built beside the destination and switched into
/// place when every stage is done, so an interrupted study leaves the previous one whole; the previous gallery's
/// images are reused. A tube or plate that fails is isolated (listed in `flow/errors.csv` or
/// `elisa/errors.csv`) and the outcomes are computed without it.
public struct StudyRun {
    /// What the study is made of.
    public struct Inputs: Sendable {
        /// `samples.csv` (OUTCOMES §4 with controls and `elisa_plate_ids`).
        public var samples: String
        /// `clinical.csv`.
        public var clinical: String
        /// The gating template.
        public var template: String
        /// The ELISA `runs.csv`.
        public var elisaRuns: String
        /// The study folder.
        public var out: String
        /// Tubes gated at once.
        public var jobs: Int
        /// FCS reading options.
        public var reading: FCSReadOptions
        /// FlowStudy's version, for the provenance records.
        public var version: String
        /// Per-sample gate overrides (`flowstudy-overrides/1`); nil: `<template stem>.overrides.json` beside the
        /// template when it exists.
        public var overrides: String?

        /// The inputs from their parts.
        public init(samples: String, clinical: String, template: String, elisaRuns: String, out: String, jobs: Int,
                    reading: FCSReadOptions = FCSReadOptions(), version: String, overrides: String? = nil) {
            self.samples = samples
            self.clinical = clinical
            self.template = template
            self.elisaRuns = elisaRuns
            self.out = out
            self.jobs = max(1, jobs)
            self.reading = reading
            self.version = version
            self.overrides = overrides
        }
    }

    /// A stage of the study, for progress.
    public enum Stage: String, Sendable { case flow, elisa, review, outcomes }

    /// What a finished study says.
    public struct Summary: Sendable {
        /// Tubes that failed (flow/errors.csv).
        public var failedTubes: Int
        /// Plates that failed (elisa/errors.csv).
        public var failedPlates: Int
        /// Gallery cells drawn and reused.
        public var cellsDrawn: Int, cellsReused: Int
        /// The outcomes stage's summary.
        public var outcomes: OutcomesStage.Summary
        /// The study report.
        public var reportPath: String
        /// A subject's page (the first subject), if any.
        public var subjectPage: String?
        /// The gallery's index.
        public var galleryPath: String
    }

    /// The inputs.
    public let inputs: Inputs
    let template: GatingTemplate
    /// The study markers the template reads: what each culture tube is expected to give.
    let panel: [StudyMarker]
    let templateText: String
    let sheet: SampleSheet
    let runs: ELISARunSheet
    /// The overrides file used (nil: none) and what it holds.
    let overridesPath: String?
    let overrides: GateOverrides

    /// Checks every input, listing every problem at once (``StudyProblems``).
    public static func prepare(_ inputs: Inputs) throws -> StudyRun {
        var problems: [String] = []
        var template: GatingTemplate?
        var sheet: SampleSheet?
        var runs: ELISARunSheet?
        /// The plates samples.csv names; nil when it could not be read or is refused as a whole (runs.csv is then
        /// not compared with it: every plate would be reported for a problem of the sheet's).
        var sheetPlates: Set<String>?
        func note(_ error: Error) { problems.append("\(error)") }
        do { template = try TemplateLoader.load(inputs.template).template } catch { note(error) }
        // A template the batch accepts may still read a study marker twice; the outcomes could not use it, so the
        // study stops here rather than after gating every tube.
        let panel = template.map { StudyPanel.markers(of: $0, path: inputs.template) }
        problems += panel?.problems.map(\.description) ?? []
        var sheetProblems: SampleSheet.Problems?
        do { sheet = try SampleSheet.read(csv: inputs.samples, template: template) } catch let error as SampleSheet.Problems {
            sheetProblems = error
        } catch { note(error) }
        var checked: [StudyDataProblems.Problem] = []
        do {
            let check = try StudyData.checkSheets(clinical: inputs.clinical, samples: inputs.samples)
            sheetPlates = check.plates
            checked = check.problems
        } catch { note(error) }
        // Both readers check samples.csv: what the batch's reader found at a row (and column) the other already
        // reported is listed once.
        if var sheetProblems {
            sheetProblems.problems = unreported(sheetProblems.problems, besides: checked.filter { $0.file == inputs.samples })
            if !sheetProblems.problems.isEmpty { note(sheetProblems) }
        }
        if !checked.isEmpty { note(StudyDataProblems(checked)) }
        if let sheet, let template { problems += sampleSheetProblems(sheet, template: template) }
        do { runs = try ELISARunSheet.read(inputs.elisaRuns) } catch { note(error) }
        if let runs {
            for plate in runs.plates where plate.id == nil {
                problems.append("\(runs.file): line \(plate.line): expected a plate id in column 'plate' (the id samples.csv names in elisa_plate_ids)")
            }
        }
        if let runs, let sheetPlates {
            let runPlates = Set(runs.plates.compactMap(\.id))
            for id in runPlates.subtracting(sheetPlates).sorted() {
                problems.append("\(runs.file): plate '\(id)' is named by no sample's elisa_plate_ids in \(inputs.samples)")
            }
            for id in sheetPlates.subtracting(runPlates).sorted() {
                problems.append("\(inputs.samples): elisa_plate_ids names plate '\(id)', which \(runs.file) lacks")
            }
        }
        let templateText = (try? InputFile.text(inputs.template)) ?? ""
        let overridesPath = GateOverrides.locate(explicit: inputs.overrides, forTemplate: inputs.template)
        var overrides = GateOverrides()
        if let template, let sheet { problems += GroupGates(template: template).poolingProblems(sheet.entries).map { "\(inputs.template): \($0)" } }
        if let overridesPath, let template, let sheet {
            do { overrides = try GateOverrides.read(contentsOf: overridesPath, template: template, sampleIDs: Set(sheet.entries.map(\.sampleID))) } catch { note(error) }
        }
        guard problems.isEmpty, let template, let sheet, let runs else { throw StudyProblems(problems) }
        return StudyRun(inputs: inputs, template: template, panel: panel?.markers ?? [], templateText: templateText, sheet: sheet, runs: runs,
                        overridesPath: overridesPath, overrides: overrides)
    }

    /// Every file the study reads (to check that no output is one of them).
    public var inputFiles: [String] {
        [inputs.samples, inputs.clinical, inputs.template, inputs.elisaRuns] + (overridesPath.map { [$0] } ?? []) + sheet.entries.map(\.file)
            + runs.plates.flatMap { [$0.file, $0.layout] }
    }

    /// Runs the four stages. `progress` hears each stage's start and the batch's progress; `cancelled` is checked
    /// between tubes, plates and stages (a cancelled study throws `CancellationError` and writes nothing).
    public func run(chromium: HeadlessChromium?, png: Bool = true,
                    stage: @escaping @Sendable (Stage) -> Void = { _ in },
                    progress: @escaping @Sendable (BatchRunner.Progress) -> Void = { _ in },
                    cancelled: @escaping @Sendable () -> Bool = { false }) throws -> Summary {
        let study = try OutputFolder(inputs.out)
        do {
            let summary = try run(into: study, chromium: chromium, png: png, stage: stage, progress: progress, cancelled: cancelled)
            try study.commit()
            return summary
        } catch {
            study.discard()
            throw error
        }
    }

    private func run(into study: OutputFolder, chromium: HeadlessChromium?, png: Bool,
                     stage: @escaping @Sendable (Stage) -> Void, progress: @escaping @Sendable (BatchRunner.Progress) -> Void,
                     cancelled: @escaping @Sendable () -> Bool) throws -> Summary {
        let flow = study.staging + "/flow", elisa = study.staging + "/elisa", review = study.staging + "/review"
        stage(.flow)
        let options = BatchOptions(jobs: inputs.jobs, reading: inputs.reading, quiet: true)
        let start = Date()
        let batch = BatchRunner(template: template, sheet: sheet, options: options, overrides: overrides).run(cancelled: cancelled, progress: progress)
        if cancelled() { throw CancellationError() }
        let record = BatchWriter.provenance(version: inputs.version, template: inputs.template, samples: inputs.samples, options: options,
                                            seconds: Date().timeIntervalSince(start),
                                            events: batch.events, overrides: overridesPath)
        try BatchWriter.write(batch, to: flow, run: record)

        stage(.elisa)
        let identities = Dictionary(sheet.entries.map { ($0.sampleID, (subject: $0.subjectID, condition: $0.condition)) },
                                    uniquingKeysWith: { first, _ in first })
        let plates = ELISARun.analyse(runs, samples: identities, samplesFile: inputs.samples, cancelled: cancelled)
        if cancelled() { throw CancellationError() }
        try ELISAStage.write(plates, sheet: runs, samples: inputs.samples, units: "pg/mL", version: inputs.version, to: elisa)

        stage(.review)
        let gallery = ReviewGallery(template: template, templateText: templateText,
                                    entries: sheet.entries.map(ReviewGallery.Entry.init),
                                    jobs: inputs.jobs, reading: inputs.reading, overrides: overrides)
        let previousGallery = study.previous("review")
        let cells = try gallery.build(in: review, previous: FileManager.default.fileExists(atPath: previousGallery) ? previousGallery : nil,
                                      cancelled: cancelled)

        stage(.outcomes)
        // The stages read each other's outputs in the staging folder; the records name where they will be once
        // the study folder is switched into place (the staging folder is gone by then).
        let out = URL(fileURLWithPath: inputs.out).standardizedFileURL.path
        let outcomesFolder = try OutputFolder(study.staging + "/outcomes")
        let outcomes = try OutcomesStage.write(StudyInputs(clinical: inputs.clinical, samples: inputs.samples, flow: flow, elisa: elisa, review: review),
                                               recorded: StudyInputs(clinical: inputs.clinical, samples: inputs.samples, flow: out + "/flow",
                                                                     elisa: out + "/elisa", review: out + "/review"),
                                               panel: panel, populations: StudyPanel.readoutPopulations(of: template), version: inputs.version,
                                               into: outcomesFolder, chromium: chromium, png: png, pdf: false)
        try outcomesFolder.commit()
        if cancelled() { throw CancellationError() }
        let drawn = cells.cells.filter(\.drawn).count
        let firstSubject = outcomes.outcomes.data.subjectOrder.first
        return Summary(failedTubes: batch.errors.count, failedPlates: plates.failures.count, cellsDrawn: drawn,
                       cellsReused: cells.cells.count - drawn, outcomes: outcomes,
                       reportPath: out + "/outcomes/report/index.html",
                       subjectPage: firstSubject.map { out + "/outcomes/report/subjects/\($0).html" },
                       galleryPath: out + "/review/index.html")
    }
}
