import Foundation
import Transforms

extension FlowJoWorkspaceWriter {
    /// One sample's gates as FlowJo stores them, with the transform each FlowJo channel gets.
    public struct SampleGates: Sendable {
        /// The populations, parents before children (FlowJo's raw coordinates; ellipses in display space).
        public var nodes: [FlowJoWorkspace.Node]
        /// FlowJo channel name (`FSC-A`, `Comp-FITC-A`) → its transform, in first-use order.
        public var transforms: [(channel: String, transform: ScaleTransform)]
        /// Population id (quadrant ids included) → FlowJo slash path.
        public var paths: [String: String]
        /// Gates written in another form than FlowStudy's (an ellipse FlowJo cannot hold as one).
        public var notes: [String]
    }

    /// `strategy`'s gates (markers already resolved) as FlowJo stores them for one sample.
    ///
    /// - `prefix`: the compensated channels' prefix (`Comp-`), or nil when the sample has no matrix (compensated
    ///   dimensions are then written bare, as FlowStudy gates a file without a spillover when that is allowed).
    /// - `pnn`: the `$PnN` of a channel named by `$PnN` or `$PnS`; `range`: its `$PnR` (for the linear transform
    ///   written on untransformed channels).
    public static func gates(_ strategy: GatingStrategy, group: String, prefix: String?, file: String,
                             pnn: (String) -> String = { $0 }, range: (String) -> Double = { _ in 262_144 }) throws -> SampleGates {
        func fail(_ population: Population, _ message: String) -> FlowJoError {
            FlowJoError(file: file, path: "populations[\(strategy.populations.firstIndex { $0.id == population.id } ?? 0)] (\(population.id))", message)
        }
        func channelName(_ dimension: GateDimension, of population: Population) throws -> String {
            guard case .channel(let channel) = dimension.source else {
                throw fail(population, "expected a channel dimension, found \(dimension.label): FlowJo has no ratio dimension (a FlowJo derived parameter is not written)")
            }
            let name = flowJoLabel(pnn(channel))
            guard dimension.compensation != .uncompensated, let prefix else { return name }
            return prefix + name
        }

        // FlowJo has one transform per channel: polygons and ellipses need theirs (vertices are raw), rectangles
        // only display through it.
        struct Choice { var id: String?; var population: String }
        var required: [String: Choice] = [:], preferred: [String: Choice] = [:], order: [String] = []
        for population in strategy.populations {
            let shaped: Bool
            switch population.gate {
            case .polygon, .ellipsoid: shaped = true
            default: shaped = false
            }
            for dimension in population.gate.dimensions {
                let name = try channelName(dimension, of: population)
                if !order.contains(name) { order.append(name) }
                if shaped {
                    if let earlier = required[name], !sameTransform(earlier.id, dimension.transform, strategy) {
                        throw fail(population, "expected one transform per FlowJo channel: '\(name)' is gated through "
                                   + "\(dimension.transform ?? "no transform") here and through \(earlier.id ?? "no transform") in '\(earlier.population)'")
                    }
                    required[name] = Choice(id: dimension.transform, population: population.id)
                } else if preferred[name] == nil || preferred[name]?.id == nil {
                    preferred[name] = Choice(id: dimension.transform, population: population.id)
                }
            }
        }
        var channelTransforms: [String: ScaleTransform] = [:]
        var linearChannels: Set<String> = []
        for name in order {
            let id = (required[name] ?? preferred[name])?.id
            if let id, let transform = strategy.transforms[id] {
                if case .ratio = transform { continue }
                channelTransforms[name] = transform
            } else {
                let bare = prefix.map { name.hasPrefix($0) ? String(name.dropFirst($0.count)) : name } ?? name
                channelTransforms[name] = .linear(try LinearTransform(T: range(bare), A: 0))
                linearChannels.insert(name)
            }
        }
        // FlowKit reads a Comp- channel through the bare channel's transform: give the bare one the same when free.
        if let prefix {
            for name in order where name.hasPrefix(prefix) {
                let bare = String(name.dropFirst(prefix.count))
                if !order.contains(bare), let transform = channelTransforms[name] {
                    order.append(bare)
                    channelTransforms[bare] = transform
                }
            }
        }

        // Paths: FlowJo names (display name, else id) under the parent's path; quadrants are siblings.
        var paths: [String: String] = [:]
        var siblings: [String: Set<String>] = [:]
        func place(_ name: String, parent: String?, of population: Population) throws -> String {
            guard !name.contains("/") else { throw fail(population, "expected a FlowJo population name without '/', found '\(name)'") }
            let parentPath = try parent.map { p -> String in
                guard let path = paths[p] else { throw fail(population, "expected parent '\(p)' to be written before it") }
                return path
            } ?? ""
            guard siblings[parentPath, default: []].insert(name).inserted else {
                throw fail(population, "expected unique population names under one parent in FlowJo, found '\(name)' twice")
            }
            let path = parentPath.isEmpty ? name : parentPath + "/" + name
            // What the import refuses is not written. (An imported complement gate comes back as a helper
            // population named "<name> (inside)", FlowJoWorkspace.makeTemplate: its path is longer than the original's.)
            guard path.utf8.count <= StructuralLimits.populationPathBytes else {
                throw fail(population, "expected a FlowJo population path (its name and its parents', joined by /) of at most \(StructuralLimits.populationPathBytes) bytes, found \(path.utf8.count)")
            }
            return path
        }
        var nodes: [FlowJoWorkspace.Node] = []
        var notes: [String] = []
        func node(_ path: String, _ dimensions: [String], _ gate: FlowJoWorkspace.RawGate, _ type: String) -> FlowJoWorkspace.Node {
            let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            let name = String(path.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
            return FlowJoWorkspace.Node(name: name, parentPath: parent, dimensions: dimensions, gate: gate, complement: false, gateType: type,
                                        count: -1, owningGroup: group, xmlPath: "")
        }
        func raw(_ value: Double, _ dimension: GateDimension) -> Double {
            guard let id = dimension.transform, let transform = strategy.transforms[id]?.transform else { return value }
            return transform.inverse(value)
        }

        for population in strategy.populations {
            switch population.gate {
            case .rectangle(let gate):
                let path = try place(population.name ?? population.id, parent: population.parent, of: population)
                let names = try gate.dimensions.map { try channelName($0, of: population) }
                nodes.append(node(path, names, .rectangle(minimum: gate.dimensions.indices.map { i in gate.minimum[i].map { raw($0, gate.dimensions[i]) } },
                                                          maximum: gate.dimensions.indices.map { i in gate.maximum[i].map { raw($0, gate.dimensions[i]) } }),
                                  "RectangleGate"))
                paths[population.id] = path
            case .polygon(let gate):
                let path = try place(population.name ?? population.id, parent: population.parent, of: population)
                let names = try gate.dimensions.map { try channelName($0, of: population) }
                nodes.append(node(path, names, .polygon(vertices: gate.vertices.map { v in v.indices.map { raw(v[$0], gate.dimensions[$0]) } }), "PolygonGate"))
                paths[population.id] = path
            case .ellipsoid(let gate):
                let path = try place(population.name ?? population.id, parent: population.parent, of: population)
                let names = try gate.dimensions.map { try channelName($0, of: population) }
                guard gate.dimensions.count == 2 else { throw fail(population, "expected a 2-dimensional ellipse (FlowJo's form), found \(gate.dimensions.count) dimensions") }
                // Display units (0…256) are FlowKit's normalised transform output × 256: an affine map of the gate's units.
                let maps = gate.dimensions.indices.map { i -> (scale: Double, offset: Double) in
                    if gate.dimensions[i].transform != nil, case .flowJoBiex = channelTransforms[names[i]] { return (1 / Double(FlowJoBiexTransform.channelRange), 0) }
                    if gate.dimensions[i].transform != nil || !linearChannels.contains(names[i]) { return (1, 0) }
                    guard case .linear(let t) = channelTransforms[names[i]] else { return (1, 0) }
                    return (1 / (t.T + t.A), t.A / (t.T + t.A))
                }
                if let form = ellipseForm(gate, maps: maps) {
                    nodes.append(node(path, names, .ellipse(foci: form.foci, edges: form.edges, distance: form.distance), "EllipsoidGate"))
                } else {
                    // A circle has no foci to tell its axes by (FlowKit cannot read one): its 128-vertex polygon.
                    let vertices = FlowJoWorkspace.ellipsePolygon(circle: gate)
                    nodes.append(node(path, names, .polygon(vertices: vertices.map { v in v.indices.map { raw(v[$0], gate.dimensions[$0]) } }), "PolygonGate"))
                    notes.append("\(population.id): a circular ellipse has no foci for FlowJo's form; written as its 128-vertex polygon")
                }
                paths[population.id] = path
            case .quadrant(let gate):
                for quadrant in gate.quadrants {
                    let path = try place(quadrant.id, parent: population.parent, of: population)
                    var names: [String] = [], minimum: [Double?] = [], maximum: [Double?] = []
                    for divider in gate.dividers {
                        guard let location = quadrant.positions[divider.id], let k = divider.interval(of: location) else { continue }
                        names.append(try channelName(divider.dimension, of: population))
                        minimum.append(k > 0 ? raw(divider.cuts[k - 1], divider.dimension) : nil)
                        maximum.append(k < divider.cuts.count ? raw(divider.cuts[k], divider.dimension) : nil)
                    }
                    guard !names.isEmpty else { throw fail(population, "expected quadrant '\(quadrant.id)' to name a divider") }
                    nodes.append(node(path, names, .rectangle(minimum: minimum, maximum: maximum), "RectangleGate"))
                    paths[quadrant.id] = path
                }
            case .boolean(let gate):
                let path = try place(population.name ?? population.id, parent: population.parent, of: population)
                let dependents = try gate.operands.map { operand -> String in
                    guard !operand.complement else {
                        throw fail(population, "expected operands without complement: FlowJo's boolean nodes cannot take the events outside '\(operand.reference)'")
                    }
                    guard let target = paths[operand.reference] else { throw fail(population, "expected operand '\(operand.reference)' to be written before it") }
                    return target
                }
                let type = gate.operation == .and ? "AndNode" : gate.operation == .or ? "OrNode" : "NotNode"
                nodes.append(node(path, [], .boolean(gate.operation, dependents: dependents), type))
                paths[population.id] = path
            }
        }
        return SampleGates(nodes: nodes, transforms: order.compactMap { name in channelTransforms[name].map { (name, $0) } }, paths: paths, notes: notes)
    }

    /// FlowJo's label for a `$PnN`: `/` is written `_` (FlowJo renames such channels; FlowKit reads them so).
    public static func flowJoLabel(_ pnn: String) -> String { pnn.replacingOccurrences(of: "/", with: "_") }

    /// Whether two transform ids (nil: none) name the same transform.
    static func sameTransform(_ a: String?, _ b: String?, _ strategy: GatingStrategy) -> Bool {
        if a == b { return true }
        guard let a, let b, let ta = strategy.transforms[a], let tb = strategy.transforms[b] else { return false }
        return TemplateWriter.transform(ta) == TemplateWriter.transform(tb)
    }

    /// FlowJo's ellipse: two foci, four edge points (major axis ends, then minor axis ends) and the major axis
    /// length, in display units (0…256), for `gate` mapped to FlowKit's normalised units by `maps`; nil for a circle.
    static func ellipseForm(_ gate: EllipsoidGate, maps: [(scale: Double, offset: Double)]) -> (foci: [[Double]], edges: [[Double]], distance: Double)? {
        let m = [gate.mean[0] * maps[0].scale + maps[0].offset, gate.mean[1] * maps[1].scale + maps[1].offset]
        let c = gate.covariance
        // Σ' = S Σ S with S = diag(scale).
        let sxx = c[0][0] * maps[0].scale * maps[0].scale, syy = c[1][1] * maps[1].scale * maps[1].scale
        let sxy = c[0][1] * maps[0].scale * maps[1].scale
        let mean = (sxx + syy) / 2, spread = (((sxx - syy) / 2) * ((sxx - syy) / 2) + sxy * sxy).squareRoot()
        let major = mean + spread, minor = mean - spread
        guard minor > 0, spread > 1e-9 * major, gate.distanceSquare > 0 else { return nil }
        let angle = 0.5 * atan2(2 * sxy, sxx - syy)
        let u = [cos(angle), sin(angle)], v = [-sin(angle), cos(angle)]
        let d = gate.distanceSquare.squareRoot()
        let a = d * major.squareRoot(), b = d * minor.squareRoot(), f = (a * a - b * b).squareRoot()
        func point(_ along: [Double], _ length: Double) -> [Double] { [256 * (m[0] + along[0] * length), 256 * (m[1] + along[1] * length)] }
        return ([point(u, f), point(u, -f)], [point(u, a), point(u, -a), point(v, b), point(v, -b)], 512 * a)
    }
}

extension FlowJoWorkspace {
    /// An ellipse gate as a `count`-vertex polygon in the gate's own units: `mean + √d² · L (cos θ, sin θ)` with
    /// `L Lᵀ = Σ` (Cholesky).
    static func ellipsePolygon(circle gate: EllipsoidGate, count: Int = 128) -> [[Double]] {
        let c = gate.covariance, d = gate.distanceSquare.squareRoot()
        let l11 = c[0][0].squareRoot(), l21 = c[1][0] / l11, l22 = (c[1][1] - l21 * l21).squareRoot()
        return (0..<count).map { i in
            let angle = 2 * Double.pi * Double(i) / Double(count)
            let x = cos(angle), y = sin(angle)
            return [gate.mean[0] + d * l11 * x, gate.mean[1] + d * (l21 * x + l22 * y)]
        }
    }
}
