import FCS
import Foundation
import Gating
import Plots

extension EditorSession {
    /// The selected gate on the selected sample: the parent's events as a density image (or histogram) without
    /// gates, in the gate's own space with the gallery's axes, for the page to draw editable gates over.
    public struct PlotData: Codable, Sendable {
        /// An axis in plotted (gate) units.
        public struct AxisData: Codable, Sendable {
            /// One tick.
            public struct Tick: Codable, Sendable {
                /// Position in plotted units.
                public var position: Double
                /// Label in data units; empty when the label is left out so the kept ones fit (``Axis/thinned(length:metrics:vertical:)``).
                public var label: String
                /// A minor tick (2–9 × 10ᵏ on a decade axis), drawn shorter.
                public var minor: Bool
            }
            /// Marker (channel) [transform].
            public var label: String
            /// The range shown.
            public var low: Double, high: Double
            /// Ticks.
            public var ticks: [Tick]
        }

        /// A gate drawn on the plot (the selected one or a sibling on the same parent and dimensions).
        public struct Drawn: Codable, Sendable {
            /// The population (gate) id.
            public var id: String
            /// Its coordinates.
            public var shape: GateShape
            /// Its result ids.
            public var results: [String]
            /// For a quadrant gate: per divider, 0 when it cuts the x axis, 1 the y axis.
            public var dividerAxes: [Int]?
            /// For a quadrant gate: per quadrant, its side of the first cut on x and on y (−1 below, 1 above, 0 not
            /// constrained), for placing its label.
            public var sides: [[Int]]?
        }

        /// The sample id.
        public var sample: String
        /// The selected population (gate) id.
        public var population: String
        /// `density` (2-D) or `histogram` (1-D).
        public var kind: String
        /// Image size in pixels.
        public var width: Int, height: Int
        /// The PNG image, base64.
        public var image: String
        /// The axes.
        public var x: AxisData, y: AxisData
        /// Histogram: events in the tallest bin (the image's bars are scaled to it, the top at 1/1.05 of the height).
        public var histogramTop: Int?
        /// The selected gate first, then its siblings.
        public var gates: [Drawn]
        /// Events in the parent.
        public var parentCount: Int
        /// Events per result id of the selected gate.
        public var counts: [String: Int]
        /// The template generation this plot belongs to.
        public var generation: Int
        /// Whether the selected gate's coordinates are the template's to edit (false for a data-driven gate).
        public var editable: Bool
        /// The data-driven method of the selected population (`mindensity`, …), nil for a fixed gate.
        public var method: String?
        /// This sample's own gate when it is not the template's (computed, pooled, override, fallback), drawn
        /// read-only.
        public var decision: Decision?

        /// A density gate's accepted bins: edges in gate units, runs `[x bin, first y bin, last y bin]`.
        public struct Bins: Codable, Sendable {
            /// Bin edges on x and on y.
            public var xEdges: [Double], yEdges: [Double]
            /// Accepted bins, per x bin a run of y bins (inclusive).
            public var runs: [[Int]]
        }

        /// The gate a sample was given and where it came from (a row of the batch's `gates.csv`).
        public struct Decision: Codable, Sendable {
            /// `computed`, `pooled:<key>`, `override` or `fallback`.
            public var source: String
            /// The method that decided (or the fixed gate's type).
            public var method: String
            /// The decision's flags (`REASON:…`, `TOO_FEW_EVENTS:…`, `FROM:<sample>`, …).
            public var flags: [String]
            /// What the page writes beside the gate: `computed (mindensity)`, `override: <reason>`, `fallback: <flags>`.
            public var label: String
            /// The coordinates, when the gate is a fixed kind on the plotted axes.
            public var gate: Drawn?
            /// The accepted bins of a density gate.
            public var bins: Bins?
        }
    }

    /// What a drag shows: the selected sample's counts for a gate not yet applied.
    public struct PreviewData: Codable, Sendable {
        /// Events per result id.
        public var counts: [String: Int]
        /// Events in the parent.
        public var parentCount: Int
        /// Milliseconds spent counting on the server.
        public var milliseconds: Double
    }

