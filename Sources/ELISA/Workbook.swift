import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Tables
import ZIPFoundation

/// The cells of an .xlsx workbook, sheet by sheet, as text (numbers in their shortest form): enough to find
/// a plate grid or a well list, as spreadsheet exports lay them out.
struct Workbook {
    struct Sheet {
        var name: String
        /// rows[r][c], 0-based; missing cells are "".
        var rows: [[String]]

        func cell(_ r: Int, _ c: Int) -> String { r < rows.count && c < rows[r].count ? rows[r][c] : "" }
    }

    var sheets: [Sheet]

    init(_ data: Data, file: String) throws {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw ELISAError(.unrecognisedFormat, file: file, "expected an .xlsx (ZIP) workbook: \(error)")
        }
        func entry(_ path: String) throws -> Data? {
            guard let item = archive[path] else { return nil }
            var data = Data()
            _ = try archive.extract(item) { data.append($0) }
            return data
        }
        func document(_ path: String) throws -> XMLDocument? {
            guard let data = try entry(path) else { return nil }
            // Screened first: libxml2 would otherwise fetch external DTDs and expand entities (see UntrustedXML).
            do {
                try UntrustedXML.check(Array(data), file: file, part: path)
            } catch let error as TablesError {
                throw ELISAError(.unsafeXML, file: file, place: path, "expected \(error.expected), found \(error.found)")
            }
            return try XMLDocument(data: data, options: [])
        }
        func elements(_ node: XMLNode, _ name: String) -> [XMLElement] {
            var found: [XMLElement] = []
            func walk(_ n: XMLNode) {
                for child in n.children ?? [] {
                    if let e = child as? XMLElement {
                        if (e.localName ?? e.name) == name { found.append(e) }
                        walk(e)
                    }
                }
            }
            walk(node)
            return found
        }
        func attribute(_ e: XMLElement, _ name: String) -> String? {
            e.attributes?.first { ($0.localName ?? $0.name) == name || $0.name == name }?.stringValue
        }
        do {
            // Shared strings: each <si> is the concatenation of its <t> texts.
            var strings: [String] = []
            if let shared = try document("xl/sharedStrings.xml") {
                strings = elements(shared, "si").map { si in elements(si, "t").map { $0.stringValue ?? "" }.joined() }
            }
            guard let workbook = try document("xl/workbook.xml") else {
                throw ELISAError(.unrecognisedFormat, file: file, "expected xl/workbook.xml in the workbook")
            }
            var targets: [String: String] = [:]
            if let rels = try document("xl/_rels/workbook.xml.rels") {
                for rel in elements(rels, "Relationship") {
                    if let id = attribute(rel, "Id"), let target = attribute(rel, "Target") { targets[id] = target }
                }
            }
            sheets = try elements(workbook, "sheet").enumerated().compactMap { index, sheet in
                let name = attribute(sheet, "name") ?? "Sheet\(index + 1)"
                var target = attribute(sheet, "id").flatMap { targets[$0] } ?? "worksheets/sheet\(index + 1).xml"
                if target.hasPrefix("/") { target.removeFirst() } else { target = "xl/" + target }
                guard let xml = try document(target) else { return nil }
                var rows: [[String]] = []
                for c in elements(xml, "c") {
                    guard let reference = attribute(c, "r"), let (r, col) = Workbook.position(reference) else { continue }
                    let type = attribute(c, "t")
                    var text: String
                    switch type {
                    case "s": text = elements(c, "v").first.flatMap { Int($0.stringValue ?? "") }.map { $0 < strings.count ? strings[$0] : "" } ?? ""
                    case "inlineStr": text = elements(c, "t").map { $0.stringValue ?? "" }.joined()
                    default: text = elements(c, "v").first?.stringValue ?? ""
                    }
                    if type == nil || type == "n", let value = Double(text) { text = Workbook.shortest(value) }
                    while rows.count <= r { rows.append([]) }
                    while rows[r].count <= col { rows[r].append("") }
                    rows[r][col] = text
                }
                return Sheet(name: name, rows: rows)
            }
        } catch let error as ELISAError {
            throw error
        } catch {
            throw ELISAError(.unrecognisedFormat, file: file, "the workbook could not be read: \(error)")
        }
    }

    /// `B7` → (row 6, column 1).
    static func position(_ reference: String) -> (Int, Int)? {
        var column = 0, digits = ""
        for character in reference {
            if let value = character.asciiValue, (65...90).contains(value) { column = column * 26 + Int(value - 64) }
            else if character.isNumber { digits.append(character) }
        }
        guard column > 0, let row = Int(digits), row > 0 else { return nil }
        return (row - 1, column - 1)
    }

    static func shortest(_ value: Double) -> String {
        var text = "\(value)"
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}
