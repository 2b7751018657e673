import Foundation
import Tables
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An XMLParser delegate that hands each element's start (local name, attributes by local name) and end (local
/// name, the text directly inside it) to closures; the first error a closure throws stops the parse.
final class PartReader: NSObject, XMLParserDelegate {
    private let start: (String, [String: String]) throws -> Void
    private let end: (String, String) throws -> Void
    private var text = ""
    /// The error that stopped the parse.
    private(set) var failure: Error?

    init(start: @escaping (String, [String: String]) throws -> Void, end: @escaping (String, String) throws -> Void) {
        self.start = start
        self.end = end
    }

    private static func local(_ name: String) -> String {
        name.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? name
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        text = ""
        var local: [String: String] = [:]
        for (key, value) in attributes { local[Self.local(key)] = value }
        run(parser) { try start(Self.local(elementName), local) }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        let inside = text
        text = ""
        run(parser) { try end(Self.local(elementName), inside) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    private func run(_ parser: XMLParser, _ body: () throws -> Void) {
        guard failure == nil else { return }
        do { try body() } catch {
            failure = error
            parser.abortParsing()
        }
    }
}

/// The cells of an .xlsx workbook, sheet by sheet, as text (numbers in their shortest form): enough to find
/// a plate grid or a well list, as spreadsheet exports lay them out.
///
/// A workbook is untrusted input: every part is inflated under a cap checked while inflating, and the cell grid
/// has structural limits (``Limits``), so memory stays within a small multiple of the inflated size and a
/// hostile file gets a typed error naming the file, the part or sheet and the cell instead of a trap or a hang.
struct Workbook {
    /// Documented limits (docs/elisa.md). Real plate exports are far below them: the largest bundled worksheet
    /// inflates to 1.3 MB with 327 rows and 991 columns.
    enum Limits {
        /// Inflated bytes of one part (a worksheet, the shared strings, the workbook), checked while inflating.
        static let partBytes = 32 << 20
        /// Inflated bytes of all parts read from one file.
        static let totalBytes = 64 << 20
        /// Rows of a sheet (Excel's own limit).
        static let rows = 1_048_576
        /// Columns of a sheet (Excel's own limit, XFD).
        static let columns = 16_384
        /// Entries of the shared-string table.
        static let sharedStrings = 1_000_000
        /// Cells of all the sheets' grids, counting the empty cells before each row's last used one (the memory
        /// the grids take; a lone cell XFD1048576 would otherwise cost 17 billion). Counted over the workbook, as
        /// every sheet is kept: many sheets may name one worksheet part.
        static let gridCells = 4_000_000
        /// Bytes of text in all the cells read. A shared string is stored once but placed in every cell that
        /// names it, and each placed text is trimmed and compared later, so a few kB of ZIP could otherwise
        /// cost gigabytes of work (one 10 MB string in a million cells).
        static let cellTextBytes = 64 << 20
    }

    struct Sheet {
        var name: String
        /// rows[r][c], 0-based; missing cells are "".
        var rows: [[String]]

        func cell(_ r: Int, _ c: Int) -> String { r < rows.count && c < rows[r].count ? rows[r][c] : "" }
    }

    var sheets: [Sheet]

    init(_ data: Data, file: String) throws {
        // The archive is read by ZipArchive (system zlib), not ZIPFoundation: see ZipArchive for the defects
        // fuzzing found there.
        let archive = try ZipArchive(data, file: file)
        var budget = Limits.totalBytes
        func entry(_ path: String) throws -> Data? {
            try archive.extract(path, limit: Limits.partBytes, budget: &budget) { what in
                ELISAError(.limitExceeded, file: file, place: "part \(path)",
                           "expected \(what) of at most \(Limits.partBytes >> 20) MiB per part and \(Limits.totalBytes >> 20) MiB in all once inflated")
            }
        }
        /// Streams a part through `XMLParser` (FoundationXML's XMLDocument leaks its node wrappers on Linux, a few
        /// MB per worksheet, and holds the whole tree): `start` sees each element with its attributes, `end` each
        /// element with the text directly inside it. Names are local (prefixes dropped). False when the part is absent.
        func stream(_ path: String, start: @escaping (String, [String: String]) throws -> Void = { _, _ in },
                    end: @escaping (String, String) throws -> Void = { _, _ in }) throws -> Bool {
            guard let data = try entry(path) else { return false }
            guard Workbook.startsWithContent(data) else {
                throw ELISAError(.unrecognisedFormat, file: file, place: "part \(path)", "expected XML, found an empty part or one starting with a NUL")
            }
            // Screened first: libxml2 would otherwise fetch external DTDs and expand entities (see UntrustedXML).
            var bytes = Array(data)
            do {
                try UntrustedXML.check(bytes, file: file, part: path)
            } catch let error as TablesError {
                throw ELISAError(.unsafeXML, file: file, place: "part \(path)", "expected \(error.expected), found \(error.found)")
            }
            // FoundationXML's XMLParser traps on a name that is not valid UTF-8 (`<\u{FF}ra>`; found by fuzzing), so
            // a part must be valid UTF-8, as Excel and the readers' software write them (or UTF-16 with its mark).
            let utf16 = data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF])
            guard utf16 || String(validating: data, as: UTF8.self) != nil else {
                throw ELISAError(.unrecognisedFormat, file: file, place: "part \(path)", "expected XML in UTF-8, found bytes that are not UTF-8")
            }
            let reader = PartReader(start: start, end: end)
            // XMLParser dereferences a null pointer for an instruction without data (`<?name?>`; found by fuzzing).
            UntrustedXML.blankProcessingInstructions(in: &bytes)
            let parser = XMLParser(data: Data(bytes))
            parser.delegate = reader
            let parsed = parser.parse()
            if let failure = reader.failure { throw failure }
            guard parsed else {
                throw ELISAError(.unrecognisedFormat, file: file, place: "part \(path), line \(parser.lineNumber)",
                                 "expected well-formed XML: \(parser.parserError.map { "\($0)" } ?? "parse error")")
            }
            return true
        }
        // Shared strings: each <si> is the concatenation of its <t> texts.
        var strings: [String] = []
        var item: String?
        _ = try stream("xl/sharedStrings.xml", start: { name, _ in
            if name == "si" { item = "" }
        }, end: { name, text in
            if name == "t", item != nil { item? += text }
            if name == "si", let done = item {
                guard strings.count < Limits.sharedStrings else {
                    throw ELISAError(.limitExceeded, file: file, place: "part xl/sharedStrings.xml",
                                     "expected at most \(Limits.sharedStrings) shared strings")
                }
                strings.append(done)
                item = nil
            }
        })
        var declared: [(name: String, id: String?)] = []
        guard try stream("xl/workbook.xml", start: { name, attributes in
            if name == "sheet" { declared.append((attributes["name"] ?? "Sheet\(declared.count + 1)", attributes["id"])) }
        }) else {
            throw ELISAError(.unrecognisedFormat, file: file, "expected xl/workbook.xml in the workbook")
        }
        var targets: [String: String] = [:]
        _ = try stream("xl/_rels/workbook.xml.rels", start: { name, attributes in
            if name == "Relationship", let id = attributes["Id"], let target = attributes["Target"] { targets[id] = target }
        })
        sheets = []
        var gridCells = 0, cellTextBytes = 0
        for (index, sheet) in declared.enumerated() {
            var target = sheet.id.flatMap { targets[$0] } ?? "worksheets/sheet\(index + 1).xml"
            if target.hasPrefix("/") { target.removeFirst() } else { target = "xl/" + target }
            var rows: [[String]] = []
            var cell: (reference: String, type: String?)?
            var value = "", inline = ""
            let found = try stream(target, start: { name, attributes in
                if name == "c" {
                    cell = attributes["r"].map { ($0, attributes["t"]) }
                    value = ""
                    inline = ""
                }
            }, end: { name, text in
                switch name {
                case "v": value = text
                case "t": inline += text
                case "c":
                    guard let (reference, type) = cell else { return }
                    cell = nil
                    let place = "sheet \(sheet.name), cell \(reference.prefix(20))"
                    guard let (r, col) = Workbook.position(reference) else {
                        throw ELISAError(.badValue, file: file, place: place,
                                         "expected a cell reference A1…XFD1048576 (at most \(Limits.columns) columns and \(Limits.rows) rows)")
                    }
                    var text: String
                    switch type {
                    case "s":
                        guard let i = Int(value.trimmingCharacters(in: " ")), strings.indices.contains(i) else {
                            throw ELISAError(.badValue, file: file, place: place,
                                             "expected a shared-string index 0…\(strings.count - 1), found '\(value.prefix(20))'")
                        }
                        text = strings[i]
                    case "inlineStr": text = inline
                    default: text = value
                    }
                    cellTextBytes += text.utf8.count
                    guard cellTextBytes <= Limits.cellTextBytes else {
                        throw ELISAError(.limitExceeded, file: file, place: place,
                                         "expected at most \(Limits.cellTextBytes >> 20) MiB of cell text in the workbook (a shared string counts in every cell that names it)")
                    }
                    if type == nil || type == "n", let number = Double(text) { text = shortestText(number) }
                    // Grow the grid only as far as the cell needs, within the grid limit.
                    let newRows = max(0, r + 1 - rows.count)
                    let newCells = newRows + max(0, col + 1 - (r < rows.count ? rows[r].count : 0))
                    guard gridCells + newCells <= Limits.gridCells else {
                        throw ELISAError(.limitExceeded, file: file, place: place,
                                         "expected sheet grids of at most \(Limits.gridCells) cells in all (counting the empty cells before each row's last)")
                    }
                    gridCells += newCells
                    if newRows > 0 { rows.append(contentsOf: repeatElement([], count: newRows)) }
                    if rows[r].count <= col { rows[r].append(contentsOf: repeatElement("", count: col + 1 - rows[r].count)) }
                    rows[r][col] = text
                default: break
                }
            })
            if found { sheets.append(Sheet(name: sheet.name, rows: rows)) }
        }
    }