    /// The sample gated with the current template from its stored populations (only stale ones are gated), with
    /// its overrides given as the workers give them, and every population's decision on it.
    func gatedSession(_ index: Int) throws -> (session: GatingSession, template: GatingTemplate, generation: Int, decisions: [String: GateDecision]) {
        let (template, known, generation, failure, stored) = state.withLock { s in
            let sample = s.samples[index]
            return (s.template, Self.known(sample, template: s.template), s.generation, sample.failure, sample.decisions)
        }
        if let failure { throw EditorError(.unknown, place: samples[index].id, "the sample could not be gated: \(failure)") }
        let sample = try FCSFile.readSample(samples[index].file, options: reading)
        let session = try GatingSession(strategy: template.strategy(for: sample), sample: sample, known: known,
                                        given: given(index, template: template, sample: sample))
        return (session, template, generation, Self.merged(stored, known: known, with: session.result.decisions))
    }

    /// The plot of `population`'s gate on `sample`, `size` pixels wide; also keeps the parent's values for drags.
    ///
    /// A data-driven population is plotted in the dimensions of the gate this sample was given (computed, pooled,
    /// an override or the fallback), which is drawn read-only: ``PlotData/gates`` then holds only its fixed
    /// siblings. A fixed population's template gate stays first in ``PlotData/gates``, editable; an override of
    /// it on this sample is ``PlotData/decision``.
    public func plot(sample id: String, population populationID: String, size: Int = 400) throws -> PlotData {
        let index = try sampleIndex(id)
        let (gated, template, generation, decisions) = try gatedSession(index)
        let population = try Self.population(populationID, in: template)
        guard let position = template.strategy.populations.firstIndex(where: { $0.id == population.id }) else {
            throw EditorError(.unknown, place: "population", "expected a population of the template, found '\(populationID)'")
        }
        let decision = decisions[population.id]
        let editable = population.method == nil
        if case .boolean = population.gate {
            throw EditorError(.invalidGate, place: population.id, "a boolean gate has no axes to plot; select one of its operands")
        }
        // A `ref` gate has axes only through the gate it copies on this sample.
        guard !population.gate.dimensions.isEmpty || !(decision?.drawable?.dimensions.isEmpty ?? true) else {
            throw EditorError(.invalidGate, place: population.id, "no gate on this sample to plot (\(decision.map { Self.label($0) } ?? "not gated"))")
        }
        // A computed gate is plotted in its own dimensions (a method's, or its fallback's).
        let session = editable ? gated : try Self.showing(decision, at: position, in: gated)
        let resolved = session.strategy.populations[position]
        let dimensions = resolved.gate.dimensions
        let figure = try GatePlot(session: session, population: population.id, size: size)
        let parentEvents = resolved.parent.flatMap { gated.result.membership[$0] } ?? EventSet.all(gated.sample.eventCount)
        let xs = try gated.untransformedValues(dimensions[0])
        let xTransform = gated.transform(dimensions[0].transform)
        let bitmap: Bitmap
        var top: Int?
        if dimensions.count == 1 {
            let histogram = HistogramPlot(width: figure.density.width, height: figure.density.height, range: figure.density.x)
            bitmap = histogram.render(values: xs, events: parentEvents, thresholds: [], transform: xTransform)
            top = histogram.counts(xs, over: parentEvents, transform: xTransform).max() ?? 0
        } else {
            let ys = try gated.untransformedValues(dimensions[1])
            bitmap = figure.density.render(xs: xs, ys: ys, events: parentEvents, xTransform: xTransform, yTransform: gated.transform(dimensions[1].transform))
        }
        // The parent's values in gate units, for drags on this sample.
        if editable {
            let indices = parentEvents.indices
            var columns: [[Double]] = []
            for dimension in dimensions {
                let all = try gated.dimensionValues(dimension)
                columns.append(indices.map { all[$0] })
            }
            state.withLock { s in
                if s.generation == generation { s.preview = Preview(sample: index, population: population.id, values: GateShape.ParentValues(columns: columns)) }
            }
        }
        // Labels thinned as the gallery's figures thin them: 0 and the largest decades first, minor ones only when
        // fewer than two decades fit.
        func axis(_ axis: Axis, length: Int, vertical: Bool) -> PlotData.AxisData {
            PlotData.AxisData(label: axis.label, low: axis.range.low, high: axis.range.high,
                              ticks: axis.thinned(length: Double(length), vertical: vertical).ticks.map {
                                  PlotData.AxisData.Tick(position: $0.position, label: $0.label, minor: $0.minor)
                              })
        }
        // Fixed siblings on the same parent and axes (resolved: a computed gate's axes are the sample's channels).
        let siblings = template.strategy.populations.indices.filter { i in
            let other = template.strategy.populations[i]
            return other.id != population.id && other.method == nil && other.parent == population.parent
                && gated.strategy.populations[i].gate.dimensions == dimensions
        }.map { template.strategy.populations[$0] }
        let drawn = ((editable ? [population] : []) + siblings).map { shown in
            Self.drawn(shown.gate, id: shown.id, results: Self.resultIDs(shown), on: dimensions,
                       resolved: gated.strategy.populations.first { $0.id == shown.id }?.gate)
        }
        var counts: [String: Int] = [:]
        for result in Self.resultIDs(population) { counts[result] = gated.result.count(result) }
        return PlotData(sample: id, population: population.id, kind: dimensions.count == 1 ? "histogram" : "density",
                        width: figure.density.width, height: figure.density.height,
                        image: Data(PNGEncoder.encode(bitmap)).base64EncodedString(), x: axis(figure.x, length: figure.density.width, vertical: false),
                        y: axis(figure.y, length: figure.density.height, vertical: true),
                        histogramTop: top, gates: drawn, parentCount: parentEvents.count, counts: counts, generation: generation,
                        editable: editable, method: population.method?.name,
                        decision: decision.flatMap { $0.source == .template ? nil : Self.decided($0, population: population, on: dimensions) })
    }

