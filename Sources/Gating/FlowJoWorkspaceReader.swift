import Compensation
import Foundation
import Transforms

/// Walks a parsed FlowJo workspace into a ``FlowJoWorkspace``; every error and warning carries its element path.
struct FlowJoWorkspaceReader {
    let file: String
    var warnings: [String] = []

    init(file: String) { self.file = file }

    func fail(_ path: String, _ message: String) -> FlowJoError { FlowJoError(file: file, path: path, message) }

    mutating func warn(_ path: String, _ message: String) { warnings.append("\(path): \(message)") }

    /// The children with this local name, each with its element path.
    func children(_ element: GatingMLElement, _ name: String, path: String) -> [(element: GatingMLElement, path: String)] {
        element.children(name).enumerated().map { ($1, "\(path)/\(name)[\($0 + 1)]") }
    }

    func number(_ element: GatingMLElement, _ name: String, path: String) throws -> Double {
        guard let text = element.attribute(name) else { throw fail(path, "expected attribute \(name)") }
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw fail(path, "attribute \(name): expected a finite number, found '\(text)'")
        }
        return value
    }

    func optionalNumber(_ element: GatingMLElement, _ name: String, path: String) throws -> Double? {
        element.attribute(name) == nil ? nil : try number(element, name, path: path)
    }

    func integer(_ element: GatingMLElement, _ name: String, path: String) throws -> Int {
        guard let text = element.attribute(name) else { throw fail(path, "expected attribute \(name)") }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw fail(path, "attribute \(name): expected an integer, found '\(text)'")
        }
        return value
    }

    mutating func workspace(_ root: GatingMLElement) throws -> FlowJoWorkspace {
        let rootPath = "/Workspace"
        var groups: [FlowJoWorkspace.Group] = []
        for (groupsElement, groupsPath) in children(root, "Groups", path: rootPath) {
            for (node, nodePath) in children(groupsElement, "GroupNode", path: groupsPath) {
                guard let name = node.attribute("name") else { throw fail(nodePath, "expected attribute name") }
                let ids = node.children("Group").flatMap { $0.children("SampleRefs") }.flatMap { $0.children("SampleRef") }
                    .compactMap { $0.attribute("sampleID") }
                groups.append(FlowJoWorkspace.Group(name: name, sampleIDs: ids,
                                                    keywords: keywords(node.children("Group").flatMap { $0.children("Keywords") })))
            }
        }
        var shared: [String: FlowJoWorkspace.Matrix] = [:]
        for (matrices, matricesPath) in children(root, "Matrices", path: rootPath) {
            for (element, path) in children(matrices, "spilloverMatrix", path: matricesPath) {
                let matrix = try readMatrix(element, path: path)
                if let id = matrix.id { shared[id] = matrix }
            }
        }
        var samples: [FlowJoWorkspace.SampleEntry] = []
        let lists = children(root, "SampleList", path: rootPath)
        guard !lists.isEmpty else { throw fail(rootPath, "expected a SampleList element") }
        for (list, listPath) in lists {
            for (sample, samplePath) in children(list, "Sample", path: listPath) {
                samples.append(try readSample(sample, path: samplePath, shared: shared))
            }
        }
        let known = Set(samples.map(\.id))
        for group in groups {
            for id in group.sampleIDs where !known.contains(id) {
                warn("\(rootPath)/Groups", "group '\(group.name)' names sample \(id), which is not in the SampleList")
            }
        }
        return FlowJoWorkspace(file: file, samples: samples, groups: groups, warnings: warnings)
    }

    mutating func readSample(_ element: GatingMLElement, path: String, shared: [String: FlowJoWorkspace.Matrix]) throws -> FlowJoWorkspace.SampleEntry {
        guard let (node, nodePath) = children(element, "SampleNode", path: path).first else { throw fail(path, "expected a SampleNode element") }
        guard let name = node.attribute("name") else { throw fail(nodePath, "expected attribute name") }
        let id = node.attribute("sampleID") ?? element.children("DataSet").first?.attribute("sampleID") ?? ""
        let count = try integer(node, "count", path: nodePath)
        var matrix: FlowJoWorkspace.Matrix?
        let matrixElements = children(element, "spilloverMatrix", path: path)
        if matrixElements.count > 1 {
            throw fail(matrixElements[1].path, "expected one spilloverMatrix per sample (FlowJo applies one), found \(matrixElements.count)")
        }
        if let (m, mPath) = matrixElements.first {
            if m.children("spillover").isEmpty && m.children("parameters").isEmpty {
                // A reference to a matrix of /Workspace/Matrices by transforms:id (a custom matrix shared by samples).
                guard let id = m.attribute("id") else { throw fail(mPath, "expected spillover rows or a transforms:id naming a matrix of /Workspace/Matrices") }
                guard var known = shared[id] else {
                    throw fail(mPath, "expected transforms:id '\(id)' to name a spilloverMatrix of /Workspace/Matrices, found \(shared.keys.sorted())")
                }
                if let prefix = m.attribute("prefix") { known.prefix = prefix }
                if let suffix = m.attribute("suffix") { known.suffix = suffix }
                matrix = known
            } else {
                matrix = try readMatrix(m, path: mPath)
            }
        }
        var transforms: [String: ScaleTransform] = [:]
        var order: [String] = []
        for (list, listPath) in children(element, "Transformations", path: path) {
            var positions: [String: Int] = [:]
            for t in list.children {
                let position = positions[t.name, default: 0] + 1
                positions[t.name] = position
                let tPath = "\(listPath)/\(StructuralLimits.shownInPath(t.name))[\(position)]"
                guard let channel = t.children("parameter").first?.attribute("name") else {
                    throw fail(tPath, "expected a data-type:parameter naming the channel")
                }
                guard let transform = try readTransform(t, path: tPath) else { continue }
                if transforms[channel] == nil { order.append(channel) }
                transforms[channel] = transform
            }
        }
        var derived: [String] = []
        for (list, listPath) in children(element, "DerivedParameters", path: path) {
            for (parameter, parameterPath) in children(list, "DerivedParameter", path: listPath) {
                guard let derivedName = parameter.attribute("name") else { throw fail(parameterPath, "expected attribute name") }
                derived.append(derivedName)
                warn(parameterPath, "derived parameter '\(derivedName)' cannot be computed by FlowStudy; gates on it are not imported")
            }
        }
        var nodes: [FlowJoWorkspace.Node] = []
        var paths: Set<String> = []
        try readSubpopulations(node, path: nodePath, parentPath: "", parentGateID: .root, into: &nodes, paths: &paths)
        return FlowJoWorkspace.SampleEntry(id: id, name: name, eventCount: count, uri: element.children("DataSet").first?.attribute("uri"),
                                           matrix: matrix, transforms: transforms, transformOrder: order, nodes: nodes, xmlPath: path,
                                           keywords: keywords(element.children("Keywords")), derivedParameters: derived)
    }

    /// `Keyword @name @value` of these `Keywords` elements (a later duplicate wins, as in FCS TEXT).
    func keywords(_ lists: [GatingMLElement]) -> [String: String] {
        var result: [String: String] = [:]
        for keyword in lists.flatMap({ $0.children("Keyword") }) {
            if let name = keyword.attribute("name") { result[name] = keyword.attribute("value") ?? "" }
        }
        return result
    }

    func readMatrix(_ element: GatingMLElement, path: String) throws -> FlowJoWorkspace.Matrix {
        guard let name = element.attribute("name") else { throw fail(path, "expected attribute name") }
        if element.attribute("spectral") == "1" {
            throw fail(path, "expected a square spillover matrix, found a spectral (unmixing) matrix, which FlowStudy cannot import")
        }
        let detectors = element.children("parameters").flatMap { $0.children("parameter") }.compactMap { $0.attribute("name") }
        // Detector → column, the first of a repeated name (as firstIndex gave): looked up per coefficient.
        let columns = Dictionary(detectors.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var rows: [[Double]] = []
        for (row, rowPath) in children(element, "spillover", path: path) {
            guard let from = row.attribute("parameter") else { throw fail(rowPath, "expected attribute data-type:parameter") }
            guard columns[from] != nil else { throw fail(rowPath, "expected a detector of data-type:parameters, found '\(from)'") }
            var values = [Double](repeating: .nan, count: detectors.count)
            for (coefficient, cPath) in children(row, "coefficient", path: rowPath) {
                guard let to = coefficient.attribute("parameter"), let column = columns[to] else {
                    throw fail(cPath, "expected data-type:parameter naming a detector of data-type:parameters")
                }
                values[column] = try number(coefficient, "value", path: cPath)
            }
            guard !values.contains(where: \.isNaN) else { throw fail(rowPath, "expected a coefficient for each of \(detectors.count) detectors") }
            rows.append(values)
        }
        // Rows in data-type:parameters order.
        let rowNames = element.children("spillover").compactMap { $0.attribute("parameter") }
        guard rows.count == detectors.count, Set(rowNames).count == detectors.count else {
            throw fail(path, "expected one spillover row per detector (\(detectors.count)), found \(rows.count)")
        }
        let rowOf = Dictionary(rowNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let ordered = detectors.compactMap { d in rowOf[d].map { rows[$0] } }
        do {
            let spillover = try SpilloverMatrix(fluorochromes: detectors, detectors: detectors, coefficients: ordered, source: "\(file) \(name)")
            return FlowJoWorkspace.Matrix(name: name, id: element.attribute("id"), prefix: element.attribute("prefix") ?? "Comp-",
                                          suffix: element.attribute("suffix") ?? "", spillover: spillover)
        } catch let error as CompensationError {
            throw fail(path, error.description)
        }
    }

    /// One transform of `Transformations`; nil (with a warning) for kinds FlowStudy lacks.
    mutating func readTransform(_ t: GatingMLElement, path: String) throws -> ScaleTransform? {
        func p(_ name: String) throws -> Double { try number(t, name, path: path) }
        do {
            switch t.name {
            case "linear":
                let minRange = try optionalNumber(t, "minRange", path: path) ?? 0, maxRange = try p("maxRange")
                // FlowKit's reading (flin with A = minRange); `gain` only rescales FlowJo's display, gates stay in raw values.
                return .linear(try LinearTransform(T: maxRange, A: abs(minRange)))
            case "log":
                let offset = try p("offset"), decades = try p("decades")
                // FlowJo's display log10(x/offset)/decades is flog with T = offset·10^decades, M = decades.
                return .log(try LogTransform(T: offset * pow(10, decades), M: decades))
            case "logicle":
                return .logicle(try LogicleTransform(T: p("T"), W: p("W"), M: p("M"), A: p("A")))
            case "hyperlog":
                return .hyperlog(try HyperlogTransform(T: p("T"), W: p("W"), M: p("M"), A: p("A")))
            case "fasinh":
                return .asinh(try AsinhTransform(T: p("T"), M: p("M"), A: p("A")))
            case "biex":
                if let length = try optionalNumber(t, "length", path: path), length != 256 {
                    throw fail(path, "expected biex length 256 (FlowJo's table), found \(length)")
                }
                return .flowJoBiex(try FlowJoBiexTransform(negative: optionalNumber(t, "neg", path: path) ?? 0, width: p("width"),
                                                           positive: p("pos"), maxValue: p("maxRange")))
            default:
                warn(path, "transform '\(t.name)' is not supported; the channel is left untransformed")
                return nil
            }
        } catch let error as TransformError {
            throw fail(path, error.description)
        }
    }

    /// What encloses a `Subpopulations`: the sample (no parent gate), a population's gate (its `gating:id`, which
    /// children's `gating:parent_id` must name), or something a `parent_id` cannot be checked against.
    enum Enclosing { case root, gate(String), unchecked }

    mutating func readSubpopulations(_ element: GatingMLElement, path: String, parentPath: String, parentGateID: Enclosing,
                                     into nodes: inout [FlowJoWorkspace.Node], paths: inout Set<String>) throws {
        for (subpopulations, subPath) in children(element, "Subpopulations", path: path) {
            var positions: [String: Int] = [:]
            for child in subpopulations.children {
                let position = positions[child.name, default: 0] + 1
                positions[child.name] = position
                let childPath = "\(subPath)/\(StructuralLimits.shownInPath(child.name))[\(position)]"
                switch child.name {
                case "Population", "AndNode", "OrNode", "NotNode":
                    guard let name = child.attribute("name") else { throw fail(childPath, "expected attribute name") }
                    let pathBytes = (parentPath.isEmpty ? 0 : parentPath.utf8.count + 1) + name.utf8.count
                    guard pathBytes <= StructuralLimits.populationPathBytes else {
                        throw fail(childPath, "expected a population path (its name and its parents', joined by /) of at most \(StructuralLimits.populationPathBytes) bytes, found \(pathBytes)")
                    }
                    let owner = child.attribute("owningGroup") ?? ""
                    let count = child.attribute("count") == nil ? -1 : try integer(child, "count", path: childPath)
                    var node = FlowJoWorkspace.Node(name: name, parentPath: parentPath, dimensions: [], gate: .polygon(vertices: []), complement: false,
                                                    gateType: child.name, count: count, owningGroup: owner, xmlPath: childPath)
                    var enclosing = Enclosing.unchecked
                    if child.name == "Population" {
                        guard let (gate, gatePath) = children(child, "Gate", path: childPath).first, let body = gate.children.first else {
                            throw fail(childPath, "expected a Gate element with one gating element")
                        }
                        if let id = gate.attribute("id") { enclosing = .gate(id) }
                        // gating:parent_id must name the enclosing population's gate: the nesting is the tree.
                        for (element, place) in [(gate, gatePath), (body, "\(gatePath)/\(StructuralLimits.shownInPath(body.name))[1]")] {
                            guard let parentID = element.attribute("parent_id") else { continue }
                            switch parentGateID {
                            case .root:
                                throw fail(place, "expected no gating:parent_id on a top-level population, found '\(parentID)', which names no enclosing gate")
                            case .gate(let expected) where expected != parentID:
                                throw fail(place, "expected gating:parent_id to name the enclosing population's gate '\(expected)', found '\(parentID)'")
                            default:
                                break
                            }
                        }
                        try readGate(body, path: "\(gatePath)/\(StructuralLimits.shownInPath(body.name))[1]", into: &node)
                    } else {
                        let operation: BooleanGate.Operation = child.name == "AndNode" ? .and : child.name == "OrNode" ? .or : .not
                        let dependents = child.children("Dependents").flatMap { $0.children("Dependent") }.compactMap { $0.attribute("name") }
                        let needed = operation == .not ? 1 : 2
                        guard operation == .not ? dependents.count == 1 : dependents.count >= 2 else {
                            throw fail(childPath, "expected \(needed == 1 ? "one Dependent" : "two or more Dependents"), found \(dependents.count)")
                        }
                        node.gate = .boolean(operation, dependents: dependents)
                    }
                    guard paths.insert(node.path).inserted else {
                        throw fail(childPath, "expected unique population names under one parent, found '\(name)' twice")
                    }
                    guard nodes.count < StructuralLimits.populations else {
                        throw fail(childPath, "expected at most \(StructuralLimits.populations) populations in a sample, found more")
                    }
                    nodes.append(node)
                    try readSubpopulations(child, path: childPath, parentPath: node.path, parentGateID: enclosing, into: &nodes, paths: &paths)
                default:
                    continue  // Graphs, statistics and layout.
                }
            }
        }
    }

    func vertices(_ element: GatingMLElement, path: String) throws -> [[Double]] {
        try children(element, "vertex", path: path).map { vertex, vPath in
            try children(vertex, "coordinate", path: vPath).map { try number($0.element, "value", path: $0.path) }
        }
    }

    func readGate(_ body: GatingMLElement, path: String, into node: inout FlowJoWorkspace.Node) throws {
        // Refused before its dimensions are read: each would get a path under the unknown element's name.
        func unsupported() -> FlowJoError {
            fail(path, "expected RectangleGate, PolygonGate or EllipsoidGate, found '\(StructuralLimits.shownInPath(body.name))' (not supported)")
        }
        guard ["RectangleGate", "PolygonGate", "EllipsoidGate"].contains(body.name) else { throw unsupported() }
        let dimensions = try children(body, "dimension", path: path).map { dimension, dPath -> String in
            guard let name = dimension.children("fcs-dimension").first?.attribute("name") else {
                throw fail(dPath, "expected a data-type:fcs-dimension with data-type:name")
            }
            return name
        }
        node.dimensions = dimensions
        node.gateType = body.name
        node.complement = body.attribute("eventsInside") == "0"
        switch body.name {
        case "RectangleGate":
            guard !dimensions.isEmpty else { throw fail(path, "expected at least one dimension") }
            let elements = children(body, "dimension", path: path)
            let minimum = try elements.map { try optionalNumber($0.element, "min", path: $0.path) }
            let maximum = try elements.map { try optionalNumber($0.element, "max", path: $0.path) }
            // As Gating-ML requires, and FlowStudy's templates and overrides too: a bound on every dimension.
            if let open = elements.indices.first(where: { minimum[$0] == nil && maximum[$0] == nil }) {
                throw fail(elements[open].path, "expected gating:min, gating:max or both, found neither")
            }
            // An empty interval (min ≥ max), which FlowStudy's templates refuse too (a fuzzing finding).
            for (index, element) in elements.enumerated() {
                if let low = minimum[index], let high = maximum[index], !(low < high) {
                    throw fail(element.path, "expected gating:min < gating:max, found \(low) ≥ \(high)")
                }
            }
            node.gate = .rectangle(minimum: minimum, maximum: maximum)
        case "PolygonGate":
            let points = try vertices(body, path: path)
            guard dimensions.count == 2, points.count >= 3, points.allSatisfy({ $0.count == 2 }) else {
                throw fail(path, "expected 2 dimensions and at least 3 vertices of 2 coordinates, found \(dimensions.count) and \(points.map(\.count))")
            }
            guard points.count <= StructuralLimits.polygonVertices else {
                throw fail(path, "expected at most \(StructuralLimits.polygonVertices) vertices, found \(points.count)")
            }
            node.gate = .polygon(vertices: points)
        case "EllipsoidGate":
            guard let foci = children(body, "foci", path: path).first, let edge = children(body, "edge", path: path).first else {
                throw fail(path, "expected gating:foci and gating:edge (FlowJo's ellipse form)")
            }
            let f = try vertices(foci.element, path: foci.path), e = try vertices(edge.element, path: edge.path)
            guard dimensions.count == 2, f.count == 2, e.count == 4, (f + e).allSatisfy({ $0.count == 2 }) else {
                throw fail(path, "expected 2 dimensions, 2 foci and 4 edge points of 2 coordinates, found \(dimensions.count), \(f.count) and \(e.count)")
            }
            node.gate = .ellipse(foci: f, edges: e, distance: try optionalNumber(body, "distance", path: path) ?? .nan)
        default:
            throw unsupported()
        }
    }
}
