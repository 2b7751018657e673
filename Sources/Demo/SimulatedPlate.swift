import ELISA
import Foundation
import Simulation

/// One simulated ELISA plate: its layout, its reads, the true curve, and the export format it is written in.
///
/// Layout: standards in duplicate down columns 1–2 (top standard in A), the two blank (zero standard) wells in
/// H1–H2 for 7 levels or A3–A4 for 8, then each sample's duplicate wells side by side, row by row, at each of the
/// assay's dilutions; a treated culture sits next to its untreated one. Corrected OD of a well =
/// 4PL(in-well concentration) × (1 + CV·ε₁) + SD·ε₂ on the plate's own curve; the reader adds the plate's
/// absorbance, which the 570 nm read (Gen5) removes well by well and the blank removes on average (SkanIt, 450 nm
/// only). ODs are rounded to 4 decimals as exported.
///
/// A plate is re-drawn (its noise only, at most 200 times) until FlowStudy's default analysis accepts its curve,
/// every designed below-LLOQ value is `<LLOQ`, and the one designed pipetting error is the plate's only `HIGH_CV`
/// value: the demo must show each case, not most of them. The number of draws is recorded in `truth.json`.
public struct SimulatedPlate: Sendable {
    /// `CCL18_1`, the id in `samples.csv` and `runs.csv`.
    public var plateID: String
    /// The analyte.
    public var analyte: String
    /// Index of the assay in ``ELISAModel/assays``.
    public var assay: Int
    /// The export format it is written in.
    public var format: PlateExport
    /// The layout.
    public var layout: PlateLayout
    /// The reads, as exported.
    public var read: PlateRead
    /// The plate's true curve.
    public var curve: CurveParameters
    /// Days from 2023-01-01 to the run.
    public var runDay: Int
    /// The well given a pipetting error, if this plate has it.
    public var highCVWell: String?
    /// How many noise draws the plate took to meet its design.
    public var draws: Int
    /// The analysis FlowStudy's defaults give (the one the design was checked with).
    public var analysis: PlateAnalysis

    /// The export file, relative to the `elisa` folder.
    public var file: String { "\(plateID)/\(plateID).\(format.fileExtension)" }
    /// The layout file, relative to the `elisa` folder.
    public var layoutFile: String { "\(plateID)/layout.csv" }

    /// Lays out every assay's plates, records the plate ids on the cultures, and simulates the reads. Formats
    /// alternate plate by plate (Gen5 text, SkanIt workbook), so every study of two plates or more has both.
    static func plates(for cultures: inout [Culture], patients: Int, model: ELISAModel, seed: UInt64) throws -> [SimulatedPlate] {
        var plates: [SimulatedPlate] = []
        let pairs = stride(from: 0, to: cultures.count - 1, by: 2).map { $0 }
        let firstRun = (cultures.map(\.cultureDay).max() ?? 0) + 14
        for (assayIndex, assay) in model.assays.enumerated() {
            let free = 96 - 2 * assay.levels - 2
            let perPair = 2 * 2 * assay.dilutions.count
            let capacity = max(free / perPair, 1)
            let count = (pairs.count + capacity - 1) / capacity
            for p in 0..<count {
                let members = pairs[(p * pairs.count / count)..<((p + 1) * pairs.count / count)].flatMap { [$0, $0 + 1] }
                let plateID = "\(assay.plateStem)_\(p + 1)"
                for culture in members { cultures[culture].plates.append(plateID) }
                let layout = Self.layout(assay: assay, members: members, cultures: cultures)
                // The pipetting error: the second replicate of the first sample of CXCL4's first plate.
                let highCV = assay.analyte == "CXCL4" && p == 0 ? members.first.flatMap { first in
                    layout.entries.values.filter { $0.sampleID == cultures[first].sampleID }.map(\.well).max { Well.order($0) < Well.order($1) }
                } : nil
                let format: PlateExport = plates.count % 2 == 0 ? .gen5 : .skanIt
                plates.append(try simulate(plateID: plateID, assayIndex: assayIndex, model: model, layout: layout, format: format,
                                           highCVWell: highCV, cultures: cultures, runDay: firstRun + plates.count, seed: seed,
                                           stream: UInt64(plates.count)))
            }
        }
        return plates
    }