    /// Whether XML data has a first character that is not NUL (after a byte-order mark). FoundationXML's
    /// XMLDocument segfaulted on such parts (an empty part, or one starting with NUL; found by fuzzing); the
    /// streaming reader copes, and this check keeps the error clear.
    static func startsWithContent(_ data: Data) -> Bool {
        let bytes = [UInt8](data.prefix(4))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return bytes.count > 3 && bytes[3] != 0 }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return bytes.count > 3 && (bytes[2] != 0 || bytes[3] != 0) }
        return bytes.first.map { $0 != 0 } ?? false
    }

    /// `B7` → (row 6, column 1); nil unless letters then digits name a cell within ``Limits`` (`$` signs of an
    /// absolute reference are allowed). Linear in the reference's length and overflow-free: parsing stops as
    /// soon as a limit is passed.
    static func position(_ reference: String) -> (Int, Int)? {
        var column = 0, row = 0, digits = 0
        for byte in reference.utf8 where byte != UInt8(ascii: "$") {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where digits == 0:
                column = column * 26 + Int(byte - 64)
                guard column <= Limits.columns else { return nil }
            case UInt8(ascii: "0")...UInt8(ascii: "9") where column > 0:
                row = row * 10 + Int(byte - 48)
                digits += 1
                guard row <= Limits.rows else { return nil }
            default:
                return nil
            }
        }
        guard column > 0, row > 0 else { return nil }
        return (row - 1, column - 1)
    }
}
