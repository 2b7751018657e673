import Foundation
import Transforms

extension FlowJoWorkspace {
    /// A sample's id for overrides: its FCS file name without `.fcs`, `.lmd` or `.fcs.gz` (the batch's id for a folder).
    public static func sampleID(_ name: String) -> String {
        var stem = name
        for suffix in [".fcs.gz", ".FCS.gz", ".fcs", ".FCS", ".lmd", ".LMD"] where stem.hasSuffix(suffix) {
            stem.removeLast(suffix.count)
            break
        }
        return stem
    }

    /// The members of `group` whose copy of a group gate differs from the one `imported` holds (FlowJo's
    /// sample-specific gates, `owningGroup=""`): each becomes an override of that population for that sample, in the
    /// template's own dimensions and transforms. `groupNodes` are the group's gates the template was made from.
    /// What an override cannot express is listed with its XML path.
    func overrides(for imported: Imported, group: String, groupNodes: [Node]) throws -> (overrides: GateOverrides, warnings: [String]) {
        var result: [GateOverrides.Override] = []
        var warnings: [String] = []
        let byPath = Dictionary(groupNodes.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var seenIDs: [String: String] = [:]
        for member in try members(of: group) {
            let sampleID = Self.sampleID(member.name)
            if let other = seenIDs.updateValue(member.name, forKey: sampleID) {
                warnings.append("\(member.xmlPath): samples '\(other)' and '\(member.name)' share the id '\(sampleID)'; overrides of the second are not written")
                continue
            }
            // The first member's other gates are listed by template(group:); here the other members' own gates.
            for own in member.nodes where member.id != imported.sample.id && byPath[own.path] == nil && own.owningGroup.isEmpty {
                warnings.append("\(own.xmlPath): '\(own.path)' belongs to sample '\(member.name)' alone (no gate of group '\(group)' at this path); not imported")
            }
            let ownByPath = Dictionary(member.nodes.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
            for population in imported.template.strategy.populations {
                let paths = population.quadrantIDs.isEmpty ? [imported.paths[population.id]] : population.quadrantIDs.map { imported.paths[$0] }
                let differing = paths.compactMap { path -> (Node, Node)? in
                    guard let path, let mine = byPath[path], let own = ownByPath[path] else { return nil }
                    return own.dimensions == mine.dimensions && own.gate == mine.gate && own.complement == mine.complement ? nil : (own, mine)
                }
                guard let (own, mine) = differing.first else { continue }
                let reason = "FlowJo sample-specific gate (owningGroup \"\(own.owningGroup)\") of \(member.name) at \(own.path)"
                guard let gate = try overrideGate(own, like: mine, population: population, strategy: imported.template.strategy, sample: member) else {
                    warnings.append("\(own.xmlPath): \(member.name)'s '\(own.path)' differs from group '\(group)' but cannot be written as an override "
                                    + "of '\(population.id)' (\(population.gate.kind) in the template, \(own.gateType) on \(own.dimensions) here); the group's gate is used")
                    continue
                }
                result.append(GateOverrides.Override(sampleID: sampleID, population: population.id, gate: gate, reason: reason))
            }
        }
        return (GateOverrides(overrides: result), warnings)
    }

    /// `own` (a sample's copy of the group gate `mine`) in the template population's dimensions and transform
    /// units; nil for what an override cannot hold (boolean nodes, quadrants, other channels or gate kinds). Throws,
    /// as the import does for a group's gate, for what a template refuses: a coordinate that is not finite in those
    /// units (`checkFinite`) or a polygon that encloses no area there.
    func overrideGate(_ own: Node, like mine: Node, population: Population, strategy: GatingStrategy, sample: SampleEntry) throws -> Gate? {
        guard own.dimensions == mine.dimensions, !own.complement else { return nil }
        let dimensions = population.gate.dimensions
        guard dimensions.count == own.dimensions.count else { return nil }
        let scales = dimensions.map { $0.transform.flatMap { strategy.transforms[$0]?.transform } }
        func units(_ value: Double, _ i: Int) -> Double { scales[i]?.apply(value) ?? value }
        switch (own.gate, population.gate) {
        case (.rectangle(let minimum, let maximum), .rectangle):
            let rectangle = RectangleGate(dimensions: dimensions, minimum: minimum.indices.map { i in minimum[i].map { units($0, i) } },
                                          maximum: maximum.indices.map { i in maximum[i].map { units($0, i) } })
            try checkFinite([rectangle.minimum, rectangle.maximum], dimensions: own.dimensions, at: own.xmlPath)
            return .rectangle(rectangle)
        case (.polygon(let vertices), .polygon):
            let polygon = PolygonGate(dimensions: dimensions, vertices: vertices.map { v in v.indices.map { units(v[$0], $0) } })
            try checkFinite(polygon.vertices, dimensions: own.dimensions, at: own.xmlPath)
            guard polygon.enclosesArea else { throw FlowJoError(file: file, path: own.xmlPath, Self.flatPolygon) }
            return .polygon(polygon)
        case (.ellipse(let foci, let edges, _), .polygon):
            // As the import converts ellipses: FlowKit's polygon in the channel transforms' units, which the template's
            // polygon dimensions name.
            let ranges = own.dimensions.map { name -> Double in
                if case .flowJoBiex = sample.transforms[name] { return Double(FlowJoBiexTransform.channelRange) }
                return 1
            }
            guard dimensions.allSatisfy({ $0.transform != nil }),
                  let vertices = Self.ellipsePolygon(foci: foci, edges: edges, ranges: ranges) else { return nil }
            let polygon = PolygonGate(dimensions: dimensions, vertices: vertices)
            try checkFinite(polygon.vertices, dimensions: own.dimensions, at: own.xmlPath)
            guard polygon.enclosesArea else { throw FlowJoError(file: file, path: own.xmlPath, Self.flatPolygon) }
            return .polygon(polygon)
        default:
            return nil
        }
    }
}

extension Population {
    /// The ids of a quadrant gate's quadrants (empty for other gates).
    var quadrantIDs: [String] {
        if case .quadrant(let gate) = gate { return gate.quadrants.map(\.id) }
        return []
    }
}