    static func layout(assay: ELISAModel.Assay, members: [Int], cultures: [Culture]) -> PlateLayout {
        var entries: [String: PlateLayout.Entry] = [:]
        let rows = ["A", "B", "C", "D", "E", "F", "G", "H"]
        for (level, concentration) in assay.standards.enumerated() {
            for column in 1...2 {
                let well = "\(rows[level])\(column)"
                entries[well] = PlateLayout.Entry(well: well, role: .standard, sampleID: "STD\(level + 1)", concentration: concentration)
            }
        }
        var free = rows.flatMap { row in (1...12).map { "\(row)\($0)" } }.filter { entries[$0] == nil }
        let blanks = assay.levels < 8 ? ["H1", "H2"] : Array(free.prefix(2))
        for well in blanks { entries[well] = PlateLayout.Entry(well: well, role: .blank, sampleID: "BLANK") }
        free.removeAll { blanks.contains($0) }
        var next = 0
        for culture in members.map({ cultures[$0] }) {
            for dilution in assay.dilutions {
                for _ in 0..<2 {
                    let well = free[next]
                    entries[well] = PlateLayout.Entry(well: well, role: .sample, sampleID: culture.sampleID, subjectID: culture.subjectID,
                                                      condition: culture.condition, dilution: dilution)
                    next += 1
                }
            }
        }
        for well in free[next...] { entries[well] = PlateLayout.Entry(well: well, role: .empty) }
        return PlateLayout(entries: entries)
    }

    static func simulate(plateID: String, assayIndex: Int, model: ELISAModel, layout: PlateLayout, format: PlateExport, highCVWell: String?,
                         cultures: [Culture], runDay: Int, seed: UInt64, stream: UInt64) throws -> SimulatedPlate {
        let assay = model.assays[assayIndex]
        let truth = Dictionary(cultures.map { ($0.sampleID, $0.concentrations[assayIndex]) }, uniquingKeysWith: { a, _ in a })
        let belowDesign = Set(cultures.filter { $0.designs[assayIndex] == "below_lloq" }.map(\.sampleID))
        let wells = layout.entries.values.sorted { Well.order($0.well) < Well.order($1.well) }
        for draw in 1...200 {
            var random = RandomSource.stream(seed, 4, stream, UInt64(draw))
            let curve = CurveParameters(a: assay.a + random.normal() * model.plateASD, b: assay.b * exp(random.normal() * model.plateLogBSD),
                                        c: assay.c * exp(random.normal() * model.plateLogCSD), d: assay.d * exp(random.normal() * model.plateLogDSD))
            var readings: [String: PlateRead.Reading] = [:]
            for entry in wells {
                var corrected: Double
                switch entry.role {
                case .standard: corrected = curve.response(entry.concentration ?? 0)
                case .blank: corrected = curve.a
                case .sample, .control: corrected = curve.response((truth[entry.sampleID] ?? 0) / entry.dilution)
                case .empty: corrected = 0.003
                }
                corrected = corrected * (1 + model.wellCV * random.normal()) + model.wellSD * random.normal()
                if entry.well == highCVWell { corrected *= model.pipettingError }
                let plastic = model.plasticOD + model.plasticSD * random.normal()
                let rounded = { (value: Double) in (value * 10_000).rounded() / 10_000 }
                readings[entry.well] = format == .skanIt ? PlateRead.Reading(measurement: rounded(corrected + plastic))
                                                         : PlateRead.Reading(measurement: rounded(corrected + plastic), reference: rounded(plastic))
            }
            let read = PlateRead(name: plateID, wavelengths: (450, format == .skanIt ? nil : 570), wells: readings)
            guard let analysis = try? PlateAnalysis(read: read, layout: layout, analyte: assay.analyte), analysis.curveAccepted else { continue }
            let highCVSample = highCVWell.flatMap { layout.entries[$0]?.sampleID }
            let designMet = analysis.samples.allSatisfy { result in
                if belowDesign.contains(result.sampleID) { return result.status == "<LLOQ" }
                if result.sampleID == highCVSample { return result.status == "OK" && result.flags.contains("HIGH_CV") }
                return !result.flags.contains("HIGH_CV")
            }
            guard designMet else { continue }
            return SimulatedPlate(plateID: plateID, analyte: assay.analyte, assay: assayIndex, format: format, layout: layout, read: read,
                                  curve: curve, runDay: runDay, highCVWell: highCVWell, draws: draw, analysis: analysis)
        }
        throw DemoError(.plateDesign, "plate \(plateID): no noise draw in 200 met the design (accepted curve, designed <LLOQ and HIGH_CV values)")
    }
}
