import Foundation
import Tables

/// Plate reads written as plate readers export them, so that simulated plates go through the same readers as real
/// ones (``PlateRead/read(_:file:)`` reads each back): BioTek Gen5 text (tab-separated, CRLF, one line per plate row
/// and wavelength), Thermo SkanIt 7 workbooks (.xlsx: a `Wavelength: 450 nm` sheet with an `Abs` grid) and the long
/// CSV. ODs are written with 4 decimals, as the readers print them; a well without a number writes its text.
public enum PlateExport: String, Sendable, CaseIterable {
    /// BioTek Gen5 text export (`.txt`): measurement and reference wavelengths on two lines per plate row.
    case gen5 = "gen5"
    /// Thermo SkanIt 7 workbook (`.xlsx`): the measurement wavelength only.
    case skanIt = "skanit"
    /// The long CSV `well,OD450[,OD570]`.
    case longCSV = "csv"

    /// The file extension of the format.
    public var fileExtension: String {
        switch self {
        case .gen5: "txt"
        case .skanIt: "xlsx"
        case .longCSV: "csv"
        }
    }

    /// The export of `read`, a 96-well plate; `date` (`MM/DD/YYYY`) and `time` go in the header where the format
    /// has one.
    public func bytes(_ read: PlateRead, date: String = "01/01/2024", time: String = "12:00:00") throws -> [UInt8] {
        switch self {
        case .gen5: Array(Self.gen5Text(read, date: date, time: time).utf8)
        case .skanIt: try Self.skanItWorkbook(read)
        case .longCSV: Self.longCSVText(read)
        }
    }

    static let rows = ["A", "B", "C", "D", "E", "F", "G", "H"]

    /// A well's measurement (or reference) as the reader prints it: 4 decimals, or the cell's text.
    static func cell(_ reading: PlateRead.Reading?, reference: Bool = false) -> String {
        guard let reading else { return "" }
        if let value = reference ? reading.reference : reading.measurement { return String(format: "%.4f", value) }
        return reading.text ?? ""
    }

    static func gen5Text(_ read: PlateRead, date: String, time: String) -> String {
        let (measurement, reference) = read.wavelengths
        let wavelengths = [measurement] + (reference.map { [$0] } ?? [])
        var lines = ["", "", "Software Version\t3.12.08", "", "", "",
                     "Experiment File Path:\t\(read.name).xpt", "Protocol File Path:\tELISA endpoint.prt", "", "", "",
                     "Plate Number\tPlate 1", "Date\t\(date)", "Time\t\(time)", "Reader Type:\tSynergy H1",
                     "Reader Serial Number:\tFLOWSTUDY-SIM", "Reading Type\tReader", "", "Procedure Details", "",
                     "Plate Type\t96 WELL PLATE (Use plate lid)", "Eject plate on completion\t", "Read\tAbsorbance Endpoint",
                     "\tFull Plate", "\tWavelengths:  " + wavelengths.map(String.init).joined(separator: ", "),
                     "\tRead Speed: Normal,  Delay: 100 msec,  Measurements/Data Point: 8", "", "Results",
                     "\t" + (1...12).map(String.init).joined(separator: "\t")]
        for row in rows {
            for (k, nm) in wavelengths.enumerated() {
                let values = (1...12).map { cell(read.wells["\(row)\($0)"], reference: k == 1) }
                lines.append((k == 0 ? row : "") + "\t" + values.joined(separator: "\t") + "\t\(nm)")
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    static func skanItWorkbook(_ read: PlateRead) throws -> [UInt8] {
        typealias Cell = WorkbookWriter.Cell
        var rows: [[Cell]] = [[.text("Absorbance 1")], [.text("Session name"), .text(read.name)], [],
                              [.text("Wavelength: \(read.wavelengths.measurement) nm")], [.text("Plate 1")],
                              [.text("Abs")] + (1...12).map { .number(Double($0)) }]
        for row in Self.rows {
            rows.append([.text(row)] + (1...12).map { column -> Cell in
                let text = cell(read.wells["\(row)\(column)"])
                return Double(text).map { .number($0) } ?? (text.isEmpty ? .empty : .text(text))
            })
        }
        return try WorkbookWriter.xlsx([WorkbookWriter.Sheet(name: "Absorbance 1_01", rows: rows)])
    }

    static func longCSVText(_ read: PlateRead) -> [UInt8] {
        let (measurement, reference) = read.wavelengths
        let header = ["well", "OD\(measurement)"] + (reference.map { ["OD\($0)"] } ?? [])
        let body = rows.flatMap { row in (1...12).map { column -> [String] in
            let reading = read.wells["\(row)\(column)"]
            return ["\(row)\(column)", cell(reading)] + (reference == nil ? [] : [cell(reading, reference: true)])
        } }
        return csvTable(header: header, rows: body)
    }
}
