import Foundation
import Compensation
import Transforms

/// Writes a template as `flowstudy-gating/1` JSON: two-space indentation, keys in a fixed order, numbers in
/// their shortest round-trip form, so converted templates diff cleanly.
public enum TemplateWriter {
    /// A template for a strategy read from Gating-ML: no panel, every dimension with an explicit compensation.
    public static func template(from strategy: GatingStrategy, name: String?) -> GatingTemplate {
        GatingTemplate(name: name, compensation: .file(allowMissing: true), strategy: strategy, readouts: [])
    }

    /// The JSON text, checked to read back: what another format holds and a template refuses (a Gating-ML polygon
    /// whose vertices lie on one line, a rectangle with min ≥ max) is a `TemplateError` for `source`, each problem
    /// at its JSON path with the population's id (no line: the text is not written), instead of a file FlowStudy
    /// would then refuse. `folder` resolves matrix files, as for the file being written.
    public static func readableJSON(_ template: GatingTemplate, source: String, folder: String = ".") throws -> String {
        let text = json(template)
        do {
            _ = try TemplateReader.read(text, name: source, folder: folder)
        } catch let error as TemplateError {
            let populations = template.strategy.populations
            let issues = error.issues.map { issue -> TemplateError.Issue in
                var path = issue.path
                // `populations[3]…` names a place in a file nobody has seen: say which population it is.
                if path.hasPrefix("populations["), let close = path.firstIndex(of: "]"),
                   let index = Int(path[path.index(path.startIndex, offsetBy: 12)..<close]), populations.indices.contains(index) {
                    path.insert(contentsOf: " (population '\(populations[index].id)')", at: path.index(after: close))
                }
                return TemplateError.Issue(path: path, line: nil, message: issue.message)
            }
            throw TemplateError(file: "\(source) as a FlowStudy template", issues: issues)
        }
        return text
    }

    /// The JSON text.
    public static func json(_ template: GatingTemplate) -> String {
        var members: [(String, String)] = [("format", quote(GatingTemplate.format))]
        if let name = template.name { members.append(("name", quote(name))) }
        if let description = template.description { members.append(("description", quote(description))) }
        if !template.panel.isEmpty {
            members.append(("panel", array(template.panel.map { marker in
                inline([("marker", quote(marker.name)), ("aliases", "[" + marker.aliases.map(quote).joined(separator: ", ") + "]"),
                        ("channels", "[" + marker.channels.map(quote).joined(separator: ", ") + "]")])
            }, indent: 1)))
        }
        switch template.compensation {
        case .file(let allowMissing): members.append(("compensation", inline([("source", quote("file")), ("allow_missing", allowMissing ? "true" : "false")])))
        case .none: members.append(("compensation", inline([("source", quote("none"))])))
        case .matrix(let id): members.append(("compensation", inline([("source", quote("matrix")), ("matrix", quote(id))])))
        }
        let matrices = template.strategy.matrices
        if !matrices.isEmpty {
            members.append(("matrices", object(matrices.sorted(by: { $0.key < $1.key }).map { id, m in
                return (id, inline([("fluorochromes", "[" + m.fluorochromes.map(quote).joined(separator: ", ") + "]"),
                                    ("detectors", "[" + m.detectors.map(quote).joined(separator: ", ") + "]"),
                                    ("coefficients", "[" + m.coefficients.map { "[" + $0.map(number).joined(separator: ", ") + "]" }.joined(separator: ", ") + "]")]))
            }, indent: 1)))
        }
        let transforms = template.strategy.transforms
        if !transforms.isEmpty {
            let order = template.transformOrder.filter { transforms[$0] != nil } + transforms.keys.sorted().filter { !template.transformOrder.contains($0) }
            members.append(("transforms", object(order.compactMap { id in transforms[id].map { (id, transform($0)) } }, indent: 1)))
        }
        members.append(("populations", array(template.strategy.populations.map(population), indent: 1)))
        if !template.readouts.isEmpty {
            members.append(("readouts", array(template.readouts.map { readout in
                let threshold: String
                switch readout.threshold {
                case .fixed(let value): threshold = inline([("value", number(value))])
                case .control(let kind, let percentile): threshold = inline([("control", quote(kind)), ("percentile", number(percentile))])
                case .gate(let id): threshold = inline([("gate", quote(id))])
                }
                return inline([("marker", quote(readout.marker)), ("population", quote(readout.population)), ("threshold", threshold)])
            }, indent: 1)))
        }
        members.append(("min_events", "\(template.minEvents)"))
        return object(members, indent: 0) + "\n"
    }

