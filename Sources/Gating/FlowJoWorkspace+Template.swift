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
        /// With a group: the members whose copy of a group gate differs (FlowJo sample-specific gates), by FCS file stem.
        public var overrides = GateOverrides()

        /// The population id imported for a FlowJo slash path, if any.
        public func id(forPath path: String) -> String? { paths.first { $0.value == path }?.key }
    }

    /// The gates of `group` (those whose `owningGroup` is the group: each taken from the first member sample that
    /// has it as a group gate, so a member's sample-specific copy does not hide it), or all gates of `sample`, or,
    /// with one sample and neither given, all of that sample's gates. Transforms and the matrix are the first
    /// member's (or the sample's).
    ///
    /// Rectangles keep FlowJo's raw bounds with no transform (exact under any monotonic scale). Polygons are moved
    /// to the channel's transform: vertices and events are both transformed, as FlowJo and FlowKit gate them.
    /// Ellipses become 128-vertex polygons in transformed units, as FlowKit converts FlowJo's foci/edge form.
    /// Dimension names are matched back to the sample's channels by ``resolveDimension(_:in:)``: `Comp-` (the
    /// matrix's prefix and suffix) and FlowJo's renamings (`Fj_Comp_`, `FJComp-`, `<…>`) are the detector
    /// compensated by the sample's matrix, a `$PnS` is its `$PnN`. The `Acquisition-defined` matrix is each
    /// file's own spillover keyword; a matrix made in FlowJo is carried in the template by its name.
    public func template(group: String? = nil, sample: String? = nil) throws -> Imported {
        let rootPath = "/Workspace"
        let chosen: SampleEntry
        var candidates: [Node]
        if let sample {
            guard let found = self.sample(named: sample) else {
                throw FlowJoError(file: file, path: "\(rootPath)/SampleList", "expected a SampleNode named '\(sample)', found \(samples.map(\.name))")
            }
            chosen = found
            candidates = found.nodes
        } else if let group {
            let members = try self.members(of: group)
            guard let first = members.first else {
                throw FlowJoError(file: file, path: "\(rootPath)/Groups", "group '\(group)' has no samples to read its gates from")
            }
            chosen = first
            candidates = Self.groupNodes(group, members: members)
        } else {
            guard samples.count == 1, let only = samples.first else {
                throw FlowJoError(file: file, path: "\(rootPath)/SampleList",
                                  "expected --group or --sample with \(samples.count) samples (groups: \(groups.map(\.name)))")
            }
            chosen = only
            candidates = only.nodes
        }
        var warnings = self.warnings
        if let group {
            let taken = Set(candidates.map(\.path))
            for node in chosen.nodes where node.owningGroup != group && !taken.contains(node.path) {
                warnings.append("\(node.xmlPath): '\(node.path)' is owned by \(node.owningGroup.isEmpty ? "the sample alone" : "group '\(node.owningGroup)'"), not '\(group)'; not imported")
            }
            candidates = candidates.filter { $0.owningGroup == group }
        }
        // A FlowStudy export carries its template: used as it is while the workspace still holds what it writes.
        let carried = carriedTemplate(for: chosen, group: group, nodes: candidates)
        var imported: Imported
        if let found = carried.imported {
            imported = found
        } else {
            if let warning = carried.warning { warnings.append(warning) }
            imported = try makeTemplate(nodes: candidates, sample: chosen, name: group.map { "FlowJo group \($0)" } ?? "FlowJo sample \(chosen.name)",
                                        warnings: warnings)
        }
        if let group {
            let (overrides, notes) = try self.overrides(for: imported, group: group, groupNodes: candidates)
            imported.overrides = overrides
            imported.warnings += notes
        }
        return imported
    }

    /// The member samples of `group`, in document order.
    func members(of group: String) throws -> [SampleEntry] {
        guard let entry = self.group(named: group) else {
            throw FlowJoError(file: file, path: "/Workspace/Groups", "expected a GroupNode named '\(group)', found \(groups.map(\.name))")
        }
        let ids = Set(entry.sampleIDs)
        return samples.filter { ids.contains($0.id) }
    }

    /// Every gate owned by `group` across `members` (first member that has it wins), parents before children.
    static func groupNodes(_ group: String, members: [SampleEntry]) -> [Node] {
        var found: [Node] = []
        var seen: Set<String> = []
        for member in members {
            for node in member.nodes where node.owningGroup == group && !seen.contains(node.path) {
                found.append(node)
                seen.insert(node.path)
            }
        }
        // Stable reorder so that each parent precedes its children (a parent may come from a later member).
        var ordered: [Node] = [], placed: Set<String> = []
        var pending = found
        while !pending.isEmpty {
            let ready = pending.filter { $0.parentPath.isEmpty || placed.contains($0.parentPath) || !seen.contains($0.parentPath) }
            if ready.isEmpty { ordered += pending; break }
            ordered += ready
            placed.formUnion(ready.map(\.path))
            pending.removeAll { placed.contains($0.path) }
        }
        return ordered
    }

    /// How a FlowJo dimension name maps to a channel of `sample`.
    public enum ResolvedDimension: Sendable, Equatable {
        /// A channel (`$PnN` where the workspace's keywords tell it), compensated by the sample's matrix or not.
        case channel(String, compensated: Bool)
        /// A FlowJo derived parameter, which FlowStudy cannot compute.
        case derived
    }

    /// FlowJo's names for a compensated channel besides the matrix's own prefix and suffix: `Fj_Comp_` (a matrix
    /// embedded in the workspace), `FJComp-` (channels FlowJo exported compensated), `<…>` (FlowJo 9).
    static let compensatedRenamings = ["Fj_Comp_", "FJComp-", "FJComp_", "Comp-"]

    /// Matches a dimension name back to `sample`'s channel: a derived parameter; the matrix's `prefix`+detector+`suffix`;
    /// a FlowJo renaming of a detector of the matrix (``compensatedRenamings``, `<…>`); a `$PnN`; a `$PnS` (its
    /// `$PnN`); else the name as written.
    public static func resolveDimension(_ name: String, in sample: SampleEntry) -> ResolvedDimension {
        resolveDimension(name, in: sample, names: ParameterNames(sample.parameters))
    }

    /// The same, with the sample's ``ParameterNames`` built once for all its dimensions.
    static func resolveDimension(_ name: String, in sample: SampleEntry, names: ParameterNames) -> ResolvedDimension {
        if sample.derivedParameters.contains(name) { return .derived }
        func pnn(_ text: String) -> String? { names.pnn(text) }
        if let matrix = sample.matrix {
            if let detector = matrix.detector(of: name) { return .channel(pnn(detector) ?? detector, compensated: true) }
            var bare: String?
            if name.hasPrefix("<") && name.hasSuffix(">") && name.count > 2 { bare = String(name.dropFirst().dropLast()) }
            for prefix in compensatedRenamings where name.lowercased().hasPrefix(prefix.lowercased()) && name.count > prefix.count {
                bare = String(name.dropFirst(prefix.count))
                break
            }
            if let bare, !names.pnns.contains(name) {
                let detectors = matrix.spillover.detectors
                if detectors.contains(bare) { return .channel(pnn(bare) ?? bare, compensated: true) }
                if let mapped = pnn(bare), detectors.contains(mapped) { return .channel(mapped, compensated: true) }
            }
        }
        return .channel(pnn(name) ?? name, compensated: false)
    }

    /// A sample's parameters indexed by each name a FlowJo dimension may use, so that matching one costs a few
    /// lookups, not a pass over the parameters (with a label made for each): gates × dimensions × parameters.
    struct ParameterNames {
        /// The `$PnN`s.
        let pnns: Set<String>
        /// `$PnS` → the `$PnN` of the first parameter with it; FlowJo label → the same.
        let byMarker: [String: String], byLabel: [String: String]

        init(_ parameters: [(name: String, marker: String?)]) {
            pnns = Set(parameters.map(\.name))
            byMarker = Dictionary(parameters.compactMap { p in p.marker.map { ($0, p.name) } }, uniquingKeysWith: { first, _ in first })
            byLabel = Dictionary(parameters.map { (FlowJoWorkspaceWriter.flowJoLabel($0.name), $0.name) }, uniquingKeysWith: { first, _ in first })
        }

        /// The `$PnN` a FlowJo name refers to: a `$PnN`, a `$PnS`, or FlowJo's label of a `$PnN` (`/` written `_`,
        /// ``FlowJoWorkspaceWriter/flowJoLabel(_:)``), in that order; nil when none.
        func pnn(_ text: String) -> String? { pnns.contains(text) ? text : byMarker[text] ?? byLabel[text] }
    }

    /// The template for `nodes` of `sample` (parents before children).
    func makeTemplate(nodes candidates: [Node], sample chosen: SampleEntry, name: String, warnings: [String]) throws -> Imported {
        var warnings = warnings
        var kept: [Node] = []
        var keptPaths: Set<String> = []
        var dropped: Set<String> = []
        let parameterNames = ParameterNames(chosen.parameters)
        let known = parameterNames.pnns
        for node in candidates {
            if !node.parentPath.isEmpty && !keptPaths.contains(node.parentPath) {
                warnings.append("\(node.xmlPath): '\(node.path)' is skipped with its parent '\(node.parentPath)'")
                dropped.insert(node.path)
                continue
            }
            if let derived = node.dimensions.first(where: { Self.resolveDimension($0, in: chosen, names: parameterNames) == .derived }) {
                warnings.append("\(node.xmlPath): '\(node.path)' gates derived parameter '\(derived)', which FlowStudy cannot compute; skipped")
                dropped.insert(node.path)
                continue
            }
            if !known.isEmpty, let unknown = node.dimensions.first(where: {
                guard case .channel(let channel, _) = Self.resolveDimension($0, in: chosen, names: parameterNames) else { return false }
                return !known.contains(channel)
            }) {
                warnings.append("\(node.xmlPath): '\(node.path)' gates '\(unknown)', which is not a parameter of the sample ($PnN or $PnS in its "
                                + "keywords: a keyword or a value FlowJo computes?); skipped")
                dropped.insert(node.path)
                continue
            }
            kept.append(node)
            keptPaths.insert(node.path)
        }
        try Self.checkCycles(kept, file: file)
        // Ids: the FlowJo name where unique, else the slash path.
        let nameCounts = Dictionary(kept.map { ($0.name, 1) }, uniquingKeysWith: +)
        var ids: [String: String] = [:]
        for node in kept { ids[node.path] = nameCounts[node.name] == 1 ? node.name : node.path }
        var usedIDs = Set(ids.values)

        var transforms: [String: ScaleTransform] = [:]
        var transformOrder: [String] = []
        var matrices: [String: SpilloverMatrix] = [:]
        var populations: [Population] = []
        var paths: [String: String] = [:]
        var xmlPaths: [String: String] = [:]  // population id → the XML path of its node, for warnings
        var skipped = dropped
        // Paths of any sample: a dependent that exists but was not taken is skipped, one that exists nowhere is an error.
        let everyPath = Set(samples.flatMap { $0.nodes.map(\.path) })
        let fileMatrix = chosen.matrix?.name == "Acquisition-defined"

        func transformKey(_ name: String) -> String? {
            guard chosen.transforms[name] == nil else { return name }
            guard case .channel(let channel, let compensated) = Self.resolveDimension(name, in: chosen, names: parameterNames) else { return nil }
            let names = [channel, FlowJoWorkspaceWriter.flowJoLabel(channel)]
            if compensated, let matrix = chosen.matrix,
               let key = names.map({ matrix.prefix + $0 + matrix.suffix }).first(where: { chosen.transforms[$0] != nil }) {
                return key
            }
            return names.first { chosen.transforms[$0] != nil }
        }
        func dimension(_ name: String, transformed: Bool) -> GateDimension {
            var channel = name, compensation = CompensationReference.uncompensated
            if case .channel(let resolved, let compensated) = Self.resolveDimension(name, in: chosen, names: parameterNames) {
                channel = resolved
                if compensated, let matrix = chosen.matrix {
                    if fileMatrix {
                        compensation = .file
                    } else {
                        compensation = .matrix(matrix.name)
                        if matrices[matrix.name] == nil { matrices[matrix.name] = Self.renamed(matrix.spillover, in: chosen) }
                    }
                }
            }
            var transformID: String?
            if transformed, let key = transformKey(name), let transform = chosen.transforms[key] {
                if transforms[key] == nil { transformOrder.append(key) }
                transforms[key] = transform
                transformID = key
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
                let scales = node.dimensions.map { transformKey($0).flatMap { chosen.transforms[$0]?.transform } }
                let polygon = PolygonGate(dimensions: dimensions, vertices: vertices.map { v in v.indices.map { scales[$0]?.apply(v[$0]) ?? v[$0] } })
                try checkFinite(polygon.vertices, dimensions: node.dimensions, at: node.xmlPath)
                // FlowStudy's templates refuse a polygon that holds no event; FlowJo draws (and FlowKit gates) it in
                // the transform's units, so that is where it is judged.
                guard polygon.enclosesArea else { throw FlowJoError(file: file, path: node.xmlPath, Self.flatPolygon) }
                gate = .polygon(polygon)
            case .ellipse(let foci, let edges, _):
                let keys = node.dimensions.map(transformKey)
                guard keys.allSatisfy({ $0 != nil }) else {
                    warnings.append("\(node.xmlPath): ellipse '\(node.path)' is on a channel without a transform, so its display-space points cannot be placed; skipped")
                    skipped.insert(node.path)
                    continue
                }
                let ranges = keys.map { key -> Double in
                    if case .flowJoBiex = key.flatMap({ chosen.transforms[$0] }) { return Double(FlowJoBiexTransform.channelRange) }
                    return 1
                }
                guard let vertices = Self.ellipsePolygon(foci: foci, edges: edges, ranges: ranges) else {
                    throw FlowJoError(file: file, path: node.xmlPath, "expected an ellipse whose major axis can be told from its edge points, found none")
                }
                let polygon = PolygonGate(dimensions: node.dimensions.map { dimension($0, transformed: true) }, vertices: vertices)
                try checkFinite(polygon.vertices, dimensions: node.dimensions, at: node.xmlPath)
                guard polygon.enclosesArea else { throw FlowJoError(file: file, path: node.xmlPath, Self.flatPolygon) }
                gate = .polygon(polygon)
            case .boolean(let operation, let dependents):
                var operands: [BooleanGate.Operand] = []
                var missing: String?
                for dependent in dependents {
                    let trimmed = Self.dependentPath(dependent)
                    if skipped.contains(trimmed) || (ids[trimmed] == nil && everyPath.contains(trimmed)) { missing = trimmed; break }
                    guard let reference = ids[trimmed] else {
                        throw FlowJoError(file: file, path: node.xmlPath, "expected Dependent '\(dependent)' to name a population of the workspace, found none")
                    }
                    operands.append(BooleanGate.Operand(reference: reference, complement: false))
                }
                if let missing {
                    warnings.append("\(node.xmlPath): '\(node.path)' depends on '\(missing)', which is not imported; skipped")
                    skipped.insert(node.path)
                    continue
                }
                gate = .boolean(BooleanGate(operation: operation, operands: operands))
            }
            let parent = node.parentPath.isEmpty ? nil : ids[node.parentPath]
            if node.complement {
                // eventsInside="0": the parent's events outside the gate. A FlowStudy gate keeps those inside, so the
                // gate becomes a helper population and this one its NOT (evaluated within the same parent).
                var helper = id + " (inside)"
                while usedIDs.contains(helper) { helper += "'" }
                usedIDs.insert(helper)
                populations.append(Population(id: helper, parent: parent, gate: gate))
                xmlPaths[helper] = node.xmlPath
                populations.append(Population(id: id, parent: parent, gate: .boolean(BooleanGate(operation: .not, operands: [.init(reference: helper)])),
                                              name: id == node.name ? nil : node.name))
                warnings.append("\(node.xmlPath): '\(node.path)' keeps the events outside its \(node.gateType) (eventsInside=0): imported as "
                                + "NOT of the helper population '\(helper)'")
            } else {
                populations.append(Population(id: id, parent: parent, gate: gate, name: id == node.name ? nil : node.name))
            }
            paths[id] = node.path
            xmlPaths[id] = node.xmlPath
        }
        // In tree order, so that the warnings come in the same order on every run.
        let skippedNodes = kept.filter { skipped.contains($0.path) }.compactMap { node in ids[node.path].map { ($0, node.path) } }
        Self.dropDependents(of: skippedNodes, from: &populations, paths: &paths, xmlPaths: xmlPaths, warnings: &warnings)
        // The template names the sample's own matrix even when no imported gate is compensated: it must hold it.
        if let matrix = chosen.matrix, !fileMatrix, matrices[matrix.name] == nil {
            matrices[matrix.name] = Self.renamed(matrix.spillover, in: chosen)
        }
        let strategy = GatingStrategy(populations: populations, transforms: transforms, matrices: matrices, allowMissingFileMatrix: false)
        let compensation: GatingTemplate.CompensationSource = chosen.matrix.map { fileMatrix ? .file(allowMissing: false) : .matrix($0.name) } ?? .none
        let template = GatingTemplate(name: name, description: "Imported from FlowJo workspace \((file as NSString).lastPathComponent)",
                                      compensation: compensation, strategy: strategy, transformOrder: transformOrder)
        return Imported(template: template, sample: chosen, paths: paths, warnings: warnings)
    }

    /// Removes, with a warning each, every population that depends on a skipped one (`skipped`) through its
    /// parent or a boolean operand, and so on down. Nodes are imported in tree order, not in dependency order, so
    /// a boolean can be imported before an operand elsewhere in the tree is skipped (an ellipse FlowStudy cannot
    /// place; found by fuzzing). A walk over the dependents: linear in the populations and operands.
    static func dropDependents(of skipped: [(id: String, path: String)], from populations: inout [Population],
                               paths: inout [String: String], xmlPaths: [String: String], warnings: inout [String]) {
        var dependents: [String: [Int]] = [:]  // id → the populations naming it as parent or operand
        for (index, population) in populations.enumerated() {
            if let parent = population.parent { dependents[parent, default: []].append(index) }
            if case .boolean(let gate) = population.gate {
                for operand in gate.operands { dependents[operand.reference, default: []].append(index) }
            }
        }
        var queue = skipped[...], dropped: Set<Int> = []  // first in, first out: warnings level by level
        while let (id, path) = queue.popFirst() {
            for index in dependents[id] ?? [] where dropped.insert(index).inserted {
                let population = populations[index]
                let own = paths[population.id] ?? population.id
                warnings.append("\(xmlPaths[population.id].map { $0 + ": " } ?? "")'\(own)' depends on '\(path)', which is not imported; skipped")
                queue.append((population.id, own))
            }
        }
        guard !dropped.isEmpty else { return }
        for index in dropped { paths[populations[index].id] = nil }
        populations = populations.indices.filter { !dropped.contains($0) }.map { populations[$0] }
    }

    /// A workspace matrix with its detectors named by the sample's `$PnN` (FlowJo writes `/` as `_`).
    static func renamed(_ matrix: SpilloverMatrix, in sample: SampleEntry) -> SpilloverMatrix {
        let parameterNames = ParameterNames(sample.parameters)
        let names = matrix.detectors.map { parameterNames.pnn($0) ?? $0 }
        guard names != matrix.detectors, Set(names).count == names.count,
              let renamed = try? SpilloverMatrix(fluorochromes: names, detectors: names, coefficients: matrix.coefficients, source: matrix.source) else {
            return matrix
        }
        return renamed
    }

    /// A `Dependent/@name` as a slash path without `root`.
    static func dependentPath(_ dependent: String) -> String {
        var path = dependent.hasPrefix("/") ? String(dependent.dropFirst()) : dependent
        if path.hasPrefix("root/") { path.removeFirst("root/".count) }
        return path
    }


    /// Refuses a population that depends on itself through parents and boolean dependents (depth-first, with an
    /// explicit stack: a long chain of dependents cannot exhaust the call stack).
    static func checkCycles(_ nodes: [Node], file: String) throws {
        var edges: [String: [String]] = [:]
        for node in nodes {
            var next = node.parentPath.isEmpty ? [] : [node.parentPath]
            if case .boolean(_, let dependents) = node.gate { next += dependents.map(dependentPath) }
            edges[node.path] = next
        }
        var state: [String: Int] = [:]  // 1 on the current trail, 2 done
        for node in nodes where state[node.path] == nil {
            var trail: [(path: String, next: Int)] = [(node.path, 0)]
            state[node.path] = 1
            while let top = trail.last {
                let targets = edges[top.path] ?? []
                guard top.next < targets.count else {
                    state[top.path] = 2
                    trail.removeLast()
                    continue
                }
                trail[trail.count - 1].next += 1
                let target = targets[top.next]
                guard edges[target] != nil else { continue }
                switch state[target] {
                case 1?:
                    let start = trail.firstIndex { $0.path == target } ?? 0
                    let loop = trail[start...].map(\.path) + [target]
                    let place = nodes.first { $0.path == target }?.xmlPath ?? node.xmlPath
                    throw FlowJoError(file: file, path: place, "expected populations without a dependency cycle, found \(loop.joined(separator: " → "))")
                case 2?:
                    continue
                default:
                    state[target] = 1
                    trail.append((target, 0))
                }
            }
        }
    }

    /// Why a polygon gate is refused: after its move into the transform's units, it encloses no area.
    static let flatPolygon = "expected a polygon that encloses an area (in the channel transforms' units), found its vertices all on one line: no event could be inside"

    /// Throws unless every coordinate of a gate moved into the transforms' units is finite: a transform with extreme
    /// parameters (a logicle `M` of 4e8, found by fuzzing) sends ordinary raw values to ±infinity, which no template
    /// can hold (its JSON has no infinity, and the import must read back as itself). `dimensions` name the columns.
    func checkFinite(_ coordinates: [[Double?]], dimensions: [String], at path: String) throws {
        for point in coordinates {
            for (i, value) in point.enumerated() {
                guard let value, !value.isFinite else { continue }
                let channel = i < dimensions.count ? " on '\(dimensions[i])'" : ""
                throw FlowJoError(file: file, path: path, "expected gate coordinates that are finite in the channel transforms' units, found \(value)\(channel): the transform's parameters send the gate's raw values out of range")
            }
        }
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
