import Compensation
import Foundation
import Tables
#if canImport(FoundationXML)
import FoundationXML
#endif
import Transforms

/// An error in a Gating-ML document, with the element path where it was found.
public struct GatingMLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The document.
    public var file: String
    /// The element path, e.g. `/Gating-ML/RectangleGate[2]/dimension[1]`.
    public var path: String
    /// What was expected, and what was found.
    public var message: String

    public init(file: String, path: String, _ message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    public var description: String { "\(file): \(path): \(message)" }
}

/// Reads Gating-ML 2.0 into a ``GatingStrategy``: every gate type, the transforms (flin, flog, fasinh, logicle,
/// hyperlog, fratio), spectrum matrices, `FCS` and `uncompensated` references, and parent/boolean links.
/// Unknown elements (custom_info, vendor wrappers such as a `<sample>` around a gate) are skipped.
public enum GatingMLReader {
    /// Reads the document at `path`.
    public static func read(contentsOf path: String) throws -> GatingStrategy {
        let bytes: [UInt8]
        do {
            bytes = try InputFile.bytes(path)
        } catch let error as TablesError {
            throw GatingMLError(file: path, path: "/", "expected \(error.expected), found \(error.found)")
        }
        return try read(Data(bytes), name: path)
    }

    /// Reads a document held in memory.
    public static func read(_ data: Data, name: String) throws -> GatingStrategy {
        try document(data, name: name).strategy
    }

    /// Reads a document held in memory, with the FlowStudy template JSON that ``GatingMLWriter`` carries in
    /// `custom_info` (nil for documents from other tools).
    public static func document(_ data: Data, name: String) throws -> (strategy: GatingStrategy, flowStudyTemplate: String?) {
        // Screened first: libxml2 would otherwise fetch external DTDs and expand entities (see UntrustedXML).
        do {
            try UntrustedXML.check(Array(data), file: name)
        } catch let error as TablesError {
            throw GatingMLError(file: name, path: "/" + error.place, "expected \(error.expected), found \(error.found)")
        }
        let root = try GatingMLElement.parse(data, file: name)
        guard root.name == "Gating-ML" else {
            throw GatingMLError(file: name, path: "/", "expected a Gating-ML root element, found '\(root.name)'")
        }
        var reader = Reader(file: name)
        try reader.walk(root, path: "/Gating-ML")
        try reader.checkLimits()
        return (GatingStrategy(populations: reader.restoringIDs(), transforms: reader.transforms, matrices: reader.matrices,
                               allowMissingFileMatrix: true), reader.flowStudyTemplate)
    }

    private struct Reader {
        let file: String
        var populations: [Population] = []
        /// The element path of each population, for messages.
        var populationPaths: [String] = []
        var transforms: [String: ScaleTransform] = [:]
        var matrices: [String: SpilloverMatrix] = [:]
        /// The FlowStudy template JSON found in `custom_info`, if any.
        var flowStudyTemplate: String?

        /// xs:ID → the population id FlowStudy wrote in `gating:name` (see ``GatingMLWriter/xmlID(_:)``).
        var restoredIDs: [String: String] = [:]

        func fail(_ path: String, _ message: String) -> GatingMLError { GatingMLError(file: file, path: path, message) }

        /// ``StructuralLimits`` on the whole document: populations and levels of parents.
        func checkLimits() throws {
            let count = populations.reduce(0) { total, population in
                if case .quadrant(let gate) = population.gate { return total + gate.quadrants.count }
                return total + 1
            }
            if count > StructuralLimits.populations {
                throw fail("/Gating-ML", "expected at most \(StructuralLimits.populations) populations (quadrants count one each), found \(count)")
            }
            if let (index, depth) = StructuralLimits.tooDeep(populations).first {
                throw fail(populationPaths[index], "expected at most \(StructuralLimits.depth) levels of parents, found \(depth)")
            }
        }

