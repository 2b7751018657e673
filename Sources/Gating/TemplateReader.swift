import Tables
import Compensation
import Foundation
import Transforms

/// Reads a JSON gating template, reporting every problem at once with its JSON path and line: unknown keys,
/// wrong types, undefined parents, markers, transforms and matrices, duplicate ids, parent cycles.
public enum TemplateReader {
    /// Reads the template at `path` (matrix files it names are relative to its folder).
    public static func read(contentsOf path: String) throws -> GatingTemplate {
        let text: String
        do {
            text = try InputFile.utf8Text(path)  // JSON is UTF-8 (RFC 8259)
        } catch let error as TablesError {
            throw TemplateError(file: path, issues: [.init(path: "", line: nil, message: (error.place.isEmpty ? "" : error.place + ": ")
                                                           + "expected \(error.expected), found \(error.found)")])
        }
        let folder = (path as NSString).deletingLastPathComponent
        return try read(text, name: path, folder: folder)
    }

    /// Reads template text; `folder` resolves matrix file paths.
    public static func read(_ text: String, name: String, folder: String = ".") throws -> GatingTemplate {
        let root: JSONValue
        do {
            root = try JSONParser.parse(text)
        } catch let error as JSONSyntaxError {
            throw TemplateError(file: name, issues: [.init(path: "", line: error.line, message: "invalid JSON at column \(error.column): \(error.message)")])
        }
        var reader = Reader(folder: folder)
        let template = reader.template(root)
        guard reader.issues.isEmpty, let template else {
            throw TemplateError(file: name, issues: reader.issues)
        }
        return template
    }

    struct Reader {
        let folder: String
        var issues: [TemplateError.Issue] = []

        mutating func issue(_ path: String, _ value: JSONValue?, _ message: String) {
            issues.append(.init(path: path, line: value?.line, message: message))
        }

        mutating func keys(_ value: JSONValue, _ path: String, allowed: [String]) {
            for member in value.members ?? [] where !allowed.contains(member.key) {
                issue(join(path, member.key), member.value, "unknown key '\(member.key)' (expected one of \(allowed.joined(separator: ", ")))")
            }
        }

        func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

        mutating func object(_ value: JSONValue?, _ path: String, parent: JSONValue? = nil) -> JSONValue? {
            guard let value else { issue(path, parent, "expected an object, found nothing"); return nil }
            guard value.members != nil else { issue(path, value, "expected an object, found \(value.typeName)"); return nil }
            return value
        }

        mutating func string(_ value: JSONValue?, _ path: String, parent: JSONValue?, required: Bool = true) -> String? {
            guard let value, !value.isNull else {
                if required { issue(path, parent, "expected a string") }
                return nil
            }
            guard let s = value.string else { issue(path, value, "expected a string, found \(value.typeName)"); return nil }
            return s
        }

        mutating func number(_ value: JSONValue?, _ path: String, parent: JSONValue?, required: Bool = true) -> Double? {
            guard let value, !value.isNull else {
                if required { issue(path, parent, "expected a number") }
                return nil
            }
            guard let n = value.number else { issue(path, value, "expected a number, found \(value.typeName)"); return nil }
            return n
        }

        mutating func strings(_ value: JSONValue?, _ path: String) -> [String] {
            guard let value else { return [] }
            guard let items = value.array else { issue(path, value, "expected an array of strings, found \(value.typeName)"); return [] }
            return items.enumerated().compactMap { string($1, "\(path)[\($0)]", parent: value) }
        }

        mutating func numbers(_ value: JSONValue?, _ path: String, count: Int? = nil, what: String = "numbers") -> [Double]? {
            guard let value, let items = value.array else {
                issue(path, value, "expected \(count.map { "[" + (0..<$0).map { ["x", "y", "z"][min($0, 2)] }.joined(separator: ", ") + "]" } ?? "an array of \(what)")\(value.map { ", found \($0.typeName)" } ?? "")")
                return nil
            }
            if let count, items.count != count {
                issue(path, value, "expected \(count == 2 ? "[x, y]" : "\(count) numbers"), found \(items.count) item\(items.count == 1 ? "" : "s")")
                return nil
            }
            let result = items.enumerated().compactMap { number($1, "\(path)[\($0)]", parent: value) }
            return result.count == items.count ? result : nil
        }

