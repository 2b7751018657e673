import Foundation
import Tables
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One element of a Gating-ML document as ``GatingMLReader`` reads it: local name, namespace, attributes by
/// local name, child elements and direct text.
///
/// Documents are parsed with `XMLParser` (SAX), not `XMLDocument`: Foundation's `XMLDocument` parses with
/// libxml2's recovery mode on Linux and silently accepts a truncated or ill-formed file, keeping whatever gates came
/// before the damage. Here any well-formedness error is an error, the tree is built without recursion, and
/// nesting deeper than ``StructuralLimits/xmlDepth`` is refused, so reading is linear in the document's size.
struct GatingMLElement {
    /// The local name (`RectangleGate` for `gating:RectangleGate`).
    var name: String
    /// The namespace URI, when the element has one.
    var uri: String?
    /// Attributes by local name (`gating:id` is `id`), in document order.
    var attributes: [(name: String, value: String)]
    /// Child elements in document order.
    var children: [GatingMLElement] = []
    /// The element's own text (characters and CDATA directly inside it).
    var text: String = ""

    /// The attribute with this local name.
    func attribute(_ local: String) -> String? { attributes.first { $0.name == local }?.value }

    /// The child elements with this local name.
    func children(_ local: String) -> [GatingMLElement] { children.filter { $0.name == local } }

    /// Parses a whole document; the error names what is wrong and where (line and column).
    static func parse(_ data: Data, file: String) throws -> GatingMLElement {
        var bytes = [UInt8](data)
        try checkUTF8(bytes, file: file)
        // XMLParser dereferences a null pointer for an instruction without data (`<?name?>`; found by fuzzing).
        UntrustedXML.blankProcessingInstructions(in: &bytes)
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        let builder = Builder()
        parser.delegate = builder
        let finished = parser.parse()
        if let problem = builder.problem {
            throw GatingMLError(file: file, path: builder.path, problem)
        }
        // On Linux `parse()` can return true after reporting an error: both are checked.
        if let error = builder.error ?? parser.parserError ?? (finished ? nil : NSError(domain: XMLParser.errorDomain, code: 0)) {
            let code = (error as NSError).code
            let line = builder.errorLine ?? parser.lineNumber, column = builder.errorColumn ?? parser.columnNumber
            // An error on the file's last line, at its end, with elements still open: the file was cut short.
            // (Counted in the original bytes, without splitting them into lines: refused files are common.)
            let (lineCount, lastLength) = data.withUnsafeBytes { raw in
                let newlines = raw.reduce(into: 0) { count, byte in if byte == 0x0A { count += 1 } }
                return (newlines + 1, raw.count - (raw.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0))
            }
            let truncated = !builder.stack.isEmpty && line >= lineCount && column + 1 >= lastLength
            let found = truncated
                ? "the end of the file with \(builder.stack.count) element\(builder.stack.count == 1 ? "" : "s") open (a truncated file?)"
                : describe(code)
            throw GatingMLError(file: file, path: builder.path, "expected well-formed XML, found \(found) (line \(line), column \(column))")
        }
        guard let root = builder.root else {
            throw GatingMLError(file: file, path: "/", "expected a Gating-ML root element, found none")
        }
        return root
    }

    /// A document in UTF-8 (declared so, or declaring no encoding, without a UTF-16 byte order) must be valid
    /// UTF-8: Foundation's `XMLParser` traps on an element or attribute name that is not (found by fuzzing:
    /// Fuzz/GatingML/regressions/invalid-utf8-element-name.xml). Other declared encodings are converted by libxml2.
    static func checkUTF8(_ bytes: [UInt8], file: String) throws {
        if bytes.count >= 2, bytes[0] == 0 || bytes[1] == 0 || (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) { return }
        // The XML declaration's encoding, if any (UntrustedXML has already checked it is one libxml2 can read).
        let prolog = String(decoding: bytes.prefix(512), as: UTF8.self).prefix { $0 != ">" }
        if prolog.contains("<?xml"), let key = prolog.range(of: "encoding") {
            let name = prolog[key.upperBound...].drop { " =\t\"'".contains($0) }.prefix { !"\"' ?".contains($0) }
            // Only the single-byte encodings libxml2 converts are left to it: with a malformed or unknown name it
            // reads the bytes as UTF-8 (found by fuzzing: Fuzz/GatingML/regressions/malformed-encoding-declaration
            // .xml, unknown-encoding-name.xml, windows-125UTF-8.xml): names are compared exactly.
            if singleByteEncodings.contains(name.lowercased()) { return }
        }
        do {
            _ = try UTF8Span(validating: bytes.span)
        } catch {
            let line = bytes[..<error.byteOffsets.lowerBound].reduce(into: 1) { line, byte in if byte == 0x0A { line += 1 } }
            throw GatingMLError(file: file, path: "/", "expected UTF-8 text (the document declares no other encoding), found a byte that is not UTF-8 on line \(line)")
        }
    }

