import Compensation
import FCS
import Foundation
import Transforms

extension FlowJoWorkspace {
    /// The FlowStudy template a FlowStudy export carries in a group keyword (``FlowJoWorkspaceWriter/templateKeyword``),
    /// when the workspace still holds exactly what that template writes for `sample`: the same gates (`nodes`), the
    /// same transforms on their channels and the same matrix. Nil, with the reason in `warning`, when the gates were
    /// changed in FlowJo (the workspace's gates then win) or when there is no carried template.
    func carriedTemplate(for sample: SampleEntry, group: String?, nodes: [Node]) -> (imported: Imported?, warning: String?) {
        let owner = group.flatMap { self.group(named: $0) }
            ?? groups.first { $0.sampleIDs.contains(sample.id) && $0.keywords[FlowJoWorkspaceWriter.templateKeyword] != nil }
        guard let owner, let json = owner.keywords[FlowJoWorkspaceWriter.templateKeyword] else { return (nil, nil) }
        let place = "/Workspace/Groups (group '\(owner.name)', keyword \(FlowJoWorkspaceWriter.templateKeyword))"
        let template: GatingTemplate
        do {
            template = try TemplateReader.read(json, name: "\(file) \(place)")
        } catch {
            return (nil, "\(place): the carried FlowStudy template cannot be read (\(error)); the workspace's gates are imported")
        }
        let parameters = sample.parameters
        let pseudo = Sample(file: sample.name, keywords: Keywords(), parameters: parameters.enumerated().map {
            Parameter(index: $0.offset + 1, name: $0.element.name, marker: $0.element.marker, rangeText: sample.keywords["$P\($0.offset + 1)R"] ?? "262144")
        }, columns: [])
        let differs = "\(place): the workspace's gates, transforms or matrix differ from the FlowStudy template it carries (changed in FlowJo?): "
            + "the workspace's gates are imported, without the carried readouts, thresholds and min_events"
        do {
            let strategy = try template.strategy(for: pseudo)
            let expected = try FlowJoWorkspaceWriter.gates(strategy, group: owner.name, prefix: sample.matrix?.prefix, file: file,
                                                           pnn: { pseudo.parameterIndex($0).map { pseudo.parameters[$0].name } ?? $0 },
                                                           range: { label in pseudo.parameters.first { FlowJoWorkspaceWriter.flowJoLabel($0.name) == label }?.range ?? 262_144 })
            let same = expected.nodes.count == nodes.count && zip(expected.nodes, nodes).allSatisfy {
                $0.path == $1.path && $0.dimensions == $1.dimensions && $0.gate == $1.gate && $0.complement == $1.complement
            }
            let transformsAgree = expected.transforms.allSatisfy { channel, transform in
                sample.transforms[channel].map { FlowJoWorkspaceWriter.sameParameters(transform, $0) } ?? false
            }
            guard same, transformsAgree, Self.sameCompensation(strategy, template: template, sample: sample) else { return (nil, differs) }
            return (Imported(template: template, sample: sample, paths: expected.paths, warnings: warnings), nil)
        } catch {
            return (nil, differs)
        }
    }

    /// Whether the sample's matrix is the one the template's compensated gates name.
    static func sameCompensation(_ strategy: GatingStrategy, template: GatingTemplate, sample: SampleEntry) -> Bool {
        let references = Set(strategy.populations.flatMap { $0.gate.dimensions.map(\.compensation) }).subtracting([.uncompensated])
        switch references.first {
        case nil: return sample.matrix == nil
        case .file?: return sample.matrix == nil ? template.compensation == .file(allowMissing: true) : sample.matrix?.name == "Acquisition-defined"
        case .uncompensated?: return true
        case .matrix(let id)?:
            guard let matrix = sample.matrix, matrix.name == id, let own = strategy.matrices[id] else { return false }
            return own.coefficients.count == matrix.spillover.coefficients.count
                && zip(own.coefficients, matrix.spillover.coefficients).allSatisfy { zip($0, $1).allSatisfy { $0 == $1 } }
        }
    }
}

extension FlowJoWorkspaceWriter {
    /// A transform's kind and parameters, as FlowJo writes them.
    static func parameters(_ transform: ScaleTransform) -> (String, [Double]) {
        switch transform {
        case .linear(let t): ("linear", [t.T, t.A])
        case .log(let t): ("log", [t.T, t.M])
        case .asinh(let t): ("asinh", [t.T, t.M, t.A])
        case .logicle(let t): ("logicle", [t.T, t.W, t.M, t.A])
        case .hyperlog(let t): ("hyperlog", [t.T, t.W, t.M, t.A])
        case .flowJoBiex(let t): ("biex", [t.negative, t.width, t.positive, t.maxValue])
        case .ratio(let t, _, _): ("ratio", [t.A, t.B, t.C])
        }
    }

    /// The same kind with parameters equal to 1e-12 relative (FlowJo's `log` holds `offset`, so `T` comes back
    /// through `offset · 10^decades`).
    static func sameParameters(_ a: ScaleTransform, _ b: ScaleTransform) -> Bool {
        let (kindA, valuesA) = parameters(a), (kindB, valuesB) = parameters(b)
        return kindA == kindB && valuesA.count == valuesB.count
            && zip(valuesA, valuesB).allSatisfy { abs($0 - $1) <= 1e-12 * max(abs($0), abs($1)) }
    }
}