        // MARK: Document

        mutating func template(_ root: JSONValue) -> GatingTemplate? {
            guard let root = object(root, "") else { return nil }
            keys(root, "", allowed: ["format", "name", "description", "panel", "compensation", "matrices", "transforms", "populations", "readouts", "min_events"])
            let format = string(root["format"], "format", parent: root)
            if let format, format != GatingTemplate.format {
                issue("format", root["format"], "expected \"\(GatingTemplate.format)\", found \"\(format)\"")
            }
            let panel = readPanel(root["panel"])
            var matrices: [String: SpilloverMatrix] = [:]
            if let value = root["matrices"] {
                for member in object(value, "matrices")?.members ?? [] {
                    if let matrix = readMatrix(member.value, "matrices.\(StructuralLimits.shownInPath(member.key))", id: member.key) { matrices[member.key] = matrix }
                }
            }
            let compensation = readCompensation(root["compensation"], matrices: &matrices)
            var transforms: [String: ScaleTransform] = [:]
            var transformOrder: [String] = []
            if let value = root["transforms"] {
                for member in object(value, "transforms")?.members ?? [] {
                    transformOrder.append(member.key)
                    if let transform = readTransform(member.value, "transforms.\(StructuralLimits.shownInPath(member.key))") { transforms[member.key] = transform }
                }
            }
            let context = Context(panel: panel, transforms: transforms, transformIDs: Set(transformOrder), matrices: matrices,
                                  compensation: compensation)
            let populations = readPopulations(root["populations"], root: root, context: context)
            let readouts = readReadouts(root["readouts"], panel: panel, populations: populations)
            var minEvents = 100
            if let value = root["min_events"] {
                if let n = value.number, n >= 0, n == n.rounded(), n <= StructuralLimits.minEvents { minEvents = Int(n) }
                else { issue("min_events", value, "expected a whole number from 0 to 2^53, found \(value.number.map { "\($0)" } ?? value.typeName)") }
            }
            guard let compensation else { return nil }
            var strategy = GatingStrategy(populations: populations, transforms: transforms, matrices: matrices)
            if case .file(let allowMissing) = compensation { strategy.allowMissingFileMatrix = allowMissing }
            checkTree(strategy, root: root)
            checkReferences(strategy, root: root)
            return GatingTemplate(name: root["name"]?.string, description: root["description"]?.string, panel: panel,
                                  compensation: compensation, strategy: strategy, transformOrder: transformOrder,
                                  readouts: readouts, minEvents: minEvents)
        }

        /// What a gate is read against: the template's panel, transforms and matrices (for overrides, those of
        /// the template they override), with the lookups and lists made from them once.
        struct Context {
            let panel: [GatingTemplate.Marker]
            let transforms: [String: ScaleTransform]
            let transformIDs: Set<String>
            let matrices: [String: SpilloverMatrix]
            let compensation: GatingTemplate.CompensationSource?
            /// The panel's marker names, normalised (looked up once per dimension: reading stays linear).
            let panelNames: Set<String>
            /// The panel's markers and the transform ids as messages list them: made once, not per bad
            /// reference, and at most 20 names (a 100,000-marker panel would otherwise be joined per issue).
            let panelList: String, transformList: String

            init(panel: [GatingTemplate.Marker], transforms: [String: ScaleTransform], transformIDs: Set<String>,
                 matrices: [String: SpilloverMatrix], compensation: GatingTemplate.CompensationSource?) {
                self.panel = panel
                self.transforms = transforms
                self.transformIDs = transformIDs
                self.matrices = matrices
                self.compensation = compensation
                panelNames = Set(panel.map { GatingTemplate.normalised($0.name) })
                panelList = shortList(panel.map(\.name), first: 20)
                transformList = shortList(transformIDs.sorted(), first: 20)
            }
        }

