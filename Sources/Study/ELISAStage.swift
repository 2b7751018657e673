import ELISA
import Foundation
import Plots
import Tables

/// Writes an ELISA run as one output set: `concentrations.csv` (with `role`), `curves.json`, `errors.csv` (one
/// row per plate that failed, the others analysed), `run.json` (FlowStudy's version and the SHA-256 of runs.csv,
/// every plate export and layout, and the sample sheet) and a standard-curve plot per plate (PNG and SVG).
public enum ELISAStage {
    /// Writes `run`'s outputs into `folder` (an ``OutputFolder`` is made and committed here).
    public static func write(_ run: ELISARun, sheet: ELISARunSheet?, samples: String?, units: String, version: String, to folder: String) throws {
        let output = try OutputFolder(folder)
        do {
            try write(run, sheet: sheet, samples: samples, units: units, version: version, into: output)
            try output.commit()
        } catch {
            output.discard()
            throw error
        }
    }

    /// Writes `run`'s outputs into an output set that the caller commits.
    public static func write(_ run: ELISARun, sheet: ELISARunSheet?, samples: String?, units: String, version: String,
                             into output: OutputFolder) throws {
        try output.write(csvTable(header: PlateAnalysis.concentrationsHeader, rows: try run.concentrationRows(units: units)), to: "concentrations.csv")
        try output.write(try run.curvesJSON(), to: "curves.json")
        try output.write(run.errorsCSV(), to: "errors.csv")
        for analysis in run.analyses {
            let parameters = analysis.fit.parameters
            var plot = CurvePlot(points: analysis.standards.map { (x: $0.nominal, y: $0.meanNetOD) },
                                 curve: { parameters.response($0) }, lloq: analysis.lloq, uloq: analysis.uloq,
                                 title: "\(analysis.analyte) \(analysis.plate) — \(analysis.options.model.label), weights \(analysis.options.weighting.label)",
                                 xLabel: "concentration in the well (\(units))")
            plot.replicates = analysis.standards.flatMap { standard in standard.netOD.map { (x: standard.nominal, y: $0) } }
            // Net OD of a blank well: its corrected OD less what was subtracted from every well.
            let offset = analysis.options.blank == .subtract ? (analysis.blankMean ?? 0) : 0
            plot.blanks = analysis.blankCorrectedODs.map { $0 - offset }
            plot.samples = analysis.samples.compactMap { sample in
                sample.meanNetOD.map { CurvePlot.SamplePoint(id: sample.sampleID, meanNetOD: $0, concentration: sample.extrapolated,
                                                             censored: sample.concentrationInWell == nil) }
            }
            let stem = "curve_" + analysis.plate.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.map(String.init).joined()
            try output.write(plot.png(), to: stem + ".png")
            try output.write(plot.svg(), to: stem + ".svg")
        }
        try output.write(provenance(run, sheet: sheet, samples: samples, version: version), to: "run.json")
    }

    /// `run.json`: what produced the concentrations, with the hash of every input.
    static func provenance(_ run: ELISARun, sheet: ELISARunSheet?, samples: String?, version: String) throws -> [UInt8] {
        func file(_ path: String) -> [String: Any] {
            ["path": URL(fileURLWithPath: path).standardizedFileURL.path, "sha256": FileHash.sha256(of: path) ?? ""]
        }
        var document: [String: Any] = ["flowstudy_version": version, "plates_analysed": run.analyses.count, "plates_failed": run.failures.count]
        if let sheet {
            document["runs"] = file(sheet.file)
            document["plates"] = sheet.plates.map { plate -> [String: Any] in
                ["plate": plate.id ?? "", "plate_file": file(plate.file), "layout": file(plate.layout), "analyte": plate.analyte,
                 "model": plate.options.model.label, "weights": plate.options.weighting.label, "blank": plate.options.blank.rawValue,
                 "substitute": plate.options.substitution.rawValue, "cv_limit": plate.options.cvLimit, "supersedes": plate.supersedes ?? ""]
            }
        }
        if let samples { document["samples"] = file(samples) }
        let json = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return Array(json) + [0x0A]
    }
}
