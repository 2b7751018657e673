import Tables
import ArgumentParser
import ELISA
import Study
import Foundation

extension CurveModel: ExpressibleByArgument {}
extension Weighting: ExpressibleByArgument {}
extension ELISAOptions.Blank: ExpressibleByArgument {}
extension ELISAOptions.Substitution: ExpressibleByArgument {}

struct ELISACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "elisa",
        abstract: "ELISA plates to concentrations: standard curves (4PL/5PL), LLOQ/ULOQ, statuses and flags.",
        discussion: """
            One plate: flowstudy elisa PLATE --layout L.csv --analyte CCL18 --out DIR. Many: flowstudy elisa --runs runs.csv --out DIR \
            (columns plate_file,plate,layout,analyte). The plates a file holds: flowstudy elisa --list PLATE. Outputs: concentrations.csv, \
            curves.json and a standard-curve plot per plate (curve_<plate>.png and .svg). Conventions: ../shared/elisa/METHODS.md, \
            summarised in docs/elisa.md.
            """)

    @Argument(help: "A plate read: long CSV (well,OD450[,OD570]), BioTek Gen5 text, BMG MARS CSV, SoftMax Pro text, or an .xlsx workbook (Tecan Magellan, Tecan i-control, Thermo SkanIt).")
    var plate: String?

    @Flag(help: "List the plates PLATE holds (name, wavelengths, wells, overflowed and unread wells, label) and stop.")
    var list = false

    @Option(name: .customLong("plate-name"), help: "Which plate of a file holding several (<file stem>#<n>).")
    var plateName: String?

    @Option(help: "The plate layout CSV.")
    var layout: String?

    @Option(help: "The analyte measured.")
    var analyte: String?

    @Option(help: "runs.csv: plate_file,plate,layout,analyte (paths relative to it).")
    var runs: String?

    @Option(help: "4pl or 5pl.")
    var model: CurveModel = .fourParameter

    @Option(help: "none, 1/y or 1/y2.")
    var weights: Weighting = .none

    @Option(help: "subtract, or fit-as-zero-standard.")
    var blank: ELISAOptions.Blank = .subtract

    @Option(help: "Value for statistics below the LLOQ: lloq_half, lloq_sqrt2, lloq or zero.")
    var substitute: ELISAOptions.Substitution = .lloqHalf

    @Option(parsing: .unconditional, help: "Replicate CV% above which a value is flagged HIGH_CV.")
    var cvLimit: Double = 20

    @Option(help: "Concentration units of the standards.")
    var units: String = "pg/mL"

    @Option(help: "Mask a well, with the reason: --mask B7:'bubble' (repeatable; recorded in curves.json).")
    var mask: [String] = []

    @Option(help: "The study's samples.csv: authoritative for subject and condition (a contradiction is an error).")
    var samples: String?

    @Option(help: "Output folder: concentrations.csv, curves.json and the curve plots.")
    var out: String?

    func validate() throws {
        if list {
            guard plate != nil, runs == nil else { throw ValidationError("--list takes one plate file: flowstudy elisa --list PLATE") }
            return
        }
        guard out != nil else { throw ValidationError("missing --out DIR") }
        if runs == nil && (plate == nil || layout == nil || analyte == nil) {
            throw ValidationError("give PLATE --layout L --analyte NAME, or --runs runs.csv")
        }
        if runs != nil && plate != nil { throw ValidationError("give either a plate or --runs, not both") }
        guard cvLimit > 0 else { throw ValidationError("--cv-limit must be above 0") }
        for item in mask {
            let parts = item.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, Well.normalise(String(parts[0])) != nil, !parts[1].isEmpty else {
                throw ValidationError("--mask expects WELL:reason, e.g. B7:bubble; found '\(item)'")
            }
        }
    }

    func run() throws {
        if list, let plate {
            do {
                for line in PlateRead.listing(try PlateRead.read(contentsOf: plate)) { print(line) }
            } catch let error as ELISAError {
                printError("flowstudy: \(error)"); throw badInputData
            }
            return
        }
        guard let out else { throw ValidationError("missing --out DIR") }
        var options = ELISAOptions()
        options.model = model
        options.weighting = weights
        options.blank = blank
        options.substitution = substitute
        options.cvLimit = cvLimit
        for item in mask {
            let parts = item.split(separator: ":", maxSplits: 1)
            if let well = Well.normalise(String(parts[0])) { options.masks[well] = String(parts[1]) }
        }
        let sheet: ELISARunSheet
        do {
            if let runs {
                sheet = try ELISARunSheet.read(runs, defaults: options)
            } else {
                guard let plate, let layout, let analyte else { throw ValidationError("give PLATE --layout L --analyte NAME, or --runs runs.csv") }
                sheet = ELISARunSheet(file: plate, plates: [.init(file: plate, id: plateName, layout: layout, analyte: analyte, options: options,
                                                                  supersedes: nil, line: 0)])
            }
        } catch let problems as ELISARunSheet.Problems {
            printError(problems.description)
            throw ExitCode.validationFailure
        }
        let inputs = sheet.plates.flatMap { [$0.file, $0.layout] } + [runs, samples].compactMap { $0 }
        try checkOutputs(folders: [out], inputs: inputs)
        let identities: [String: (subject: String, condition: String)]?
        do {
            identities = try samples.map(ELISARunSheet.sampleIdentities)
        } catch let problems as ELISARunSheet.Problems {
            printError(problems.description)
            throw ExitCode.validationFailure
        }
        let interruption = Interruption()
        let run = ELISARun.analyse(sheet, samples: identities, samplesFile: samples ?? "samples.csv", cancelled: { interruption.happened })
        try interruption.exitIfHappened()
        // A single plate that cannot be analysed is an unusable input; in a runs.csv it is isolated in errors.csv.
        if runs == nil, let failure = run.failures.first {
            printError("flowstudy: \(failure.message)")
            throw badInputData
        }
        try reportingStudyErrors {
            try ELISAStage.write(run, sheet: runs == nil ? nil : sheet, samples: samples, units: units,
                                 version: FlowStudy.configuration.version, to: out)
        }
        // METHODS.md §10's plate warning (a high blank, standards or blanks left out, a fit that did not converge):
        // said here as well as in curves.json, where nobody would see it before the outcomes.
        for analysis in run.analyses {
            for warning in analysis.warnings { printError("flowstudy: warning: plate \(analysis.plate) (\(analysis.analyte)): \(warning)") }
        }
        if !run.failures.isEmpty {
            for failure in run.failures { printError("flowstudy: plate \(failure.plate): \(failure.message)") }
            printError("flowstudy: \(run.failures.count) plate(s) failed; see \(out)/errors.csv")
            throw ExitCode(2)
        }
    }
}