        mutating func readPanel(_ value: JSONValue?) -> [GatingTemplate.Marker] {
            guard let value else { return [] }
            guard let items = value.array else { issue("panel", value, "expected an array of markers, found \(value.typeName)"); return [] }
            var markers: [GatingTemplate.Marker] = []
            var seen: [String: String] = [:]
            for (i, item) in items.enumerated() {
                let path = "panel[\(i)]"
                guard let item = object(item, path) else { continue }
                keys(item, path, allowed: ["marker", "aliases", "channels"])
                guard let name = string(item["marker"], "\(path).marker", parent: item) else { continue }
                let marker = GatingTemplate.Marker(name: name, aliases: strings(item["aliases"], "\(path).aliases"),
                                                   channels: strings(item["channels"], "\(path).channels"))
                for alias in [name] + marker.aliases {
                    let key = GatingTemplate.normalised(alias)
                    if let other = seen[key], other != name {
                        issue(path, item, "name '\(alias)' already names marker '\(other)'")
                    }
                    seen[key] = name
                }
                markers.append(marker)
            }
            return markers
        }

        mutating func readMatrix(_ value: JSONValue, _ path: String, id: String) -> SpilloverMatrix? {
            guard let value = object(value, path) else { return nil }
            keys(value, path, allowed: ["channels", "fluorochromes", "detectors", "coefficients"])
            let channels = value["channels"].map { strings($0, "\(path).channels") }
            let fluorochromes = channels ?? strings(value["fluorochromes"], "\(path).fluorochromes")
            let detectors = channels ?? strings(value["detectors"], "\(path).detectors")
            guard let rows = value["coefficients"]?.array else {
                issue("\(path).coefficients", value, "expected an array of rows of numbers")
                return nil
            }
            let coefficients = rows.enumerated().compactMap { numbers($1, "\(path).coefficients[\($0)]", count: detectors.count) }
            guard coefficients.count == rows.count else { return nil }
            do {
                return try SpilloverMatrix(fluorochromes: fluorochromes, detectors: detectors, coefficients: coefficients, source: path)
            } catch {
                issue(path, value, "\(error)")
                return nil
            }
        }

        mutating func readCompensation(_ value: JSONValue?, matrices: inout [String: SpilloverMatrix]) -> GatingTemplate.CompensationSource? {
            guard let value else { return GatingTemplate.CompensationSource.none }
            guard let value = object(value, "compensation") else { return nil }
            keys(value, "compensation", allowed: ["source", "allow_missing", "path", "matrix"])
            let source = string(value["source"], "compensation.source", parent: value)
            switch source {
            case "file":
                return .file(allowMissing: value["allow_missing"]?.bool ?? false)
            case "none":
                return GatingTemplate.CompensationSource.none
            case "matrix":
                guard let id = string(value["matrix"], "compensation.matrix", parent: value) else { return nil }
                guard matrices[id] != nil else {
                    issue("compensation.matrix", value["matrix"], "expected the id of a matrix in 'matrices', found '\(id)'")
                    return nil
                }
                return .matrix(id)
            case "csv", "json":
                guard let file = string(value["path"], "compensation.path", parent: value) else { return nil }
                let full = file.hasPrefix("/") ? file : (folder as NSString).appendingPathComponent(file)
                guard let data = (try? InputFile.bytes(full)).map({ Data($0) }) else {
                    issue("compensation.path", value["path"], "expected a readable \((source ?? "").uppercased()) matrix file, found none at '\(full)'")
                    return nil
                }
                do {
                    matrices["template"] = source == "csv"
                        ? try SpilloverMatrix.csv(String(decoding: data, as: UTF8.self), source: full)
                        : try SpilloverMatrix.json(data, source: full)
                    return .matrix("template")
                } catch {
                    issue("compensation.path", value["path"], "\(error)")
                    return nil
                }
            case nil:
                return nil
            default:
                issue("compensation.source", value["source"], "expected file, none, matrix, csv or json, found '\(source ?? "")'")
                return nil
            }
        }

