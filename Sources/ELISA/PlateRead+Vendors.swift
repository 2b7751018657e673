import Tables
import Foundation

extension PlateRead {
    /// Reads any supported export, detecting its format from the content: the long CSV, BioTek Gen5 text,
    /// BMG MARS CSV, SoftMax Pro plate-section text (UTF-16 or ASCII), or an .xlsx workbook (Tecan Magellan,
    /// Tecan i-control, Thermo SkanIt). A file with several plates gives `<file stem>#<n>`.
    public static func read(contentsOf path: String) throws -> [PlateRead] {
        let bytes: [UInt8]
        do {
            bytes = try InputFile.bytes(path)
        } catch let error as TablesError {
            throw ELISAError(.unreadableFile, file: path, "expected \(error.expected), found \(error.found)")
        }
        return try read(Data(bytes), file: path)
    }

    /// Reads an export held in memory (`file` names it in errors and plate names).
    public static func read(_ data: Data, file: String) throws -> [PlateRead] {
        let bytes = [UInt8](data)
        let stemName = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return try workbook(Workbook(data, file: file), file: file, stem: stemName)
        }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            throw ELISAError(.unrecognisedFormat, file: file, place: "byte 0",
                             "expected a plate export; found an Excel 97–2003 workbook (.xls), which FlowStudy does not read: save it as .xlsx")
        }
        let text = decodeText(bytes)
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
        let firstLine = lines.first { !$0.trimmingCharacters(in: " ").isEmpty } ?? ""
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        if firstLine.hasPrefix("##BLOCKS") { return try softMax(lines, file: file, stem: stem) }
        // The long CSV, its header cells possibly quoted (`"well","OD450"`).
        if firstLine.replacing("\"", with: "").trimmingCharacters(in: " ").lowercased().hasPrefix("well,") { return [try longCSV(text, file: file)] }
        if lines.contains(where: { $0.hasPrefix("Software Version") }) && lines.contains(where: { $0.trimmingCharacters(in: " ") == "Results" }) {
            return [try gen5(lines, file: file, stem: stem)]
        }
        if lines.contains(where: { $0.hasPrefix("Raw Data") }) { return [try mars(text, file: file, stem: stem)] }
        // Control characters (binary data) are shown as '?', so the message never drives a terminal.
        let shown = String(String.UnicodeScalarView(firstLine.prefix(60).unicodeScalars.map { scalar in
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) ? "?" : scalar  // C0, DEL and C1 (0x9B is CSI)
        }))
        throw ELISAError(.unrecognisedFormat, file: file, place: "line 1",
                         "expected a plate export (well,OD… CSV, BioTek Gen5, BMG MARS or SoftMax Pro text, or an .xlsx workbook from Tecan Magellan, Tecan i-control or Thermo SkanIt), found '\(shown)'")
    }

    /// UTF-16 (by byte-order mark), else UTF-8, else Latin-1.
    static func decodeText(_ bytes: [UInt8]) -> String {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let littleEndian = bytes[0] == 0xFF
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2)
            var i = 2
            while i + 1 < bytes.count {
                units.append(littleEndian ? UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 : UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]))
                i += 2
            }
            return String(decoding: units, as: UTF16.self)
        }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        if let text = String(validating: body, as: UTF8.self) { return text }
        return String(String.UnicodeScalarView(body.map { Unicode.Scalar($0) }))
    }

    /// Builds a plate from per-wavelength well values: the lowest wavelength is the measurement, the next the
    /// reference (none for a reduced plate, whose values are already corrected).
    static func assemble(name: String, byWavelength: [Int: [String: String]], reduced: Bool = false, label: String = "") -> PlateRead {
        let nanometres = byWavelength.keys.sorted()
        let measurement = nanometres.first ?? 0
        let reference = !reduced && nanometres.count > 1 ? nanometres[1] : nil
        var wells: [String: Reading] = [:]
        for (well, cell) in byWavelength[measurement] ?? [:] {
            wells[well] = Reading(measurementCell: cell, referenceCell: reference.map { byWavelength[$0]?[well] ?? "" })
        }
        return PlateRead(name: name, wavelengths: (measurement, reference), wells: wells, label: label)
    }

    /// Spreadsheet exports: Tecan Magellan (a well list), Tecan i-control (kinetic or endpoint blocks) and Thermo
    /// SkanIt (an `Abs` grid on the first absorbance sheet). Wavelengths come from the file's own records
    /// (Magellan `Measurement wavelength: 485 nm`, i-control's `Mode`/`Wavelength` actions, SkanIt
    /// `Wavelength: 450 nm`); two absorbance labels read together are one plate, the lower wavelength the
    /// measurement and the higher the reference.
    static func workbook(_ book: Workbook, file: String, stem: String) throws -> [PlateRead] {
        func named(_ plates: [PlateRead]) -> [PlateRead] {
            guard plates.count > 1 else { return plates.map { var p = $0; p.name = stem; return p } }
            return plates.enumerated().map { var p = $1; p.name = "\(stem)#\($0 + 1)"; return p }
        }
        for sheet in book.sheets {
            let header = sheet.rows.first ?? []
            // Tecan Magellan: a list keyed by well name, one column per label.
            if let wellColumn = header.firstIndex(of: "Well positions") {
                let valueColumns = header.indices.filter { $0 != wellColumn && (header[$0].hasPrefix("Label") || header[$0] == "Raw data") }
                // Labels × rows is the work below: keep it within the grid limit, so that time stays linear.
                guard valueColumns.count * sheet.rows.count <= Workbook.Limits.gridCells else {
                    throw ELISAError(.limitExceeded, file: file, place: "sheet \(sheet.name)",
                                     "expected at most \(Workbook.Limits.gridCells) label cells, found \(valueColumns.count) labels × \(sheet.rows.count) rows")
                }
                let nanometres = sheet.rows.compactMap { row in row.first.flatMap { nanometresAfter("Measurement wavelength:", in: $0) } }
                var labels: [Label] = []
                for (k, column) in valueColumns.enumerated() {
                    var wells: [String: String] = [:]
                    for row in sheet.rows.dropFirst() where wellColumn < row.count {
                        guard let well = Well.normalise(row[wellColumn]) else { continue }
                        wells[well] = column < row.count ? row[column] : ""
                    }
                    let nm = nanometres.count == valueColumns.count ? nanometres[k] : 0
                    if !wells.isEmpty { labels.append(Label(title: header[column], absorbance: true, nanometres: nm, cycles: [wells])) }
                }
                guard !labels.isEmpty else { throw ELISAError(.unrecognisedFormat, file: file, place: "sheet \(sheet.name)", "expected wells under 'Well positions'") }
                return named(plates(labels, stem: stem))
            }
            // Tecan i-control: per label, 'Cycle Nr.' then Time and Temp lines, then one line per well (kinetic), or
            // a '<>' matrix (endpoint). The labels follow the order of the Mode blocks in the list of actions.
            if sheet.cell(0, 0).hasPrefix("Application: Tecan i-control") {
                var actions: [(absorbance: Bool, nanometres: Int)] = []
                var labels: [Label] = []
                var r = 0
                while r < sheet.rows.count {
                    let first = sheet.cell(r, 0)
                    if first == "Mode" {
                        actions.append((sheet.cell(r, 4).hasPrefix("Absorbance"), 0))
                        r += 1
                    } else if (first == "Wavelength" || first == "Emission Wavelength"), let last = actions.indices.last, actions[last].nanometres == 0 {
                        actions[last].nanometres = Int(sheet.cell(r, 4)) ?? 0
                        r += 1
                    } else if first == "Cycle Nr." {
                        let cycles = sheet.rows[r].dropFirst().filter { !$0.isEmpty }.count
                        var byCycle = [[String: String]](repeating: [:], count: cycles)
                        var w = r + 1
                        while w < sheet.rows.count, !sheet.cell(w, 0).isEmpty {
                            if let well = Well.normalise(sheet.cell(w, 0)) {
                                // Only the cycles this row holds (a cycle past its last cell lacks the well): linear time.
                                for k in 0..<min(cycles, max(sheet.rows[w].count - 1, 0)) { byCycle[k][well] = sheet.cell(w, k + 1) }
                            }
                            w += 1
                        }
                        labels.append(label(title: r > 0 ? sheet.cell(r - 1, 0) : "", actions: actions, index: labels.count, cycles: byCycle))
                        r = w
                    } else if first == "<>" {
                        var wells: [String: String] = [:]
                        var w = r + 1
                        while w < sheet.rows.count, let row = sheet.cell(w, 0).first, sheet.cell(w, 0).count == 1, ("A"..."P").contains(row) {
                            for column in 1..<max(sheet.rows[w].count, 1) {
                                if let well = Well.normalise("\(row)\(sheet.cell(r, column))") { wells[well] = sheet.cell(w, column) }
                            }
                            w += 1
                        }
                        labels.append(label(title: r > 0 ? sheet.cell(r - 1, 0) : "", actions: actions, index: labels.count, cycles: [wells]))
                        r = w
                    } else {
                        r += 1
                    }
                }
                labels.removeAll { $0.cycles.allSatisfy(\.isEmpty) }
                guard !labels.isEmpty else { throw ELISAError(.unrecognisedFormat, file: file, place: "sheet \(sheet.name)", "expected kinetic or endpoint blocks") }
                return named(plates(labels, stem: stem))
            }
            // Thermo SkanIt: 'Wavelength: 450 nm', then a grid whose corner reads 'Abs'.
            if let corner = sheet.rows.firstIndex(where: { $0.first == "Abs" }) {
                let nm = sheet.rows.compactMap { row in row.first.flatMap { nanometresAfter("Wavelength:", in: $0) } }.first ?? 0
                var wells: [String: String] = [:]
                var r = corner + 1
                while r < sheet.rows.count, sheet.cell(r, 0).count == 1, let row = sheet.cell(r, 0).first, ("A"..."P").contains(row) {
                    for column in 1..<max(min(sheet.rows[corner].count, sheet.rows[r].count), 1) {
                        // Columns are written as floats (1.0 … 12.0).
                        guard let number = Double(sheet.cell(corner, column)), number == number.rounded(), (1...24).contains(number),
                              let well = Well.normalise("\(row)\(Int(number))") else { continue }
                        wells[well] = sheet.cell(r, column)
                    }
                    r += 1
                }
                guard !wells.isEmpty else { throw ELISAError(.unrecognisedFormat, file: file, place: "sheet \(sheet.name)", "expected plate rows under 'Abs'") }
                return [assemble(name: stem, byWavelength: [nm: wells])]
            }
        }
        throw ELISAError(.unrecognisedFormat, file: file, "expected a Tecan Magellan, Tecan i-control or Thermo SkanIt workbook")
    }

    /// One label (one read) of a Tecan workbook: its title, mode and wavelength, and its wells per cycle.
    struct Label {
        var title: String
        var absorbance: Bool
        var nanometres: Int
        var cycles: [[String: String]]
    }

    /// The i-control label at `index`, with the mode and wavelength of the matching action (0 nm when unknown).
    static func label(title: String, actions: [(absorbance: Bool, nanometres: Int)], index: Int, cycles: [[String: String]]) -> Label {
        let action = index < actions.count ? actions[index] : (absorbance: true, nanometres: 0)
        return Label(title: title, absorbance: action.absorbance, nanometres: action.nanometres, cycles: cycles)
    }

    /// Plates from Tecan labels: two absorbance labels at different known wavelengths with the same cycles are
    /// paired (measurement and reference); otherwise each label and cycle is a plate of its own.
    static func plates(_ labels: [Label], stem: String) -> [PlateRead] {
        if labels.count == 2, labels.allSatisfy(\.absorbance), labels[0].nanometres > 0, labels[1].nanometres > 0,
           labels[0].nanometres != labels[1].nanometres, labels[0].cycles.count == labels[1].cycles.count {
            let title = "\(labels[0].title)/\(labels[1].title) \(labels[0].nanometres)/\(labels[1].nanometres) nm"
            return labels[0].cycles.indices.map { k in
                assemble(name: stem, byWavelength: [labels[0].nanometres: labels[0].cycles[k], labels[1].nanometres: labels[1].cycles[k]],
                         label: labels[0].cycles.count > 1 ? "\(title), cycle \(k + 1)" : title)
            }
        }
        return labels.flatMap { label in
            label.cycles.enumerated().filter { !$0.element.isEmpty }.map { k, wells in
                let title = "\(label.title) \(label.nanometres) nm"
                return assemble(name: stem, byWavelength: [label.nanometres: wells], label: label.cycles.count > 1 ? "\(title), cycle \(k + 1)" : title)
            }
        }
    }

    /// `485` from `Measurement wavelength: 485 nm` (with `prefix` "Measurement wavelength:"); nil otherwise.
    static func nanometresAfter(_ prefix: String, in text: String) -> Int? {
        guard text.hasPrefix(prefix) else { return nil }
        return text.dropFirst(prefix.count).split(separator: " ").first.flatMap { Int($0) }
    }

    /// BioTek Gen5: after `Results`, a header `\t1…12`; each plate row starts with its letter, continuation
    /// lines have an empty first cell, and the last cell labels the read (`abs450:450`, `280`).
    static func gen5(_ lines: [String], file: String, stem: String) throws -> PlateRead {
        guard let results = lines.firstIndex(where: { $0.trimmingCharacters(in: " ") == "Results" }) else {
            throw ELISAError(.unrecognisedFormat, file: file, "expected a Results block")
        }
        var byWavelength: [Int: [String: String]] = [:]
        var row: Character?
        var columns = 12
        for (offset, line) in lines[(results + 1)...].enumerated() {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if cells.count > 1, cells[0].isEmpty, cells[1] == "1" {
                columns = cells.dropFirst().filter { Int($0) != nil }.count
                guard columns <= 24 else {
                    throw ELISAError(.badWell, file: file, place: "line \(results + 2 + offset)", "expected at most 24 plate columns, found \(columns)")
                }
                continue
            }
            guard cells.count >= columns + 2 else { if line.trimmingCharacters(in: " ").isEmpty && row != nil { break } else { continue } }
            if let letter = cells[0].first, cells[0].count == 1, ("A"..."P").contains(letter) { row = letter } else if !cells[0].isEmpty { continue }
            guard let row else { continue }
            let label = cells[columns + 1]
            let wavelengthText = label.split(separator: ":").last.map(String.init) ?? label
            guard let nm = Int(wavelengthText.trimmingCharacters(in: " ")), (300...1000).contains(nm) || (200...1000).contains(nm) else { continue }
            if label.lowercased().contains("blank") { continue }  // Gen5's own blanked copy
            for column in 1...columns {
                let well = "\(row)\(column)"
                if byWavelength[nm]?[well] == nil { byWavelength[nm, default: [:]][well] = cells[column] }
            }
            _ = offset
        }
        guard !byWavelength.isEmpty else { throw ELISAError(.unrecognisedFormat, file: file, place: "line \(results + 1)", "expected plate rows after Results") }
        return assemble(name: stem, byWavelength: byWavelength)
    }

    /// BMG MARS CSV: `Raw Data (450 1)` titles, then `,1,…,12` and rows `A,v1,…`. The whole file is CSV (read with
    /// ``CSVTable``: quoted cells, CRLF, a byte-order mark); its free-text lines before the grids are skipped.
    static func mars(_ text: String, file: String, stem: String) throws -> PlateRead {
        let table = try ELISAError.table(text, file: file, code: .unrecognisedFormat)
        var byWavelength: [Int: [String: String]] = [:]
        var wavelength: Int?
        for (row, line) in zip([table.header] + table.rows, [1] + table.lines) {
            let cells = row.map { $0.trimmingCharacters(in: " ") }
            if let title = cells.first, title.hasPrefix("Raw Data") {
                let inside = title.split(separator: "(").last?.split(separator: ")").first ?? ""
                wavelength = inside.split(separator: " ").first.flatMap { Int($0) }
                continue
            }
            guard let nm = wavelength else { continue }
            guard let letter = cells.first, letter.count == 1, let plateRow = letter.first, ("A"..."P").contains(plateRow), cells.count >= 2 else { continue }
            for (column, cell) in cells.dropFirst().enumerated() where !cell.isEmpty {
                guard let well = Well.normalise("\(plateRow)\(column + 1)") else {
                    throw ELISAError(.badWell, file: file, place: "line \(line)", "expected at most 24 plate columns, found a value in column \(column + 1)")
                }
                byWavelength[nm, default: [:]][well] = cell
            }
        }
        guard !byWavelength.isEmpty else { throw ELISAError(.unrecognisedFormat, file: file, "expected a Raw Data block with a plate grid") }
        return assemble(name: stem, byWavelength: byWavelength)
    }

    /// SoftMax Pro plate-section export: `Plate:` blocks in PlateFormat (8 lines of 12 values per wavelength)
    /// or TimeFormat (a line of 96 values per wavelength). Reduced plates hold OD450 − ODref already.
    static func softMax(_ lines: [String], file: String, stem: String) throws -> [PlateRead] {
        var plates: [PlateRead] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            guard line.hasPrefix("Plate:") else { index += 1; continue }
            let descriptor = line.split(separator: "\t", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: " ") }
            guard descriptor.count > 15 else { throw ELISAError(.unrecognisedFormat, file: file, place: "line \(index + 1)", "expected a Plate: descriptor") }
            let format = descriptor[3], reduced = descriptor[6] == "Reduced"
            let nanometres = descriptor[15].split(separator: " ").compactMap { Int($0) }
            guard !nanometres.isEmpty else { throw ELISAError(.unrecognisedFormat, file: file, place: "line \(index + 1)", "expected wavelengths") }
            var byWavelength: [Int: [String: String]] = [:]
            // The plate's size from its well count (PlateFormat lines hold one value per column).
            let wellCount = descriptor.count > 18 && !descriptor[18].isEmpty ? descriptor[18] : "96"
            let sizes = ["6": (2, 3), "12": (3, 4), "24": (4, 6), "48": (6, 8), "96": (8, 12), "384": (16, 24)]
            guard let (rowCount, columnCount) = sizes[wellCount] else {
                throw ELISAError(.unrecognisedFormat, file: file, place: "line \(index + 1)", "expected a well count of 6, 12, 24, 48, 96 or 384, found '\(wellCount)'")
            }
            let rows = "ABCDEFGHIJKLMNOP".prefix(rowCount).map(String.init)
            // The block's lines up to ~End; a second header starts SoftMax's own reduced copy, which is skipped.
            let blockEnd = lines[(index + 1)...].firstIndex { $0.hasPrefix("~End") || $0.hasPrefix("Plate:") } ?? lines.count
            let block = Array(lines[(index + 1)..<blockEnd])
            func cells(_ line: String) -> [String] { line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
            guard let header = block.first else {
                throw ELISAError(.unrecognisedFormat, file: file, place: "line \(index + 2)", "expected the plate's header line")
            }
            let dataLines = block.dropFirst().prefix { line in
                let c = cells(line)
                return !(c.count > 2 && (Well.normalise(c[2]) != nil || c[2].trimmingCharacters(in: " ") == "1"))
            }.filter { !$0.trimmingCharacters(in: " ").isEmpty }
            let count = reduced ? 1 : nanometres.count
            if format == "TimeFormat" {
                let wells = cells(header).dropFirst(2).map { Well.normalise($0) }
                guard dataLines.count >= count else {
                    throw ELISAError(.unrecognisedFormat, file: file, place: "line \(index + 1)", "expected \(count) line(s) of values, found \(dataLines.count)")
                }
                for k in 0..<count {
                    let values = cells(dataLines[k])
                    // Only as far as both the header and this line go: linear in the input.
                    for j in 0..<max(min(wells.count, values.count - 2), 0) {
                        if let name = wells[j] { byWavelength[nanometres[k], default: [:]][name] = values[2 + j] }
                    }
                }
            } else {
                guard dataLines.count >= rowCount else {
                    throw ELISAError(.unrecognisedFormat, file: file, place: "line \(index + 1)", "expected \(rowCount) plate rows, found \(dataLines.count)")
                }
                for r in 0..<rowCount {
                    let values = cells(dataLines[r])
                    for k in 0..<min(count, values.count / (columnCount + 1) + 1) {
                        for column in 1...columnCount {
                            let position = 1 + k * (columnCount + 1) + column
                            if position < values.count { byWavelength[nanometres[k], default: [:]]["\(rows[r])\(column)"] = values[position] }
                        }
                    }
                }
            }
            guard !byWavelength.isEmpty else {
                throw ELISAError(.unrecognisedFormat, file: file, place: "line \(index + 1)", "expected plate values")
            }
            let name = "\(stem)#\(plates.count + 1)"
            plates.append(assemble(name: name, byWavelength: byWavelength, reduced: reduced))
            index += 1
        }
        guard !plates.isEmpty else { throw ELISAError(.unrecognisedFormat, file: file, "expected at least one Plate: block") }
        if plates.count == 1 { plates[0].name = stem }
        return plates
    }
}
