import Foundation
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
        let parser = XMLParser(data: data)
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
            let lastLine = data.split(separator: 0x0A, omittingEmptySubsequences: false)
            let lastLength = lastLine.last.map { $0.count } ?? 0
            let truncated = !builder.stack.isEmpty && line >= lastLine.count && column + 1 >= lastLength
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

    /// libxml2's error codes as words, for the common ones.
    static func describe(_ code: Int) -> String {
        switch code {
        case 4: "no document element (the file is empty or not XML)"
        case 1: "input beyond libxml2's limits (a text or line over 10 MB)"
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
            // Stop at the first error: after a mismatched end tag, Foundation's own start-element callback traps
            // on the next element (found by fuzzing: Fuzz/GatingML/regressions/mismatched-end-tag.xml).
            parser.abortParsing()
        }
    }
}