        mutating func readTransform(_ value: JSONValue, _ path: String) -> ScaleTransform? {
            guard let value = object(value, path) else { return nil }
            guard let type = string(value["type"], "\(path).type", parent: value) else { return nil }
            let parameters: [String]
            switch type {
            case "linear": parameters = ["T", "A"]
            case "log": parameters = ["T", "M"]
            case "asinh": parameters = ["T", "M", "A"]
            case "logicle", "hyperlog": parameters = ["T", "W", "M", "A"]
            case "flowjo_biex": parameters = ["negative", "width", "positive", "max_value"]
            case "ratio": parameters = ["A", "B", "C"]
            default:
                issue("\(path).type", value["type"], "expected linear, log, asinh, logicle, hyperlog, flowjo_biex or ratio, found '\(type)'")
                return nil
            }
            keys(value, path, allowed: ["type"] + parameters + (type == "ratio" ? ["numerator", "denominator"] : []))
            // The parameters in the order listed above; every one is read (and reported) before giving up.
            let read = parameters.map { number(value[$0], "\(path).\($0)", parent: value) }
            let p = read.compactMap { $0 }
            guard p.count == parameters.count else { return nil }
            do {
                switch type {
                case "linear": return .linear(try LinearTransform(T: p[0], A: p[1]))
                case "log": return .log(try LogTransform(T: p[0], M: p[1]))
                case "asinh": return .asinh(try AsinhTransform(T: p[0], M: p[1], A: p[2]))
                case "logicle": return .logicle(try LogicleTransform(T: p[0], W: p[1], M: p[2], A: p[3]))
                case "hyperlog": return .hyperlog(try HyperlogTransform(T: p[0], W: p[1], M: p[2], A: p[3]))
                case "flowjo_biex":
                    return .flowJoBiex(try FlowJoBiexTransform(negative: p[0], width: p[1], positive: p[2], maxValue: p[3]))
                default:
                    guard let numerator = string(value["numerator"], "\(path).numerator", parent: value),
                          let denominator = string(value["denominator"], "\(path).denominator", parent: value) else { return nil }
                    return .ratio(RatioTransform(A: p[0], B: p[1], C: p[2]), numerator: numerator, denominator: denominator)
                }
            } catch {
                issue(path, value, "\(error)")
                return nil
            }
        }