    /// The encodings, other than UTF-8 and UTF-16, that libxml2 converts to UTF-8 itself (by exact name): only
    /// those that define every byte. In one with holes (ISO-8859-8 has none for 0xBF–0xDE, windows-125x a few)
    /// libxml2 passes an undefined byte of a name on, and Foundation's XMLParser traps on it (found by fuzzing:
    /// Fuzz/GatingML/regressions/iso-8859-8-undefined-byte.xml); such documents are read as UTF-8 and refused
    /// when they are not.
    static let singleByteEncodings: Set<String> = ["iso-8859-1", "iso-8859-15", "latin1", "iso-latin-1"]

    /// libxml2's error codes as words, for the common ones.
    static func describe(_ code: Int) -> String {
        switch code {
        case 4: "no document element (the file is empty or not XML)"
        case 1: "input beyond one of libxml2's limits (a text or line over 10 MB, elements nested over 256 deep, or more names than its dictionary holds)"
        case 5: "the end of the file before the root element is closed (a truncated file?)"
        case 73, 74: "an element whose tag is not closed with '>'"
        case 76: "a closing tag that does not match its opening tag"
        case 77: "an element not closed before the end of the file"
        case 9: "a character that XML does not allow"
        case 39, 40, 41: "a malformed attribute"
        case 68: "a malformed element name"
        case 85: "content after the root element"
        default: "XML error \(code)"
        }
    }

    /// Builds the tree from SAX events with an explicit stack.
    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [GatingMLElement] = []
        /// Sibling counts per open element, for the element path of an error.
        var counts: [[String: Int]] = [[:]]
        var names: [String] = []
        var root: GatingMLElement?
        var error: Error?
        var errorLine: Int?, errorColumn: Int?
        var problem: String?

        var path: String { names.isEmpty ? "/" : "/" + names.joined(separator: "/") }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            guard problem == nil, error == nil else { return }
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            let position = counts[counts.count - 1][local, default: 0] + 1
            counts[counts.count - 1][local] = position
            names.append(stack.isEmpty ? local : "\(local)[\(position)]")
            counts.append([:])
            guard stack.count < StructuralLimits.xmlDepth else {
                problem = "expected elements nested at most \(StructuralLimits.xmlDepth) deep, found deeper (line \(parser.lineNumber))"
                parser.abortParsing()
                return
            }
            // A polygon's vertices are counted as they arrive: a huge one is refused before it is read.
            if local == "vertex", stack.last?.name == "PolygonGate", position > StructuralLimits.polygonVertices {
                names.removeLast()
                problem = "expected at most \(StructuralLimits.polygonVertices) vertices, found more"
                parser.abortParsing()
                return
            }
            // Attribute keys may keep their prefix (`gating:id`); namespace declarations are not attributes here.
            let pairs = attributes.compactMap { key, value -> (name: String, value: String)? in
                if key == "xmlns" || key.hasPrefix("xmlns:") { return nil }
                return (key.split(separator: ":").last.map(String.init) ?? key, value)
            }.sorted { $0.name < $1.name }
            stack.append(GatingMLElement(name: local, uri: namespaceURI?.isEmpty == false ? namespaceURI : nil, attributes: pairs))
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard problem == nil, error == nil, let element = stack.popLast() else { return }
            names.removeLast()
            counts.removeLast()
            if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, foundCDATA block: Data) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += String(decoding: block, as: UTF8.self)
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            guard error == nil, problem == nil else { return }
            error = parseError
            errorLine = parser.lineNumber
            errorColumn = parser.columnNumber
            // Not `abortParsing()` here: stopping libxml2 from inside its error callback can leave the push parser
            // without input, and the next chunk dereferences it (found by fuzzing: Fuzz/GatingML/regressions/
            // abort-in-error-callback.xml). libxml2 itself stops calling back after a fatal error.
        }
    }
}
