import Tables
import Batch
import Foundation
import Gating

/// A per-patient marker report from a batch's `markers.csv`: for each marker, MFI, ΔMFI (versus its control)
/// and % positive, untreated beside ruxolitinib-treated, with event counts and QC flags.
public struct PatientReport: Sendable {
    /// One marker in one condition.
    public struct Cell: Sendable, Equatable {
        /// The sample the cell comes from.
        public var sampleID: String
        /// Events in the population.
        public var events: String
        /// MFI as in markers.csv.
        public var mfi: String
        /// ΔMFI as in markers.csv.
        public var deltaMFI: String
        /// % positive as in markers.csv.
        public var percentPositive: String
        /// The threshold used.
        public var threshold: String
        /// QC flags of the readout.
        public var flags: String
    }

    /// The subject reported on.
    public var subject: String
    /// Conditions in display order: each untreated condition before its ruxolitinib partner.
    public var conditions: [String]
    /// Markers in batch (template) order.
    public var markers: [String]
    /// population per marker.
    public var populations: [String: String]
    /// cells[marker][condition]
    public var cells: [String: [String: Cell]]
    /// QC flags per sample from qc.csv.
    public var qcFlags: [String: String]

    /// Errors building a report.
    public struct ReportError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Reads `markers.csv` (and `qc.csv` when present) of a batch folder for one subject.
    public init(batch folder: String, subject: String) throws {
        let markersPath = (folder as NSString).appendingPathComponent("markers.csv")
        guard let text = try? InputFile.text(markersPath) else {
            throw ReportError(description: "\(markersPath): expected a batch's markers.csv")
        }
        let table: CSVTable
        do { table = try CSVTable(text) } catch { throw ReportError(description: "\(markersPath): \(error)") }
        guard table.header == MarkerReadout.header else {
            throw ReportError(description: "\(markersPath): header: expected \(MarkerReadout.header.joined(separator: ","))")
        }
        if let short = table.rows.indices.first(where: { table.rows[$0].count != table.header.count }) {
            throw ReportError(description: "\(markersPath): line \(table.lines[short]): expected \(table.header.count) cells, found \(table.rows[short].count)")
        }
        let rows = table.rows.map { Dictionary(uniqueKeysWithValues: zip(table.header, $0)) }.filter { $0["subject_id"] == subject }
        guard !rows.isEmpty else {
            let subjects = Set(table.rows.map { $0[1] }).sorted()
            throw ReportError(description: "\(markersPath): no rows for subject '\(subject)' (subjects: \(subjects.joined(separator: ", ")))")
        }
        self.subject = subject
        var markers: [String] = []
        var populations: [String: String] = [:]
        var cells: [String: [String: Cell]] = [:]
        var conditions: [String] = []
        for row in rows {
            // Every row has every column (checked above).
            func cell(_ name: String) -> String { row[name] ?? "" }
            let marker = cell("marker"), condition = cell("condition")
            if !markers.contains(marker) { markers.append(marker) }
            if !conditions.contains(condition) { conditions.append(condition) }
            populations[marker] = cell("population")
            cells[marker, default: [:]][condition] = Cell(sampleID: cell("sample_id"), events: cell("n_events"), mfi: cell("mfi"),
                                                          deltaMFI: cell("delta_mfi"), percentPositive: cell("percent_positive"),
                                                          threshold: cell("threshold"), flags: cell("flags"))
        }
        self.markers = markers
        self.populations = populations
        self.cells = cells
        self.conditions = Self.displayOrder(conditions)
        var qcFlags: [String: String] = [:]
        if let qc = try? InputFile.text((folder as NSString).appendingPathComponent("qc.csv")),
           let qcTable = try? CSVTable(qc),
           let flagsColumn = qcTable.header.firstIndex(of: "flags") {
            for row in qcTable.rows where row.count > flagsColumn { qcFlags[row[0]] = row[flagsColumn] }
        }
        self.qcFlags = qcFlags
    }

    /// Untreated conditions first, each followed by its ruxolitinib partner (`UT`, `RUX`; `SERUM`, `SERUM_RUX`).
    static func displayOrder(_ conditions: [String]) -> [String] {
        let treated = conditions.filter { $0.uppercased().contains("RUX") }
        var order: [String] = []
        for condition in conditions.sorted() where !treated.contains(condition) {
            order.append(condition)
            for partner in treated.sorted() where !order.contains(partner) &&
                (partner.uppercased() == condition.uppercased() + "_RUX" || (condition.uppercased() == "UT" && partner.uppercased() == "RUX")) {
                order.append(partner)
            }
        }
        return order + treated.sorted().filter { !order.contains($0) }
    }

