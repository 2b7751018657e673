import Foundation
import Tables

/// The plates of a ``ELISARunSheet`` analysed one by one: a plate that cannot be read or fitted is isolated as a
/// failure (as a failing tube is in a batch) and every other plate is analysed.
public struct ELISARun: Sendable {
    /// A plate that could not be analysed.
    public struct Failure: Sendable {
        /// The plate's id (or its file when it has none).
        public var plate: String
        /// The plate export.
        public var file: String
        /// The typed error, as text.
        public var message: String
    }

    /// The analyses, in sheet order.
    public var analyses: [PlateAnalysis]
    /// The plates that failed.
    public var failures: [Failure]
    /// Re-assays: plate id → the id of the plate it replaces.
    public var supersedes: [String: String]

    /// `errors.csv`'s columns.
    public static let errorsHeader = ["plate", "plate_file", "error"]

    /// Analyses every plate of `sheet`. `samples` (sample id → subject and condition, from `samplesFile`) makes
    /// the study's sample sheet the authority for each sample's subject and condition. `cancelled` is checked
    /// between plates.
    public static func analyse(_ sheet: ELISARunSheet, samples: [String: (subject: String, condition: String)]? = nil,
                               samplesFile: String = "samples.csv", cancelled: () -> Bool = { false }) -> ELISARun {
        var analyses: [PlateAnalysis] = []
        var failures: [Failure] = []
        var supersedes: [String: String] = [:]
        for plate in sheet.plates {
            if cancelled() { break }
            do {
                let read = try PlateRead.select(PlateRead.read(contentsOf: plate.file), name: plate.id, file: plate.file)
                var layout = try PlateLayout.csv(try InputFile.text(plate.layout), file: plate.layout)
                if let samples { try layout.reconcile(with: samples, file: plate.layout, sheetName: samplesFile) }
                let analysis = try PlateAnalysis(read: read, layout: layout, analyte: plate.analyte, options: plate.options, file: plate.file)
                analyses.append(analysis)
                if let replaced = plate.supersedes { supersedes[analysis.plate] = replaced }
            } catch let error as TablesError {
                failures.append(Failure(plate: plate.id ?? plate.file, file: plate.file, message: "\(error)"))
            } catch {
                failures.append(Failure(plate: plate.id ?? plate.file, file: plate.file, message: "\(error)"))
            }
        }
        return ELISARun(analyses: analyses, failures: failures, supersedes: supersedes)
    }

    /// `concentrations.csv` rows of every plate. A sample and analyte may be selected on one plate only: a
    /// second selected row (a re-assay) is an error naming both plates, unless the later plate `supersedes` the
    /// earlier one in runs.csv, whose row is then unselected with the flag `SUPERSEDED_BY=<plate>`.
    public func concentrationRows(units: String) throws -> [[String]] {
        let header = PlateAnalysis.concentrationsHeader
        guard let sampleColumn = header.firstIndex(of: "sample_id"), let analyteColumn = header.firstIndex(of: "analyte"),
              let plateColumn = header.firstIndex(of: "plate"), let selectedColumn = header.firstIndex(of: "selected"),
              let flagsColumn = header.firstIndex(of: "flags") else { return [] }
        var rows = analyses.flatMap { $0.concentrationRows(units: units) }
        var chosen: [String: Int] = [:]
        var problems: [String] = []
        for index in rows.indices where rows[index][selectedColumn] == "true" {
            let key = rows[index][sampleColumn] + "\u{1F}" + rows[index][analyteColumn]
            guard let earlier = chosen[key] else { chosen[key] = index; continue }
            let (old, new) = (rows[earlier][plateColumn], rows[index][plateColumn])
            func unselect(_ row: Int, by plate: String) {
                rows[row][selectedColumn] = "false"
                let flags = rows[row][flagsColumn]
                rows[row][flagsColumn] = (flags.isEmpty ? "" : flags + ";") + "SUPERSEDED_BY=\(plate)"
            }
            if supersedes[new] == old {
                unselect(earlier, by: new)
                chosen[key] = index
            } else if supersedes[old] == new {
                unselect(index, by: old)
            } else {
                problems.append("sample \(rows[index][sampleColumn]), \(rows[index][analyteColumn]): selected on plate \(old) and on plate \(new) "
                                + "(a re-assay: say which plate wins with the runs.csv column supersedes)")
            }
        }
        guard problems.isEmpty else { throw ELISARunSheet.Problems(file: "concentrations", problems: problems) }
        return rows
    }

    /// `curves.json`: every plate's curve record.
    public func curvesJSON() throws -> [UInt8] {
        let json = try JSONSerialization.data(withJSONObject: ["curves": analyses.map { $0.curveRecord() }],
                                              options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return Array(json) + [0x0A]
    }

    /// `errors.csv`: one row per failed plate.
    public func errorsCSV() -> [UInt8] {
        csvTable(header: Self.errorsHeader, rows: failures.map { [$0.plate, $0.file, $0.message] })
    }
}
