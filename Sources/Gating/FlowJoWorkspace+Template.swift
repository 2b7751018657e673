import Compensation
import Foundation
import Transforms

extension FlowJoWorkspace {
    /// A template made from a workspace, with what could not be carried over.
    public struct Imported: Sendable {
        /// The template (`flowstudy-gating/1`).
        public var template: GatingTemplate
        /// The sample whose gate copies were read.
        public var sample: SampleEntry
        /// Population id → FlowJo's slash path (without `root`), for every population imported.
        public var paths: [String: String]
        /// Everything read but skipped, each starting with its element path (the workspace's own warnings included).
        public var warnings: [String]

        /// The population id imported for a FlowJo slash path, if any.
        public func id(forPath path: String) -> String? { paths.first { $0.value == path }?.key }
    }

    /// The gates of `group` (those whose `owningGroup` is the group, read from the first sample of the group), or
    /// all gates of `sample`, or, with one sample and neither given, all of that sample's gates.
    ///
    /// Rectangles keep FlowJo's raw bounds with no transform (exact under any monotonic scale). Polygons are moved
    /// to the channel's transform: vertices and events are both transformed, as FlowJo and FlowKit gate them.
    /// Ellipses become 128-vertex polygons in transformed units, as FlowKit converts FlowJo's foci/edge form.
    /// `Comp-` channels are the detector compensated by the sample's matrix.
    public func template(group: String? = nil, sample: String? = nil) throws -> Imported {
        let rootPath = "/Workspace"
        let chosen: SampleEntry
        if let sample {
            guard let found = self.sample(named: sample) else {
                throw FlowJoError(file: file, path: "\(rootPath)/SampleList", "expected a SampleNode named '\(sample)', found \(samples.map(\.name))")
            }
            chosen = found
        } else if let group {
            guard let entry = self.group(named: group) else {
                throw FlowJoError(file: file, path: "\(rootPath)/Groups", "expected a GroupNode named '\(group)', found \(groups.map(\.name))")
            }
            guard let first = samples.first(where: { entry.sampleIDs.contains($0.id) }) else {
                throw FlowJoError(file: file, path: "\(rootPath)/Groups", "group '\(group)' has no samples to read its gates from")
            }
            chosen = first
        } else {
            guard samples.count == 1, let only = samples.first else {
                throw FlowJoError(file: file, path: "\(rootPath)/SampleList",
                                  "expected --group or --sample with \(samples.count) samples (groups: \(groups.map(\.name)))")
            }
            chosen = only
        }
        var warnings = self.warnings
        var kept: [Node] = []
        var keptPaths: Set<String> = []
        for node in chosen.nodes {
            if let group, node.owningGroup != group {
                warnings.append("\(node.xmlPath): '\(node.path)' is owned by \(node.owningGroup.isEmpty ? "the sample alone" : "group '\(node.owningGroup)'"), not '\(group)'; not imported")
                continue
            }
            if !node.parentPath.isEmpty && !keptPaths.contains(node.parentPath) {
                warnings.append("\(node.xmlPath): '\(node.path)' is skipped with its parent '\(node.parentPath)'")
                continue
            }
            if node.complement, case .boolean = node.gate {} else if node.complement {
                warnings.append("\(node.xmlPath): '\(node.path)' keeps the events outside its \(node.gateType) (eventsInside=0), which a FlowStudy gate cannot express; skipped")
                continue
            }
            kept.append(node)
            keptPaths.insert(node.path)
        }
        // Ids: the FlowJo name where unique, else the slash path.
        let nameCounts = Dictionary(kept.map { ($0.name, 1) }, uniquingKeysWith: +)
        var ids: [String: String] = [:]
        for node in kept { ids[node.path] = nameCounts[node.name] == 1 ? node.name : node.path }

        var transforms: [String: ScaleTransform] = [:]
        var transformOrder: [String] = []
        var matrices: [String: SpilloverMatrix] = [:]
        var populations: [Population] = []
        var paths: [String: String] = [:]
        var skipped: Set<String> = []

        func dimension(_ name: String, transformed: Bool) -> GateDimension {
            var channel = name, compensation = CompensationReference.uncompensated
            if let matrix = chosen.matrix, let detector = matrix.detector(of: name) {
                channel = detector
                compensation = .matrix(matrix.name)
                matrices[matrix.name] = matrix.spillover
            }
            var transformID: String?
            if transformed, let transform = chosen.transforms[name] {
                if transforms[name] == nil { transformOrder.append(name) }
                transforms[name] = transform
                transformID = name
            }
            return GateDimension(channel: channel, compensation: compensation, transform: transformID)
        }

        for node in kept {
            if !node.parentPath.isEmpty && skipped.contains(node.parentPath) {
                warnings.append("\(node.xmlPath): '\(node.path)' is skipped with its parent '\(node.parentPath)'")
                skipped.insert(node.path)
                continue
            }
            guard let id = ids[node.path] else { continue }
            let gate: Gate
            switch node.gate {
            case .rectangle(let minimum, let maximum):
                gate = .rectangle(RectangleGate(dimensions: node.dimensions.map { dimension($0, transformed: false) }, minimum: minimum, maximum: maximum))
            case .polygon(let vertices):
                let dimensions = node.dimensions.map { dimension($0, transformed: true) }
                let scales = node.dimensions.map { chosen.transforms[$0]?.transform }
                gate = .polygon(PolygonGate(dimensions: dimensions, vertices: vertices.map { v in
                    v.indices.map { scales[$0]?.apply(v[$0]) ?? v[$0] }
                }))
            case .ellipse(let foci, let edges, _):
                guard node.dimensions.allSatisfy({ chosen.transforms[$0] != nil }) else {
                    warnings.append("\(node.xmlPath): ellipse '\(node.path)' is on a channel without a transform, so its display-space points cannot be placed; skipped")
                    skipped.insert(node.path)
                    continue
                }
                let ranges = node.dimensions.map { name -> Double in
                    if case .flowJoBiex = chosen.transforms[name] { return Double(FlowJoBiexTransform.channelRange) }
                    return 1
                }
                guard let vertices = Self.ellipsePolygon(foci: foci, edges: edges, ranges: ranges) else {
                    throw FlowJoError(file: file, path: node.xmlPath, "expected an ellipse whose major axis can be told from its edge points, found none")
                }
                gate = .polygon(PolygonGate(dimensions: node.dimensions.map { dimension($0, transformed: true) }, vertices: vertices))
            case .boolean(let operation, let dependents):
                var operands: [BooleanGate.Operand] = []
                for dependent in dependents {
                    let trimmed = dependent.hasPrefix("/") ? String(dependent.dropFirst()) : dependent
                    guard let reference = ids[trimmed], !skipped.contains(trimmed) else {
                        throw FlowJoError(file: file, path: node.xmlPath, "expected Dependent '\(dependent)' to name an imported population, found none")
                    }
                    operands.append(BooleanGate.Operand(reference: reference, complement: false))
                }
                gate = .boolean(BooleanGate(operation: operation, operands: operands))
            }
            populations.append(Population(id: id, parent: node.parentPath.isEmpty ? nil : ids[node.parentPath], gate: gate,
                                          name: id == node.name ? nil : node.name))
            paths[id] = node.path
        }
        let strategy = GatingStrategy(populations: populations, transforms: transforms, matrices: matrices, allowMissingFileMatrix: false)
        let compensation: GatingTemplate.CompensationSource = chosen.matrix.map { .matrix($0.name) } ?? .none
        let name = group.map { "FlowJo group \($0)" } ?? "FlowJo sample \(chosen.name)"
        let template = GatingTemplate(name: name, description: "Imported from FlowJo workspace \((file as NSString).lastPathComponent)",
                                      compensation: compensation, strategy: strategy, transformOrder: transformOrder)
        return Imported(template: template, sample: chosen, paths: paths, warnings: warnings)
    }