        /// The populations with every id and reference that FlowStudy encoded as an xs:ID restored.
        func restoringIDs() -> [Population] {
            func id(_ text: String) -> String { restoredIDs[text] ?? text }
            return populations.map { population in
                var copy = population
                copy.id = id(population.id)
                copy.parent = population.parent.map(id)
                if copy.name == copy.id { copy.name = nil }
                switch population.gate {
                case .boolean(var gate):
                    gate.operands = gate.operands.map { BooleanGate.Operand(reference: id($0.reference), complement: $0.complement) }
                    copy.gate = .boolean(gate)
                case .quadrant(var gate):
                    for i in gate.dividers.indices { gate.dividers[i].id = id(gate.dividers[i].id) }
                    for i in gate.quadrants.indices {
                        gate.quadrants[i].id = id(gate.quadrants[i].id)
                        gate.quadrants[i].positions = Dictionary(uniqueKeysWithValues: gate.quadrants[i].positions.map { (id($0.key), $0.value) })
                    }
                    copy.gate = .quadrant(gate)
                default: break
                }
                return copy
            }
        }

        /// Records `gating:name` as the id when the id is its xs:ID encoding.
        mutating func noteName(_ element: GatingMLElement) {
            if let id = attribute(element, "id"), let name = attribute(element, "name"), GatingMLWriter.xmlID(name) == id, name != id {
                restoredIDs[id] = name
            }
        }

        mutating func walk(_ element: GatingMLElement, path: String) throws {
            var counts: [String: Int] = [:]
            for child in element.children {
                let name = child.name
                let position = counts[name, default: 0] + 1
                counts[name] = position
                let childPath = "\(path)/\(StructuralLimits.shownInPath(name))[\(position)]"
                switch name {
                case "transformation": try readTransformation(child, path: childPath)
                case "spectrumMatrix": try readMatrix(child, path: childPath)
                case "RectangleGate", "PolygonGate", "EllipsoidGate", "QuadrantGate", "BooleanGate":
                    try readGate(child, kind: name, path: childPath)
                case "flowstudy-template" where child.uri == GatingMLWriter.flowStudyNamespace:
                    flowStudyTemplate = child.text
                default: try walk(child, path: childPath)  // wrappers and extensions
                }
            }
        }

        func attribute(_ element: GatingMLElement, _ name: String) -> String? { element.attribute(name) }

        func number(_ element: GatingMLElement, _ name: String, path: String) throws -> Double {
            guard let text = attribute(element, name) else { throw fail(path, "expected attribute \(name)") }
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                throw fail(path, "attribute \(name): expected a finite number, found '\(text)'")
            }
            return value
        }

        func optionalNumber(_ element: GatingMLElement, _ name: String, path: String) throws -> Double? {
            attribute(element, name) == nil ? nil : try number(element, name, path: path)
        }

        func children(_ element: GatingMLElement, _ name: String) -> [GatingMLElement] { element.children(name) }

        mutating func readTransformation(_ element: GatingMLElement, path: String) throws {
            guard let id = attribute(element, "id") else { throw fail(path, "expected attribute id") }
            guard let body = element.children.first else {
                throw fail(path, "expected a transform element (flin, flog, fasinh, logicle, hyperlog, fratio)")
            }
            let kind = body.name
            let bodyPath = "\(path)/\(kind)[1]"
            func p(_ name: String) throws -> Double { try number(body, name, path: bodyPath) }
            do {
                switch kind {
                case "flin": transforms[id] = .linear(try LinearTransform(T: p("T"), A: p("A")))
                case "flog": transforms[id] = .log(try LogTransform(T: p("T"), M: p("M")))
                case "fasinh": transforms[id] = .asinh(try AsinhTransform(T: p("T"), M: p("M"), A: p("A")))
                case "logicle": transforms[id] = .logicle(try LogicleTransform(T: p("T"), W: p("W"), M: p("M"), A: p("A")))
                case "hyperlog": transforms[id] = .hyperlog(try HyperlogTransform(T: p("T"), W: p("W"), M: p("M"), A: p("A")))
                case "fratio":
                    let names = children(body, "fcs-dimension").compactMap { attribute($0, "name") }
                    guard names.count == 2 else { throw fail(bodyPath, "expected two fcs-dimension elements, found \(names.count)") }
                    transforms[id] = .ratio(RatioTransform(A: try p("A"), B: try p("B"), C: try p("C")), numerator: names[0], denominator: names[1])
                default:
                    throw fail(bodyPath, "expected flin, flog, fasinh, logicle, hyperlog or fratio, found '\(kind)'")
                }
            } catch let error as TransformError {
                throw fail(bodyPath, error.description)
            }
        }