    /// `gated` with `decision`'s gate in place of population `position`'s (every population's events given,
    /// nothing gated again), for plots that size their axes to, and draw, the gate the sample was given.
    static func showing(_ decision: GateDecision?, at position: Int, in gated: GatingSession) throws -> GatingSession {
        guard let decision, decision.source != .template, let gate = decision.drawable, !gate.dimensions.isEmpty,
              gate != gated.strategy.populations[position].gate else { return gated }
        var strategy = gated.strategy
        strategy.populations[position].gate = gate
        return try GatingSession(strategy: strategy, sample: gated.sample, known: gated.result.membership)
    }

    /// A gate as the page draws it; `resolved` (the sample's channels) tells a quadrant's dividers' axes.
    static func drawn(_ gate: Gate, id: String, results: [String], on dimensions: [GateDimension], resolved: Gate?) -> PlotData.Drawn {
        var axes: [Int]?
        var sides: [[Int]]?
        if case .quadrant(let q) = resolved ?? gate {
            let dividerAxes = q.dividers.map { $0.dimension == dimensions[0] ? 0 : 1 }
            axes = dividerAxes
            sides = q.quadrants.map { quadrant in
                var side = [0, 0]
                for (d, divider) in q.dividers.enumerated() {
                    guard let position = quadrant.positions[divider.id], let interval = divider.interval(of: position) else { continue }
                    side[dividerAxes[d]] = interval == 0 ? -1 : 1
                }
                return side
            }
        }
        return PlotData.Drawn(id: id, shape: GateShape(gate), results: results, dividerAxes: axes, sides: sides)
    }

    /// The page's read-only drawing of a sample's own decision: its coordinates when they lie on the plotted
    /// axes, its accepted bins for a density gate, and the label.
    static func decided(_ decision: GateDecision, population: Population, on dimensions: [GateDimension]) -> PlotData.Decision {
        var gate: PlotData.Drawn?
        var bins: PlotData.Bins?
        switch decision.gate {
        case .gate(let g) where g.dimensions == dimensions:
            gate = drawn(g, id: population.id, results: resultIDs(population), on: dimensions, resolved: g)
        case .bins(let b) where b.dimensions == dimensions:
            bins = PlotData.Bins(xEdges: b.xEdges, yEdges: b.yEdges, runs: b.runs)
        default: break
        }
        return PlotData.Decision(source: decision.source.text, method: decision.method, flags: decision.flags, label: label(decision),
                                 gate: gate, bins: bins)
    }