        mutating func readDimension(_ value: JSONValue, _ path: String, context: Context, bounds: Bool) -> (GateDimension, Double?, Double?)? {
            guard let value = object(value, path) else { return nil }
            keys(value, path, allowed: ["channel", "marker", "ratio", "compensated", "compensation", "transform"] + (bounds ? ["min", "max"] : []))
            var source: GateDimension.Source?
            let given = ["channel", "marker", "ratio"].filter { value[$0] != nil }
            if given.count != 1 {
                issue(path, value, "expected exactly one of channel, marker or ratio, found \(given.isEmpty ? "none" : given.joined(separator: ", "))")
            } else if let channel = value["channel"] {
                if let name = string(channel, "\(path).channel", parent: value) { source = .channel(name) }
            } else if let marker = value["marker"] {
                if let name = string(marker, "\(path).marker", parent: value) {
                    if context.panelNames.contains(GatingTemplate.normalised(name)) {
                        source = .marker(name)
                    } else {
                        issue("\(path).marker", marker, "expected a marker of the panel (\(context.panelList)), found '\(name)'")
                    }
                }
            } else if let ratio = value["ratio"], let id = string(ratio, "\(path).ratio", parent: value) {
                if case .ratio = context.transforms[id] { source = .ratio(id) }
                else if context.transformIDs.contains(id) && context.transforms[id] == nil { /* already reported */ }
                else { issue("\(path).ratio", ratio, "expected the id of a ratio transform, found '\(id)'") }
            }
            var compensation = CompensationReference.uncompensated
            if let named = value["compensation"] {
                if let id = string(named, "\(path).compensation", parent: value) {
                    switch id {
                    case "none", "uncompensated": compensation = .uncompensated
                    case "file", "FCS": compensation = .file
                    default:
                        if context.matrices[id] != nil { compensation = .matrix(id) }
                        else { issue("\(path).compensation", named, "expected none, file or the id of a matrix, found '\(id)'") }
                    }
                }
                if value["compensated"] != nil { issue(path, value, "give either compensated or compensation, not both") }
            } else if let flag = value["compensated"] {
                if let on = flag.bool {
                    if on {
                        switch context.compensation {
                        case .file: compensation = .file
                        case .matrix(let id): compensation = .matrix(id)
                        case .none?:
                            issue("\(path).compensated", flag, "the template's compensation source is none: set compensation.source to file, matrix, csv or json")
                        case nil: break
                        }
                    }
                } else {
                    issue("\(path).compensated", flag, "expected true or false, found \(flag.typeName)")
                }
            }
            var transform: String?
            if let t = value["transform"], !t.isNull, let id = string(t, "\(path).transform", parent: value) {
                if context.transformIDs.contains(id) {
                    if case .ratio = context.transforms[id] { issue("\(path).transform", t, "'\(id)' is a ratio: use it as \"ratio\"") }
                    transform = id
                } else {
                    issue("\(path).transform", t, "expected the id of a transform (\(context.transformList)), found '\(id)'")
                }
            }
            var minimum: Double?, maximum: Double?
            if bounds {
                minimum = number(value["min"], "\(path).min", parent: value, required: false)
                maximum = number(value["max"], "\(path).max", parent: value, required: false)
                if minimum == nil && maximum == nil && value["min"] == nil && value["max"] == nil {
                    issue(path, value, "expected min, max or both")
                }
                if let minimum, let maximum, minimum >= maximum { issue(path, value, "expected min < max, found \(minimum) ≥ \(maximum)") }
            }
            guard let source else { return nil }
            var dimension = GateDimension(channel: "", compensation: compensation, transform: transform)
            dimension.source = source
            return (dimension, minimum, maximum)
        }

        mutating func readDimensions(_ value: JSONValue?, _ path: String, parent: JSONValue, context: Context, bounds: Bool, count: Int? = nil) -> [(GateDimension, Double?, Double?)]? {
            guard let value, let items = value.array, !items.isEmpty else {
                issue(path, value ?? parent, "expected an array of dimensions")
                return nil
            }
            if let count, items.count != count {
                issue(path, value, "expected \(count) dimensions, found \(items.count)")
                return nil
            }
            if items.count > StructuralLimits.gateDimensions {
                issue(path, value, "expected at most \(StructuralLimits.gateDimensions) dimensions, found \(items.count)")
                return nil
            }
            let dimensions = items.enumerated().compactMap { readDimension($1, "\(path)[\($0)]", context: context, bounds: bounds) }
            return dimensions.count == items.count ? dimensions : nil
        }

