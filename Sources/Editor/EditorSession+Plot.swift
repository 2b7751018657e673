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
                /// Label in data units.
                public var label: String
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

    /// The sample gated with the current template from its stored populations (only stale ones are gated).
    func gatedSession(_ index: Int) throws -> (GatingSession, GatingTemplate, Int) {
        let (template, known, generation, failure) = state.withLock { s in
            var known: [String: EventSet] = [:]
            let sample = s.samples[index]
            for population in s.template.strategy.populations where !sample.stale.contains(population.id) {
                for id in Self.resultIDs(population) { known[id] = sample.membership[id] }
            }
            return (s.template, known, s.generation, sample.failure)
        }
        if let failure { throw EditorError(.unknown, place: samples[index].id, "the sample could not be gated: \(failure)") }
        let sample = try FCSFile.readSample(samples[index].file, options: reading)
        return (try GatingSession(strategy: template.strategy(for: sample), sample: sample, known: known), template, generation)
    }

    /// The plot of `population`'s gate on `sample`, `size` pixels wide; also keeps the parent's values for drags.
    public func plot(sample id: String, population populationID: String, size: Int = 400) throws -> PlotData {
        let index = try sampleIndex(id)
        let (session, template, generation) = try gatedSession(index)
        let population = try Self.population(populationID, in: template)
        guard let position = template.strategy.populations.firstIndex(where: { $0.id == population.id }) else {
            throw EditorError(.unknown, place: "population", "expected a population of the template, found '\(populationID)'")
        }
        guard !population.gate.dimensions.isEmpty else {
            throw EditorError(.invalidGate, place: population.id, "a boolean gate has no axes to plot; select one of its operands")
        }
        let resolved = session.strategy.populations[position]
        let dimensions = resolved.gate.dimensions
        let figure = try GatePlot(session: session, population: population.id, size: size)
        let parentEvents = resolved.parent.flatMap { session.result.membership[$0] } ?? EventSet.all(session.sample.eventCount)
        let xs = try session.untransformedValues(dimensions[0])
        let xTransform = session.transform(dimensions[0].transform)
        let bitmap: Bitmap
        var top: Int?
        if dimensions.count == 1 {
            let histogram = HistogramPlot(width: figure.density.width, height: figure.density.height, range: figure.density.x)
            bitmap = histogram.render(values: xs, events: parentEvents, thresholds: [], transform: xTransform)
            top = histogram.counts(xs, over: parentEvents, transform: xTransform).max() ?? 0
        } else {
            let ys = try session.untransformedValues(dimensions[1])
            bitmap = figure.density.render(xs: xs, ys: ys, events: parentEvents, xTransform: xTransform, yTransform: session.transform(dimensions[1].transform))
        }
        // The parent's values in gate units, for drags on this sample.
        let indices = parentEvents.indices
        var columns: [[Double]] = []
        for dimension in dimensions {
            let all = try session.dimensionValues(dimension)
            columns.append(indices.map { all[$0] })
        }
        state.withLock { s in
            if s.generation == generation { s.preview = Preview(sample: index, population: population.id, values: GateShape.ParentValues(columns: columns)) }
        }
        func axis(_ axis: Axis) -> PlotData.AxisData {
            PlotData.AxisData(label: axis.label, low: axis.range.low, high: axis.range.high,
                              ticks: axis.ticks.map { PlotData.AxisData.Tick(position: $0.position, label: $0.label) })
        }
        let siblings = template.strategy.populations.filter {
            $0.id != population.id && $0.parent == population.parent && $0.gate.dimensions == population.gate.dimensions
        }
        let drawn = ([population] + siblings).map { p -> PlotData.Drawn in
            var axes: [Int]?
            var sides: [[Int]]?
            if case .quadrant(let q) = p.gate {
                let dividerAxes = q.dividers.map { $0.dimension == population.gate.dimensions[0] ? 0 : 1 }
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
            return PlotData.Drawn(id: p.id, shape: GateShape(p.gate), results: Self.resultIDs(p), dividerAxes: axes, sides: sides)
        }
        var counts: [String: Int] = [:]
        for result in Self.resultIDs(population) { counts[result] = session.result.count(result) }
        return PlotData(sample: id, population: population.id, kind: dimensions.count == 1 ? "histogram" : "density",
                        width: figure.density.width, height: figure.density.height,
                        image: Data(PNGEncoder.encode(bitmap)).base64EncodedString(), x: axis(figure.x), y: axis(figure.y),
                        histogramTop: top, gates: drawn, parentCount: parentEvents.count, counts: counts, generation: generation)
    }

    /// Counts of `population` on `sample` with `shape` in place of its gate, over the parent's stored values: what a
    /// drag shows before the edit is applied. The first call for a sample and gate reads the file.
    public func preview(sample id: String, population populationID: String, shape: GateShape) throws -> PreviewData {
        let index = try sampleIndex(id)
        let population = try Self.population(populationID, in: template)
        let gate = try shape.applied(to: population.gate, population: population.id)
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

    /// A small PNG of `population`'s gate on `sample` as the gallery draws it (density with gate outlines).
    public func thumbnail(sample id: String, population populationID: String, size: Int = 96) throws -> [UInt8] {
        let index = try sampleIndex(id)
        let (session, template, _) = try gatedSession(index)
        let population = try Self.population(populationID, in: template)
        return try GatePlot(session: session, population: population.id, size: size).png()
    }
}
