import Compensation
import FCS
import Transforms

/// A FlowStudy gating template (`"format": "flowstudy-gating/1"`, documented in `docs/gating-templates.md`):
/// the panel, compensation, transforms, the population tree and the readouts.
///
/// Gates may name a *marker* of the panel rather than a channel, so one template serves every cytometer: the
/// marker is found in each sample by `$PnS` (the marker name or an alias, ignoring case, spaces and dashes, so
/// `HLA-DR`, `MHCII` and `MHC-II` are one marker), then by `$PnN` (the panel's channel names, `*` a wildcard).
public struct GatingTemplate: Sendable {
    /// The format this reader understands.
    public static let format = "flowstudy-gating/1"

    /// One marker of the panel.
    public struct Marker: Sendable, Equatable {
        /// The study's name for it (`HLA-DR`).
        public var name: String
        /// Other names written in `$PnS` (`MHCII`, `MHC-II`).
        public var aliases: [String]
        /// Channel names (`$PnN`) that carry it, `*` matching anything (`AF700-A`, `*700*`).
        public var channels: [String]
        /// Creates the value from its parts.
        public init(name: String, aliases: [String] = [], channels: [String] = []) {
            self.name = name
            self.aliases = aliases
            self.channels = channels
        }
    }

    /// Where compensation comes from when a dimension says `"compensated": true`.
    public enum CompensationSource: Sendable, Equatable {
        /// Each file's own `$SPILLOVER`/`SPILL`/`$COMP`; a file without one is an error unless `allowMissing`.
        case file(allowMissing: Bool)
        /// No compensation.
        case none
        /// A matrix of the template (`matrices`), or read from a CSV or JSON file, by id.
        case matrix(String)
    }

    /// How `% positive` is decided for a readout.
    public enum Threshold: Sendable, Equatable {
        /// A fixed value in compensated, untransformed units.
        case fixed(Double)
        /// A percentile (R type 7) of the same population in the matched control tube.
        case control(kind: String, percentile: Double)
        /// The events of a gate (the gate's population is the positives).
        case gate(String)
    }

    /// One readout: a marker on a population.
    public struct Readout: Sendable, Equatable {
        /// A panel marker.
        public var marker: String
        /// The population the readout is computed on.
        public var population: String
        /// How % positive is decided.
        public var threshold: Threshold
        /// Creates the value from its parts.
        public init(marker: String, population: String, threshold: Threshold) {
            self.marker = marker
            self.population = population
            self.threshold = threshold
        }
    }

    /// Template name.
    public var name: String?
    /// What the template is for.
    public var description: String?
    /// The markers and how to find them.
    public var panel: [Marker]
    /// Where `compensated: true` takes its matrix.
    public var compensation: CompensationSource
    /// Populations (gates whose dimensions may name markers), transforms and named matrices.
    public var strategy: GatingStrategy
    /// Transform ids in the order written (the strategy keeps them in a dictionary).
    public var transformOrder: [String]
    /// Marker × population readouts.
    public var readouts: [Readout]
    /// Populations with fewer events give NA statistics with a QC flag.
    public var minEvents: Int

    /// Creates the value from its parts.
    public init(name: String? = nil, description: String? = nil, panel: [Marker] = [], compensation: CompensationSource,
                strategy: GatingStrategy, transformOrder: [String]? = nil, readouts: [Readout] = [], minEvents: Int = 100) {
        self.name = name
        self.description = description
        self.panel = panel
        self.compensation = compensation
        self.strategy = strategy
        self.transformOrder = transformOrder ?? strategy.transforms.keys.sorted()
        self.readouts = readouts
        self.minEvents = minEvents
    }