        mutating func readGate(_ value: JSONValue?, _ path: String, parent: JSONValue, context: Context) -> Gate? {
            guard let value = object(value, path, parent: parent) else { return nil }
            guard let type = string(value["type"], "\(path).type", parent: value) else { return nil }
            switch type {
            case "rectangle", "range":
                keys(value, path, allowed: ["type", "dimensions"])
                guard let dims = readDimensions(value["dimensions"], "\(path).dimensions", parent: value, context: context, bounds: true) else { return nil }
                return .rectangle(RectangleGate(dimensions: dims.map(\.0), minimum: dims.map(\.1), maximum: dims.map(\.2)))
            case "polygon":
                keys(value, path, allowed: ["type", "dimensions", "vertices"])
                let dims = readDimensions(value["dimensions"], "\(path).dimensions", parent: value, context: context, bounds: false, count: 2)
                guard let items = value["vertices"]?.array, items.count >= 3 else {
                    issue("\(path).vertices", value["vertices"] ?? value, "expected at least 3 vertices [x, y]")
                    return nil
                }
                guard items.count <= StructuralLimits.polygonVertices else {
                    issue("\(path).vertices", value["vertices"], "expected at most \(StructuralLimits.polygonVertices) vertices, found \(items.count)")
                    return nil
                }
                let vertices = items.enumerated().compactMap { numbers($1, "\(path).vertices[\($0)]", count: 2) }
                guard let dims, vertices.count == items.count else { return nil }
                guard PolygonGate.enclosesArea(vertices) else {
                    issue("\(path).vertices", value["vertices"], "expected vertices that enclose an area, found them all on one line (no event could be inside)")
                    return nil
                }
                return .polygon(PolygonGate(dimensions: dims.map(\.0), vertices: vertices))
            case "ellipse", "ellipsoid":
                keys(value, path, allowed: ["type", "dimensions", "mean", "covariance", "distance_squared"])
                guard let dims = readDimensions(value["dimensions"], "\(path).dimensions", parent: value, context: context, bounds: false) else { return nil }
                let mean = numbers(value["mean"], "\(path).mean", count: dims.count)
                let rows = value["covariance"]?.array ?? []
                if rows.count != dims.count { issue("\(path).covariance", value["covariance"] ?? value, "expected a \(dims.count)×\(dims.count) matrix") }
                let covariance = rows.enumerated().compactMap { numbers($1, "\(path).covariance[\($0)]", count: dims.count) }
                let distance = number(value["distance_squared"], "\(path).distance_squared", parent: value)
                guard let mean, covariance.count == dims.count, let distance else { return nil }
                return .ellipsoid(EllipsoidGate(dimensions: dims.map(\.0), mean: mean, covariance: covariance, distanceSquare: distance))
            case "quadrant":
                keys(value, path, allowed: ["type", "dividers", "quadrants"])
                var dividers: [QuadrantGate.Divider] = []
                for (i, item) in (value["dividers"]?.array ?? []).enumerated() {
                    let dpath = "\(path).dividers[\(i)]"
                    guard let item = object(item, dpath) else { continue }
                    keys(item, dpath, allowed: ["id", "dimension", "cuts"])
                    guard let id = string(item["id"], "\(dpath).id", parent: item),
                          let dimensionValue = item["dimension"],
                          let dimension = readDimension(dimensionValue, "\(dpath).dimension", context: context, bounds: false),
                          let cuts = numbers(item["cuts"], "\(dpath).cuts") else { continue }
                    dividers.append(QuadrantGate.Divider(id: id, dimension: dimension.0, cuts: cuts.sorted()))
                }
                if dividers.isEmpty { issue("\(path).dividers", value["dividers"] ?? value, "expected at least one divider") }
                var quadrants: [QuadrantGate.Quadrant] = []
                let dividerIDs = Set(dividers.map(\.id))
                for (i, item) in (value["quadrants"]?.array ?? []).enumerated() {
                    let qpath = "\(path).quadrants[\(i)]"
                    guard let item = object(item, qpath) else { continue }
                    keys(item, qpath, allowed: ["id", "positions"])
                    guard let id = string(item["id"], "\(qpath).id", parent: item) else { continue }
                    var positions: [String: Double] = [:]
                    for member in item["positions"]?.members ?? [] {
                        guard dividerIDs.contains(member.key) else {
                            issue("\(qpath).positions.\(member.key)", member.value, "expected the id of a divider, found '\(member.key)'")
                            continue
                        }
                        if let location = number(member.value, "\(qpath).positions.\(member.key)", parent: item) { positions[member.key] = location }
                    }
                    quadrants.append(QuadrantGate.Quadrant(id: id, positions: positions))
                }
                if quadrants.isEmpty { issue("\(path).quadrants", value["quadrants"] ?? value, "expected at least one quadrant") }
                return .quadrant(QuadrantGate(dividers: dividers, quadrants: quadrants))
            case "boolean":
                keys(value, path, allowed: ["type", "op", "operands"])
                guard let opText = string(value["op"], "\(path).op", parent: value) else { return nil }
                guard let operation = BooleanGate.Operation(rawValue: opText) else {
                    issue("\(path).op", value["op"], "expected and, or or not, found '\(opText)'")
                    return nil
                }
                var operands: [BooleanGate.Operand] = []
                for (i, item) in (value["operands"]?.array ?? []).enumerated() {
                    let opath = "\(path).operands[\(i)]"
                    if let ref = item.string { operands.append(.init(reference: ref)); continue }
                    guard let item = object(item, opath) else { continue }
                    keys(item, opath, allowed: ["ref", "complement"])
                    guard let ref = string(item["ref"], "\(opath).ref", parent: item) else { continue }
                    operands.append(.init(reference: ref, complement: item["complement"]?.bool ?? false))
                }
                if operation == .not ? operands.count != 1 : operands.count < 2 {
                    issue("\(path).operands", value["operands"] ?? value, "expected \(operation == .not ? "one operand" : "two or more operands") for \(opText), found \(operands.count)")
                }
                return .boolean(BooleanGate(operation: operation, operands: operands))
            default:
                issue("\(path).type", value["type"], "expected rectangle, polygon, ellipse, quadrant or boolean, found '\(type)'")
                return nil
            }
        }

