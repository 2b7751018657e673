import Tables
import ArgumentParser
import Batch
import ELISA
import FCS
import Gating
import Plots
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

    @Option(help: "Replicate CV% above which a value is flagged HIGH_CV.")
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
        var jobs: [(plate: String, name: String?, layout: String, analyte: String)] = []
        try checkOutputs(folders: [out], inputs: [plate, layout, runs, samples].compactMap { $0 })
        do {
            if let runs {
                let table = try CSVTable(try InputFile.text(runs))
                let folder = (runs as NSString).deletingLastPathComponent
                for required in ["plate_file", "layout", "analyte"] where !table.header.contains(required) {
                    throw ELISAError(.badLayout, file: runs, place: "line 1", "expected a column '\(required)'")
                }
                if let twice = table.header.enumerated().first(where: { table.header[..<$0.offset].contains($0.element) })?.element {
                    throw ELISAError(.badLayout, file: runs, place: "line 1", "expected each column once, found '\(twice)' twice")
                }
                func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : (folder as NSString).appendingPathComponent(path) }
                for (i, row) in table.rows.enumerated() {
                    let fields = Dictionary(uniqueKeysWithValues: zip(table.header, row))
                    guard let file = fields["plate_file"], !file.isEmpty, let layout = fields["layout"], !layout.isEmpty,
                          let analyte = fields["analyte"], !analyte.isEmpty else {
                        throw ELISAError(.badLayout, file: runs, place: "line \(table.lines[i])", "expected plate_file, layout and analyte")
                    }
                    jobs.append((resolve(file), fields["plate"].flatMap { $0.isEmpty ? nil : $0 }, resolve(layout), analyte))
                    _ = i
                }
            } else {
                guard let plate, let layout, let analyte else { throw ValidationError("give PLATE --layout L --analyte NAME, or --runs runs.csv") }
                jobs = [(plate, plateName, layout, analyte)]
            }
            var sheet: [String: (subject: String, condition: String)]?
            if let samples {
                let table = try CSVTable(try InputFile.text(samples))
                guard let id = table.header.firstIndex(of: "sample_id"), let subject = table.header.firstIndex(of: "subject_id"),
                      let condition = table.header.firstIndex(of: "condition") else {
                    throw ELISAError(.badLayout, file: samples, place: "line 1", "expected columns sample_id, subject_id and condition")
                }
                sheet = Dictionary(table.rows.filter { $0.count > max(id, subject, condition) }.map { ($0[id], ($0[subject], $0[condition])) },
                                   uniquingKeysWith: { first, _ in first })
            }
            var rows: [[String]] = []
            var curves: [[String: Any]] = []
            var plots: [PlateAnalysis] = []
            for job in jobs {
                let read = try PlateRead.select(PlateRead.read(contentsOf: job.plate), name: job.name, file: job.plate)
                var plateLayout = try PlateLayout.csv(try InputFile.text(job.layout), file: job.layout)
                if let sheet, let samples { try plateLayout.reconcile(with: sheet, file: job.layout, sheetName: samples) }
                let analysis = try PlateAnalysis(read: read, layout: plateLayout, analyte: job.analyte, options: options, file: job.plate)
                rows += analysis.concentrationRows(units: units)
                curves.append(analysis.curveRecord())
                plots.append(analysis)
            }
            // One output set: concentrations, curves and plots of one run, never beside an older run's.
            let output = try OutputFolder(out)
            try output.write(csvTable(header: PlateAnalysis.concentrationsHeader, rows: rows), to: "concentrations.csv")
            // One standard-curve plot per plate: points, fitted curve, LLOQ/ULOQ (PNG raster and labelled SVG).
            for analysis in plots {
                let parameters = analysis.fit.parameters
                let plot = CurvePlot(points: analysis.standards.map { (x: $0.nominal, y: $0.meanNetOD) },
                                     curve: { parameters.response($0) }, lloq: analysis.lloq, uloq: analysis.uloq,
                                     title: "\(analysis.analyte) \(analysis.plate) — \(analysis.options.model.label), weights \(analysis.options.weighting.label)",
                                     xLabel: "concentration in the well (\(units))")
                let stem = "curve_" + analysis.plate.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "#", with: "_")
                try output.write(plot.png(), to: stem + ".png")
                try output.write(plot.svg(), to: stem + ".svg")
            }
            let json = try JSONSerialization.data(withJSONObject: ["curves": curves], options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            try output.write(Array(json) + [0x0A], to: "curves.json")
            try output.commit()
        } catch let error as TablesError {
            printError("flowstudy: \(error)"); throw badInputData
        } catch let error as ELISAError {
            printError("flowstudy: \(error)"); throw badInputData
        } catch let error as CSVError {
            printError("flowstudy: \(runs ?? ""): \(error)"); throw badInputData
        } catch let error as ExitCode {
            throw error
        } catch {
            // Anything else (an output that cannot be written) still ends with a documented code.
            printError("flowstudy: \(out): \(error)"); throw badInputData
        }
    }
}