        mutating func readMatrix(_ element: GatingMLElement, path: String) throws {
            guard let id = attribute(element, "id") else { throw fail(path, "expected attribute id") }
            func names(_ group: String) throws -> [String] {
                guard let container = children(element, group).first else { throw fail(path, "expected \(group)") }
                return children(container, "fcs-dimension").compactMap { attribute($0, "name") }
            }
            let fluorochromes = try names("fluorochromes"), detectors = try names("detectors")
            let rows = try children(element, "spectrum").enumerated().map { r, spectrum in
                try children(spectrum, "coefficient").enumerated().map { c, coefficient in
                    try number(coefficient, "value", path: "\(path)/spectrum[\(r + 1)]/coefficient[\(c + 1)]")
                }
            }
            do {
                matrices[id] = try SpilloverMatrix(fluorochromes: fluorochromes, detectors: detectors, coefficients: rows, source: "\(file) \(id)")
            } catch let error as CompensationError {
                throw fail(path, error.description)
            }
        }

        func dimension(_ element: GatingMLElement, path: String) throws -> GateDimension {
            let compensation = CompensationReference(gatingMLName: attribute(element, "compensation-ref") ?? "uncompensated")
            let transform = attribute(element, "transformation-ref")
            if let channel = children(element, "fcs-dimension").first.flatMap({ attribute($0, "name") }) {
                return GateDimension(channel: channel, compensation: compensation, transform: transform)
            }
            if let ratio = children(element, "new-dimension").first.flatMap({ attribute($0, "transformation-ref") }) {
                return GateDimension(ratio: ratio, compensation: compensation, transform: transform)
            }
            throw fail(path, "expected an fcs-dimension or new-dimension element")
        }

        func coordinates(_ element: GatingMLElement, path: String) throws -> [Double] {
            try children(element, "coordinate").enumerated().map { try number($1, "value", path: "\(path)/coordinate[\($0 + 1)]") }
        }