    /// Letters and digits only, lower-cased: `HLA-DR`, `hla dr` and `HLADR` compare equal.
    public static func normalised(_ text: String) -> String {
        // Scalar by scalar into one view: building the result from Characters made a 3 MB `$PnS` cost seconds.
        var kept = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars where scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
            kept.append(scalar)
        }
        return String(kept)
    }

    /// The panel marker that `name` names (its name or an alias, compared as ``normalised(_:)`` does), or nil.
    public func panelMarker(named name: String) -> Marker? {
        let key = Self.normalised(name)
        return panel.first { ([$0.name] + $0.aliases).contains { Self.normalised($0) == key } }
    }

    /// One key per marker: the normalised panel name for a name or alias of the panel (`MHCII` and `HLA-DR`
    /// give one key when the panel lists `MHCII` as an alias of `HLA-DR`); other names normalised as they are.
    public func markerKey(_ name: String) -> String {
        Self.normalised(panelMarker(named: name)?.name ?? name)
    }

    /// Whether `name` matches the glob `pattern`, in which `*` stands for any run of characters; case is ignored.
    ///
    /// Greedy with backtracking to the last `*` only, which is exact for `*`-only globs: no recursion and no
    /// table, so a megabyte-long `$PnN` from a hostile file costs time proportional to its length times the
    /// pattern's at worst, and no memory beyond the two scalar arrays.
    static func matches(_ pattern: String, _ name: String) -> Bool {
        let p = Array(pattern.lowercased().unicodeScalars), n = Array(name.lowercased().unicodeScalars)
        var i = 0, j = 0
        var lastStar: (pattern: Int, name: Int)?  // the last `*` seen, and where in `name` its run ends now
        while j < n.count {
            if i < p.count && p[i] == "*" {
                lastStar = (i, j)
                i += 1
            } else if i < p.count && p[i] == n[j] {
                i += 1
                j += 1
            } else if let star = lastStar {
                // Let the last `*` take one more character, and match the rest of the pattern after it again.
                lastStar = (star.pattern, star.name + 1)
                i = star.pattern + 1
                j = star.name + 1
            } else {
                return false
            }
        }
        while i < p.count && p[i] == "*" { i += 1 }
        return i == p.count
    }

    /// The parameter index carrying `marker` in `sample`: by `$PnS`, then by `$PnN`; an error when none or
    /// several parameters match.
    public func parameterIndex(forMarker marker: String, in sample: Sample) throws -> Int {
        guard let entry = panel.first(where: { Self.normalised($0.name) == Self.normalised(marker) }) else {
            throw GatingError(.unknownChannel, place: sample.file, "marker '\(marker)' is not in the template's panel")
        }
        let names = Set(([entry.name] + entry.aliases).map(Self.normalised))
        let byMarker = sample.parameters.indices.filter { sample.parameters[$0].marker.map { names.contains(Self.normalised($0)) } ?? false }
        if byMarker.count == 1 { return byMarker[0] }
        if byMarker.count > 1 {
            throw GatingError(.unknownChannel, place: sample.file,
                "marker '\(marker)': expected one parameter, found \(byMarker.count) with $PnS \(byMarker.map { sample.parameters[$0].marker ?? "" })")
        }
        let byChannel = sample.parameters.indices.filter { i in entry.channels.contains { Self.matches($0, sample.parameters[i].name) } }
        if byChannel.count == 1 { return byChannel[0] }
        throw GatingError(.unknownChannel, place: sample.file,
            byChannel.isEmpty
                ? "marker '\(marker)': no parameter has $PnS \(([entry.name] + entry.aliases).joined(separator: " / ")) or $PnN \(entry.channels.joined(separator: " / "))"
                : "marker '\(marker)': expected one parameter, found \(byChannel.map { sample.parameters[$0].name })")
    }

    /// The channel (`$PnN`) carrying `marker` in `sample`.
    public func channel(forMarker marker: String, in sample: Sample) throws -> String {
        sample.parameters[try parameterIndex(forMarker: marker, in: sample)].name
    }

    /// The strategy with every marker resolved to `sample`'s channel.
    public func strategy(for sample: Sample) throws -> GatingStrategy {
        try resolved { try channel(forMarker: $0, in: sample) }
    }

    /// A gate written in the template's markers (an override's) with each marker resolved to `sample`'s channel.
    public func gate(_ gate: Gate, for sample: Sample) throws -> Gate {
        var copy = self
        copy.strategy = GatingStrategy(populations: [Population(id: "gate", parent: nil, gate: gate)], transforms: strategy.transforms,
                                       matrices: strategy.matrices)
        return try copy.strategy(for: sample).populations[0].gate
    }

    /// The strategy with each marker replaced by the panel's first channel name (for export).
    public func strategyWithPanelChannels() throws -> GatingStrategy {
        try resolved { marker in
            guard let entry = panel.first(where: { Self.normalised($0.name) == Self.normalised(marker) }),
                  let channel = entry.channels.first(where: { !$0.contains("*") }) else {
                throw GatingError(.unknownChannel, place: marker, "marker '\(marker)' has no plain channel name in the panel to export")
            }
            return channel
        }
    }

    private func resolved(_ channel: (String) throws -> String) throws -> GatingStrategy {
        var copy = strategy
        func fix(_ dimension: GateDimension) throws -> GateDimension {
            guard case .marker(let marker) = dimension.source else { return dimension }
            var resolved = dimension
            resolved.source = .channel(try channel(marker))
            return resolved
        }
        func fixGate(_ gate: Gate) throws -> Gate {
            switch gate {
            case .rectangle(var gate):
                gate.dimensions = try gate.dimensions.map(fix)
                return .rectangle(gate)
            case .polygon(var gate):
                gate.dimensions = try gate.dimensions.map(fix)
                return .polygon(gate)
            case .ellipsoid(var gate):
                gate.dimensions = try gate.dimensions.map(fix)
                return .ellipsoid(gate)
            case .quadrant(var gate):
                for d in gate.dividers.indices { gate.dividers[d].dimension = try fix(gate.dividers[d].dimension) }
                return .quadrant(gate)
            case .boolean:
                return gate
            }
        }
        for i in copy.populations.indices {
            copy.populations[i].gate = try fixGate(copy.populations[i].gate)
            if var method = copy.populations[i].method {
                method.dimensions = try method.dimensions.map(fix)
                if case .fixed(let gate) = method.onFailure { method.onFailure = .fixed(try fixGate(gate)) }
                copy.populations[i].method = method
            }
        }
        return copy
    }
}