    /// `computed (mindensity)`, `pooled:<key> (mindensity)`, `override: <reason>`, `fallback: <flags>`; the
    /// other flags (`FROM:<sample>`, `REF:<population>`) follow.
    static func label(_ decision: GateDecision) -> String {
        let reason = decision.flags.first { $0.hasPrefix("REASON:") }.map { String($0.dropFirst("REASON:".count)) }
        let others = decision.flags.filter { !$0.hasPrefix("REASON:") }
        switch decision.source {
        case .override: return "override: " + (reason ?? "") + (others.isEmpty ? "" : " · " + others.joined(separator: " · "))
        case .fallback: return "fallback: " + (others.isEmpty ? decision.method : others.joined(separator: " · "))
        case .template: return "template"
        case .computed, .pooled: return "\(decision.source.text) (\(decision.method))" + (others.isEmpty ? "" : " · " + others.joined(separator: " · "))
        }
    }

    /// Counts of `population` on `sample` with `shape` in place of its gate, over the parent's stored values: what a
    /// drag shows before the edit is applied. The first call for a sample and gate reads the file.
    public func preview(sample id: String, population populationID: String, shape: GateShape) throws -> PreviewData {
        let index = try sampleIndex(id)
        let population = try Self.population(populationID, in: template)
        try refuseComputed(population)
        let gate = try shape.applied(to: population.gate, population: population.id)
        // A sample with its own gate for this population (an override) keeps it whatever the template's becomes:
        // its counts do not move while the template's gate is dragged.
        if overrides.overrides(forSample: id).contains(where: { $0.population == population.id }) {
            let stored = state.withLock { s -> (counts: [String: Int], parent: Int)? in
                let sample = s.samples[index]
                guard sample.failure == nil, !sample.stale.contains(population.id) else { return nil }
                let parent = population.parent.map { sample.counts[$0] ?? 0 } ?? sample.eventCount
                return (Dictionary(uniqueKeysWithValues: Self.resultIDs(population).map { ($0, sample.counts[$0] ?? 0) }), parent)
            }
            if let stored { return PreviewData(counts: stored.counts, parentCount: stored.parent, milliseconds: 0) }
        }
        var cached = state.withLock { s in s.preview.flatMap { $0.sample == index && $0.population == population.id ? $0.values : nil } }
        if cached == nil {
            _ = try plot(sample: id, population: population.id, size: 64)
            cached = state.withLock { s in s.preview.flatMap { $0.sample == index && $0.population == population.id ? $0.values : nil } }
        }
        guard let values = cached else {
            throw EditorError(.unknown, place: population.id, "the template changed while the sample was read; try again")
        }
        let start = DispatchTime.now()
        let counts = GateShape.counts(gate, id: population.id, in: values)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        return PreviewData(counts: counts, parentCount: values.count, milliseconds: elapsed)
    }

    /// A small PNG of `population`'s gate on `sample` as the gallery draws it (density with gate outlines), with
    /// the gate this sample was given (computed, pooled, override, fallback) in place of the template's.
    public func thumbnail(sample id: String, population populationID: String, size: Int = 96) throws -> [UInt8] {
        let index = try sampleIndex(id)
        let (gated, template, _, decisions) = try gatedSession(index)
        let population = try Self.population(populationID, in: template)
        guard let position = template.strategy.populations.firstIndex(where: { $0.id == population.id }) else {
            throw EditorError(.unknown, place: "population", "expected a population of the template, found '\(populationID)'")
        }
        let session = try Self.showing(decisions[population.id], at: position, in: gated)
        return try GatePlot(session: session, population: population.id, size: size).png()
    }
}