        mutating func readPopulations(_ value: JSONValue?, root: JSONValue, context: Context) -> [Population] {
            guard let value, let items = value.array else {
                issue("populations", value ?? root, "expected an array of populations")
                return []
            }
            guard items.count <= StructuralLimits.populations else {
                issue("populations", value, "expected at most \(StructuralLimits.populations) populations, found \(items.count)")
                return []
            }
            var populations: [Population] = []
            for (i, item) in items.enumerated() {
                let path = "populations[\(i)]"
                guard let item = object(item, path) else { continue }
                keys(item, path, allowed: ["id", "name", "parent", "gate"])
                guard let id = string(item["id"], "\(path).id", parent: item) else { continue }
                let parent = string(item["parent"], "\(path).parent", parent: item, required: false)
                if let gateValue = item["gate"], let type = gateValue["type"]?.string, GateMethod.types.contains(type) {
                    guard let method = readMethod(gateValue, "\(path).gate", type: type, context: context) else { continue }
                    populations.append(Population(id: id, parent: parent == "root" ? nil : parent, gate: method.placeholder,
                                                  name: item["name"]?.string, method: method))
                    continue
                }
                if let type = item["gate"]?["type"]?.string, !Self.fixedTypes.contains(type) {
                    issue("\(path).gate.type", item["gate"]?["type"],
                          "expected rectangle, polygon, ellipse, quadrant, boolean or a data-driven type (\(GateMethod.types.joined(separator: ", "))), found '\(type)'")
                    continue
                }
                guard let gate = readGate(item["gate"], "\(path).gate", parent: item, context: context) else { continue }
                populations.append(Population(id: id, parent: parent == "root" ? nil : parent, gate: gate, name: item["name"]?.string))
            }
            return populations
        }