    /// Numbers shown with 4 significant digits (the CSV keeps full precision).
    static func short(_ text: String) -> String {
        guard let value = Double(text), value.isFinite else { return text.isEmpty ? "–" : text }
        if abs(value) >= 1000 { return String(format: "%.0f", value) }
        return String(format: "%.4g", value)
    }

    /// The report as Markdown.
    public func markdown() -> String {
        var lines = ["# Marker report — \(subject)", "",
                     "MFI = median of compensated, untransformed values on the population; ΔMFI = MFI − control MFI; % positive = events above the control-derived threshold. Full precision in markers.csv.", ""]
        var header = ["marker", "population"]
        for condition in conditions { header += ["\(condition) MFI", "\(condition) ΔMFI", "\(condition) % pos", "\(condition) n"] }
        header.append("flags")
        lines.append("| " + header.joined(separator: " | ") + " |")
        lines.append("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
        for marker in markers {
            var row = [marker, populations[marker] ?? ""]
            var flags: [String] = []
            for condition in conditions {
                if let cell = cells[marker]?[condition] {
                    row += [Self.short(cell.mfi), Self.short(cell.deltaMFI), Self.short(cell.percentPositive), cell.events]
                    if !cell.flags.isEmpty { flags.append("\(condition): \(cell.flags)") }
                } else {
                    row += ["–", "–", "–", "–"]
                }
            }
            row.append(flags.joined(separator: "; "))
            lines.append("| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |")
        }
        lines.append("")
        lines.append("## Samples")
        lines.append("")
        for condition in conditions {
            let ids = Set(markers.compactMap { cells[$0]?[condition]?.sampleID }).sorted()
            for id in ids {
                let qc = qcFlags[id] ?? ""
                lines.append("- \(condition): \(id)" + (qc.isEmpty ? "" : " — QC: \(qc)"))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as a self-contained HTML page.
    public func html() -> String {
        func e(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Marker report — \(e(subject))</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
        table { border-collapse: collapse; }
        th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }
        th { background: #f3f3f3; } td.name { text-align: left; font-weight: 600; }
        td.flags { text-align: left; color: #a33; font-size: 0.9em; }
        caption { text-align: left; margin-bottom: 0.5em; color: #555; }
        </style></head><body>
        <h1>Marker report — \(e(subject))</h1>
        <table>
        <caption>MFI = median of compensated, untransformed values; ΔMFI = MFI − control MFI; % positive above the control-derived threshold.</caption>
        <thead><tr><th rowspan="2">marker</th><th rowspan="2">population</th>
        """
        for condition in conditions { html += "<th colspan=\"4\">\(e(condition))</th>" }
        html += "<th rowspan=\"2\">flags</th></tr>\n<tr>"
        for _ in conditions { html += "<th>MFI</th><th>ΔMFI</th><th>% pos</th><th>n</th>" }
        html += "</tr></thead>\n<tbody>\n"
        for marker in markers {
            html += "<tr><td class=\"name\">\(e(marker))</td><td class=\"name\">\(e(populations[marker] ?? ""))</td>"
            var flags: [String] = []
            for condition in conditions {
                if let cell = cells[marker]?[condition] {
                    html += "<td title=\"\(e(cell.mfi))\">\(e(Self.short(cell.mfi)))</td><td title=\"\(e(cell.deltaMFI))\">\(e(Self.short(cell.deltaMFI)))</td>"
                    html += "<td title=\"\(e(cell.percentPositive))\">\(e(Self.short(cell.percentPositive)))</td><td>\(e(cell.events))</td>"
                    if !cell.flags.isEmpty { flags.append("\(condition): \(cell.flags)") }
                } else {
                    html += "<td>–</td><td>–</td><td>–</td><td>–</td>"
                }
            }
            html += "<td class=\"flags\">\(e(flags.joined(separator: "; ")))</td></tr>\n"
        }
        html += "</tbody></table>\n<h2>Samples</h2>\n<ul>\n"
        for condition in conditions {
            for id in Set(markers.compactMap { cells[$0]?[condition]?.sampleID }).sorted() {
                let qc = qcFlags[id] ?? ""
                html += "<li>\(e(condition)): \(e(id))\(qc.isEmpty ? "" : " — QC: " + e(qc))</li>\n"
            }
        }
        html += "</ul>\n</body></html>\n"
        return html
    }
}