    /// One transform as its JSON object text.
    public static func transform(_ transform: ScaleTransform) -> String {
        switch transform {
        case .linear(let t): inline([("type", quote("linear")), ("T", number(t.T)), ("A", number(t.A))])
        case .log(let t): inline([("type", quote("log")), ("T", number(t.T)), ("M", number(t.M))])
        case .asinh(let t): inline([("type", quote("asinh")), ("T", number(t.T)), ("M", number(t.M)), ("A", number(t.A))])
        case .logicle(let t): inline([("type", quote("logicle")), ("T", number(t.T)), ("W", number(t.W)), ("M", number(t.M)), ("A", number(t.A))])
        case .hyperlog(let t): inline([("type", quote("hyperlog")), ("T", number(t.T)), ("W", number(t.W)), ("M", number(t.M)), ("A", number(t.A))])
        case .flowJoBiex(let t):
            inline([("type", quote("flowjo_biex")), ("negative", number(t.negative)), ("width", number(t.width)),
                    ("positive", number(t.positive)), ("max_value", number(t.maxValue))])
        case .ratio(let t, let numerator, let denominator):
            inline([("type", quote("ratio")), ("A", number(t.A)), ("B", number(t.B)), ("C", number(t.C)),
                    ("numerator", quote(numerator)), ("denominator", quote(denominator))])
        }
    }

    static func dimension(_ d: GateDimension, bounds: (Double?, Double?)? = nil) -> String {
        var members: [(String, String)]
        switch d.source {
        case .channel(let name): members = [("channel", quote(name))]
        case .marker(let name): members = [("marker", quote(name))]
        case .ratio(let id): members = [("ratio", quote(id))]
        }
        switch d.compensation {
        case .uncompensated: members.append(("compensation", quote("none")))
        case .file: members.append(("compensation", quote("file")))
        case .matrix(let id): members.append(("compensation", quote(id)))
        }
        if let transform = d.transform { members.append(("transform", quote(transform))) }
        if let bounds {
            if let low = bounds.0 { members.append(("min", number(low))) }
            if let high = bounds.1 { members.append(("max", number(high))) }
        }
        return inline(members)
    }

    /// One population as its JSON object text (the form templates write it in).
    public static func population(_ population: Population) -> String {
        var members = [("id", quote(population.id))]
        if let name = population.name { members.append(("name", quote(name))) }
        members.append(("parent", population.parent.map(quote) ?? "null"))
        members.append(("gate", population.method.map { method($0) } ?? gate(population.gate)))
        return inline(members)
    }

    /// One gate as its JSON object text (a population's `gate`, or an override's).
    public static func gate(_ gate: Gate) -> String {
        let members: [(String, String)]
        switch gate {
        case .rectangle(let g):
            members = [("type", quote("rectangle")),
                    ("dimensions", "[" + g.dimensions.indices.map { dimension(g.dimensions[$0], bounds: (g.minimum[$0], g.maximum[$0])) }.joined(separator: ", ") + "]")]
        case .polygon(let g):
            members = [("type", quote("polygon")), ("dimensions", "[" + g.dimensions.map { dimension($0) }.joined(separator: ", ") + "]"),
                    ("vertices", "[" + g.vertices.map { "[" + $0.map(number).joined(separator: ", ") + "]" }.joined(separator: ", ") + "]")]
        case .ellipsoid(let g):
            members = [("type", quote("ellipse")), ("dimensions", "[" + g.dimensions.map { dimension($0) }.joined(separator: ", ") + "]"),
                    ("mean", "[" + g.mean.map(number).joined(separator: ", ") + "]"),
                    ("covariance", "[" + g.covariance.map { "[" + $0.map(number).joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"),
                    ("distance_squared", number(g.distanceSquare))]
        case .quadrant(let g):
            members = [("type", quote("quadrant")),
                    ("dividers", "[" + g.dividers.map { inline([("id", quote($0.id)), ("dimension", dimension($0.dimension)),
                                                                ("cuts", "[" + $0.cuts.map(number).joined(separator: ", ") + "]")]) }.joined(separator: ", ") + "]"),
                    ("quadrants", "[" + g.quadrants.map { q in
                        inline([("id", quote(q.id)), ("positions", inline(q.positions.sorted { $0.key < $1.key }.map { ($0.key, number($0.value)) }))])
                    }.joined(separator: ", ") + "]")]
        case .boolean(let g):
            members = [("type", quote("boolean")), ("op", quote(g.operation.rawValue)),
                    ("operands", "[" + g.operands.map { inline([("ref", quote($0.reference)), ("complement", $0.complement ? "true" : "false")]) }.joined(separator: ", ") + "]")]
        }
        return inline(members)
    }

    static func inline(_ members: [(String, String)]) -> String {
        "{" + members.map { "\(quote($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }

    static func object(_ members: [(String, String)], indent: Int) -> String {
        let pad = String(repeating: "  ", count: indent + 1), close = String(repeating: "  ", count: indent)
        return "{\n" + members.map { "\(pad)\(quote($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n\(close)}"
    }

    static func array(_ items: [String], indent: Int) -> String {
        let pad = String(repeating: "  ", count: indent + 1), close = String(repeating: "  ", count: indent)
        return items.isEmpty ? "[]" : "[\n" + items.map { pad + $0 }.joined(separator: ",\n") + "\n\(close)]"
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    static func number(_ value: Double) -> String { GatingMLWriter.number(value) }
}