        /// Duplicate ids, undefined parents and operands, and cycles, each at the population that has it.
        mutating func checkTree(_ strategy: GatingStrategy, root: JSONValue) {
            let items = root["populations"]?.array ?? []
            // Each id's first item and first population, looked up in constant time (the checks stay linear).
            var itemIndex: [String: Int] = [:]
            for (i, item) in items.enumerated() {
                if let id = item["id"]?.string, itemIndex[id] == nil { itemIndex[id] = i }
            }
            var populationIndex: [String: Int] = [:]
            for (i, population) in strategy.populations.enumerated() where populationIndex[population.id] == nil {
                populationIndex[population.id] = i
            }
            func location(_ id: String) -> (String, JSONValue?) {
                guard let i = itemIndex[id] else { return ("populations", root["populations"]) }
                return ("populations[\(i)]", items[i])
            }
            var seen: Set<String> = []
            var duplicated = false
            var total = 0
            for (i, item) in items.enumerated() {
                guard let id = item["id"]?.string else { continue }
                var ids = [id]
                if let p = populationIndex[id], case .quadrant(let g) = strategy.populations[p].gate { ids += g.quadrants.map(\.id) }
                total += ids.count
                if items.count <= StructuralLimits.populations, total > StructuralLimits.populations, total - ids.count <= StructuralLimits.populations {
                    issue("populations[\(i)]", item, "expected at most \(StructuralLimits.populations) populations (quadrants count one each), found more")
                }
                for one in ids where !seen.insert(one).inserted {
                    duplicated = true
                    issue("populations[\(i)].id", item["id"], "duplicate population id '\(one)'")
                }
            }
            for population in strategy.populations {
                let (path, value) = location(population.id)
                if let parent = population.parent, !seen.contains(parent) {
                    issue("\(path).parent", value?["parent"], "undefined parent '\(parent)'")
                }
                if case .boolean(let gate) = population.gate {
                    for operand in gate.operands where !seen.contains(operand.reference) {
                        issue("\(path).gate.operands", value?["gate"], "undefined population '\(operand.reference)'")
                    }
                }
            }
            if duplicated { return }
            for (index, depth) in StructuralLimits.tooDeep(strategy.populations) {
                let (path, value) = location(strategy.populations[index].id)
                issue("\(path).parent", value?["parent"], "expected at most \(StructuralLimits.depth) levels of parents, found \(depth)")
            }
            do {
                _ = try GatingEngine.dependencyOrder(strategy)
            } catch let error as GatingError where error.code == .cycle {
                let (path, value) = location(error.place)
                issue("\(path).parent", value?["parent"], error.message)
            } catch {}
        }

        mutating func readReadouts(_ value: JSONValue?, panel: [GatingTemplate.Marker], populations: [Population]) -> [GatingTemplate.Readout] {
            guard let value else { return [] }
            guard let items = value.array else { issue("readouts", value, "expected an array of readouts, found \(value.typeName)"); return [] }
            let ids = Set(populations.map(\.id) + populations.flatMap { p -> [String] in
                if case .quadrant(let g) = p.gate { return g.quadrants.map(\.id) } else { return [] } })
            var readouts: [GatingTemplate.Readout] = []
            let panelNames = Set(panel.map { GatingTemplate.normalised($0.name) })
            for (i, item) in items.enumerated() {
                let path = "readouts[\(i)]"
                guard let item = object(item, path) else { continue }
                keys(item, path, allowed: ["marker", "population", "threshold"])
                guard let marker = string(item["marker"], "\(path).marker", parent: item),
                      let population = string(item["population"], "\(path).population", parent: item) else { continue }
                if !panelNames.contains(GatingTemplate.normalised(marker)) {
                    issue("\(path).marker", item["marker"], "expected a marker of the panel, found '\(marker)'")
                }
                if !ids.contains(population) { issue("\(path).population", item["population"], "undefined population '\(population)'") }
                var threshold = GatingTemplate.Threshold.control(kind: "FMO", percentile: 99)
                if let t = item["threshold"], let t = object(t, "\(path).threshold") {
                    keys(t, "\(path).threshold", allowed: ["value", "control", "percentile", "gate"])
                    if let fixed = t["value"] {
                        if let v = number(fixed, "\(path).threshold.value", parent: t) { threshold = .fixed(v) }
                    } else if let gate = t["gate"] {
                        if let g = string(gate, "\(path).threshold.gate", parent: t) {
                            if !ids.contains(g) { issue("\(path).threshold.gate", gate, "undefined population '\(g)'") }
                            threshold = .gate(g)
                        }
                    } else {
                        let kind = t["control"]?.string ?? "FMO"
                        if !["FMO", "isotype"].contains(kind) { issue("\(path).threshold.control", t["control"], "expected FMO or isotype, found '\(kind)'") }
                        let percentile = t["percentile"]?.number ?? 99
                        if !(percentile > 0 && percentile < 100) { issue("\(path).threshold.percentile", t["percentile"], "expected a percentile between 0 and 100") }
                        threshold = .control(kind: kind, percentile: percentile)
                    }
                }
                readouts.append(.init(marker: marker, population: population, threshold: threshold))
            }
            return readouts
        }
    }
}