        mutating func readGate(_ element: GatingMLElement, kind: String, path: String) throws {
            guard let id = attribute(element, "id") else { throw fail(path, "expected attribute id") }
            noteName(element)
            for quadrant in children(element, "Quadrant") { noteName(quadrant) }
            let parent = attribute(element, "parent_id")
            let dimensionElements = children(element, "dimension")
            guard dimensionElements.count <= StructuralLimits.gateDimensions else {
                throw fail(path, "expected at most \(StructuralLimits.gateDimensions) dimensions, found \(dimensionElements.count)")
            }
            let dimensions = try dimensionElements.enumerated().map { try dimension($1, path: "\(path)/dimension[\($0 + 1)]") }
            let gate: Gate
            switch kind {
            case "RectangleGate":
                guard !dimensions.isEmpty else { throw fail(path, "expected at least one dimension") }
                let minimum = try dimensionElements.enumerated().map { try optionalNumber($1, "min", path: "\(path)/dimension[\($0 + 1)]") }
                let maximum = try dimensionElements.enumerated().map { try optionalNumber($1, "max", path: "\(path)/dimension[\($0 + 1)]") }
                gate = .rectangle(RectangleGate(dimensions: dimensions, minimum: minimum, maximum: maximum))
            case "PolygonGate":
                let vertexCount = children(element, "vertex").count
                guard vertexCount <= StructuralLimits.polygonVertices else {
                    throw fail(path, "expected at most \(StructuralLimits.polygonVertices) vertices, found \(vertexCount)")
                }
                let vertices = try children(element, "vertex").enumerated().map { try coordinates($1, path: "\(path)/vertex[\($0 + 1)]") }
                guard dimensions.count == 2, vertices.count >= 3, vertices.allSatisfy({ $0.count == 2 }) else {
                    throw fail(path, "expected 2 dimensions and at least 3 vertices of 2 coordinates, found \(dimensions.count) and \(vertices.map(\.count))")
                }
                gate = .polygon(PolygonGate(dimensions: dimensions, vertices: vertices))
            case "EllipsoidGate":
                guard let meanElement = children(element, "mean").first,
                      let covarianceElement = children(element, "covarianceMatrix").first,
                      let distanceElement = children(element, "distanceSquare").first else {
                    throw fail(path, "expected mean, covarianceMatrix and distanceSquare")
                }
                let mean = try coordinates(meanElement, path: "\(path)/mean")
                let covariance = try children(covarianceElement, "row").enumerated().map { r, row in
                    try children(row, "entry").enumerated().map { try number($1, "value", path: "\(path)/covarianceMatrix/row[\(r + 1)]/entry[\($0 + 1)]") }
                }
                guard mean.count == dimensions.count, covariance.count == dimensions.count,
                      covariance.allSatisfy({ $0.count == dimensions.count }) else {
                    throw fail(path, "expected a mean and a covariance matrix matching \(dimensions.count) dimensions")
                }
                gate = .ellipsoid(EllipsoidGate(dimensions: dimensions, mean: mean, covariance: covariance,
                                                distanceSquare: try number(distanceElement, "value", path: "\(path)/distanceSquare")))
            case "QuadrantGate":
                let dividers = try children(element, "divider").enumerated().map { index, divider -> QuadrantGate.Divider in
                    let dividerPath = "\(path)/divider[\(index + 1)]"
                    guard let dividerID = attribute(divider, "id") else { throw fail(dividerPath, "expected attribute id") }
                    let cuts = try children(divider, "value").map { value -> Double in
                        guard let number = Double(value.text.trimmingCharacters(in: .whitespacesAndNewlines)), number.isFinite else {
                            throw fail(dividerPath, "value: expected a number, found '\(value.text)'")
                        }
                        return number
                    }
                    return QuadrantGate.Divider(id: dividerID, dimension: try dimension(divider, path: dividerPath), cuts: cuts.sorted())
                }
                let quadrants = try children(element, "Quadrant").enumerated().map { index, quadrant -> QuadrantGate.Quadrant in
                    let quadrantPath = "\(path)/Quadrant[\(index + 1)]"
                    guard let quadrantID = attribute(quadrant, "id") else { throw fail(quadrantPath, "expected attribute id") }
                    var positions: [String: Double] = [:]
                    for (p, position) in children(quadrant, "position").enumerated() {
                        guard let divider = attribute(position, "divider_ref") else {
                            throw fail("\(quadrantPath)/position[\(p + 1)]", "expected attribute divider_ref")
                        }
                        positions[divider] = try number(position, "location", path: "\(quadrantPath)/position[\(p + 1)]")
                    }
                    return QuadrantGate.Quadrant(id: quadrantID, positions: positions)
                }
                gate = .quadrant(QuadrantGate(dividers: dividers, quadrants: quadrants))
            default:  // BooleanGate
                let bodies = ["and", "or", "not"].compactMap { children(element, $0).first }
                guard let body = bodies.first,
                      let operation = BooleanGate.Operation(rawValue: body.name) else {
                    throw fail(path, "expected and, or or not")
                }
                let operands = try children(body, "gateReference").enumerated().map { index, reference -> BooleanGate.Operand in
                    guard let ref = attribute(reference, "ref") else { throw fail("\(path)/\(operation.rawValue)/gateReference[\(index + 1)]", "expected attribute ref") }
                    return BooleanGate.Operand(reference: ref, complement: attribute(reference, "use-as-complement") == "true")
                }
                guard operation == .not ? operands.count == 1 : operands.count >= 2 else {
                    throw fail(path, "expected \(operation == .not ? "one operand" : "two or more operands") for \(operation.rawValue), found \(operands.count)")
                }
                gate = .boolean(BooleanGate(operation: operation, operands: operands))
            }
            populations.append(Population(id: id, parent: parent, gate: gate, name: attribute(element, "name")))
            populationPaths.append(path)
        }
    }
}