    /// FlowJo's ellipse (two foci and four edge points in 0…256 display units) as a polygon of `count` vertices in
    /// transformed units (display / 256 × `ranges`), the way FlowKit converts it: the major semi-axis is the larger
    /// of the first and third edge points' distances along the rotated axes, the minor one follows from the foci.
    /// Nil when the major axis cannot be told.
    static func ellipsePolygon(foci: [[Double]], edges: [[Double]], ranges: [Double], count: Int = 128) -> [[Double]]? {
        let f = foci.map { $0.map { $0 / 256 } }, e = edges.map { $0.map { $0 / 256 } }
        let center = [(f[0][0] + f[1][0]) / 2, (f[0][1] + f[1][1]) / 2]
        let theta = atan((f[1][1] - f[0][1]) / (f[1][0] - f[0][0]))
        let c = cos(theta), s = sin(theta)
        func rotate(_ p: [Double]) -> [Double] {
            let x = p[0] - center[0], y = p[1] - center[1]
            return [x * c + y * s, -x * s + y * c]
        }
        let focus = rotate(f[0])
        let r1 = rotate(e[0]).map(abs), r3 = rotate(e[2]).map(abs)
        let p1 = r1[1] > r1[0] ? 1 : 0, p3 = r3[1] > r3[0] ? 1 : 0
        guard p1 != p3, !theta.isNaN else { return nil }
        let a = max(r1[p1], r3[p3])
        let b = abs(focus[0] * focus[0] - a * a).squareRoot()
        return (0..<count).map { i in
            let angle = 2 * Double.pi * Double(i) / Double(count)
            let x = p1 == 0 ? a * cos(angle) : b * cos(angle)
            let y = p1 == 0 ? b * sin(angle) : a * sin(angle)
            return [(x * c - y * s + center[0]) * ranges[0], (x * s + y * c + center[1]) * ranges[1]]
        }
    }
}
