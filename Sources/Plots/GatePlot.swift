import FCS
import Foundation
import Gating
import Transforms

/// The plot an analyst checks a gate on: the parent population's events in the gate's two dimensions (a density
/// in the gate's own transformed space), every gate defined there on the same dimensions drawn over it, each with
/// its name and % of the parent.
public struct GatePlot: Sendable {
    /// A gate drawn on the plot, with its label.
    public struct DrawnGate: Sendable {
        public var id: String
        public var percent: Double
        public var labelAt: (Double, Double)
    }

    public var density: DensityPlot
    public var x: Axis
    public var y: Axis
    /// The raster: density with gate outlines.
    public var bitmap: Bitmap
    public var gates: [DrawnGate]
    public var title: String

    /// A control tube drawn over a one-dimensional gate's histogram: the matched FMO or isotype tube's events of
    /// the gate's parent, on the gate's dimension.
    public struct Control: Sendable {
        /// The legend's text (`FMO CD206: SSC01_UT_FMO_CD206`).
        public var label: String
        /// Untransformed values of the control's events of the parent population, on the gate's dimension.
        public var values: [Double]
        /// The outline's colour.
        public var colour: Bitmap.Colour

        /// A control from its parent population's values.
        public init(label: String, values: [Double], colour: Bitmap.Colour = .fmo) {
            self.label = label
            self.values = values
            self.colour = colour
        }

        /// The control's events of `population`'s parent on the gate's (first) dimension, from the control gated
        /// with the same template (at least as far as that parent). The control's own resolved dimension is used:
        /// its file may name the channel differently.
        public init(label: String, session: GatingSession, population id: String, colour: Bitmap.Colour = .fmo) throws {
            guard let own = session.strategy.populations.population(resulting: id), let dimension = own.gate.dimensions.first else {
                throw GatingError(.unknownGate, place: id, "not a population with axes of the control's template")
            }
            let all = try session.untransformedValues(dimension)
            let parent = own.parent.flatMap { session.result.membership[$0] } ?? EventSet.all(session.sample.eventCount)
            var values: [Double] = []
            values.reserveCapacity(parent.count)
            parent.forEach { values.append(all[$0]) }
            self.init(label: label, values: values, colour: colour)
        }
    }

    /// One line of a plot's legend.
    public struct LegendEntry: Sendable, Codable, Equatable {
        /// How the entry is drawn: `bars` (the sample's histogram), `line` (a control's outline), `shade` (the kept side).
        public var style: String
        /// Its colour as CSS.
        public var colour: String
        /// Its text.
        public var label: String
        /// A legend line.
        public init(style: String, colour: String, label: String) {
            self.style = style
            self.colour = colour
            self.label = label
        }
    }

    /// What the plot's marks mean (histograms only: the sample's bars, each control's outline, the kept side).
    public var legend: [LegendEntry] = []

    /// Plots the gate of `population` in `session`: its parent's events and the sibling gates on the same axes.
    /// A one-dimensional gate is a histogram with its bounds as lines, and `control` (the matched FMO or
    /// isotype tube, gated with the same template) is overlaid as an outline.
    public init(session: GatingSession, population id: String, size: Int = 320, control: GatingSession? = nil) throws {
        try self.init(session: session, population: id, size: size,
                      controls: control.map { [try Control(label: "control", session: $0, population: id)] } ?? [])
    }

    /// Plots the gate of `population` in `session`; on a one-dimensional gate every control of `controls` is
    /// overlaid as an outline of its own colour, named in ``legend``.
    public init(session: GatingSession, population id: String, size: Int = 320, controls: [Control]) throws {
        guard let population = session.strategy.populations.population(resulting: id) else {
            throw GatingError(.unknownGate, place: id, "not a population of the template (\(session.strategy.resultIDs.joined(separator: ", ")))")
        }
        let dimensions = population.gate.dimensions
        guard !dimensions.isEmpty else {
            throw GatingError(.invalidGate, place: id, "a boolean gate has no axes to plot; plot its operands")
        }
        let parentEvents = population.parent.flatMap { session.result.membership[$0] } ?? EventSet.all(session.sample.eventCount)
        // Values stay untransformed: plots bin them against borders mapped back through the transform.
        let xTransform = session.transform(dimensions[0].transform)
        let yTransform = dimensions.count > 1 ? session.transform(dimensions[1].transform) : nil
        let xs = try session.untransformedValues(dimensions[0])
        let ys = dimensions.count > 1 ? try session.untransformedValues(dimensions[1]) : []
        func range(_ values: [Double], _ transform: (any Transform)?, _ gateValues: [Double]) -> DensityPlot.Range {
            // Quantiles commute with a monotone transform: take them raw, transform two values.
            let q = OrderStatistics.quantiles(values, over: parentEvents, probabilities: [0.002, 0.998]).map { transform?.apply($0) ?? $0 }
            var low = q[0], high = q[1]
            if !low.isFinite || !high.isFinite { low = 0; high = 1 }
            // Where a 1e-9 pad vanishes in the rounding of the values (above about 2^24: 1e10 on every event would
            // leave an empty range), data of (almost) one value is drawn a millionth of that value wide instead.
            let least = low - 1e-9 == low || high + 1e-9 == high ? max(abs(low), abs(high)) * 1e-6 : 0
            // Gates widen the range to show themselves, but no further than ten spans of the data on each side:
            // a gate drawn at ±1.8e308 is cut at the edge rather than squeezing the events into one pixel.
            let span = max(high - low, 1e-9, least)
            let reach = (low - 10 * span, high + 10 * span)
            for v in gateValues where v.isFinite { low = min(low, max(v, reach.0)); high = max(high, min(v, reach.1)) }
            let pad = max((high - low) * 0.05 + 1e-9, least)
            return DensityPlot.Range(low - pad, high + pad)
        }
        let siblings = session.strategy.populations.plotted(with: population)
        var gateX: [Double] = [], gateY: [Double] = []
        for sibling in siblings {
            switch sibling.gate {
            case .rectangle(let r):
                gateX += [r.minimum[0], r.maximum[0]].compactMap { $0 }
                if r.dimensions.count > 1 { gateY += [r.minimum[1], r.maximum[1]].compactMap { $0 } }
            case .polygon(let p): gateX += p.vertices.map { $0[0] }; gateY += p.vertices.map { $0[1] }
            case .ellipsoid(let e): gateX.append(e.mean[0]); if e.mean.count > 1 { gateY.append(e.mean[1]) }
            case .quadrant(let q): for d in q.dividers { if d.dimension == dimensions[0] { gateX += d.cuts } else { gateY += d.cuts } }
            case .boolean: break
            }
        }
        density = DensityPlot(width: size, height: size, x: range(xs, xTransform, gateX), y: dimensions.count > 1 ? range(ys, yTransform, gateY) : DensityPlot.Range(0, 1))
        x = Axis(label: Self.label(dimensions[0], session), range: density.x, transform: session.transform(dimensions[0].transform))
        y = dimensions.count > 1
            ? Axis(label: Self.label(dimensions[1], session), range: density.y, transform: session.transform(dimensions[1].transform))
            : Axis(label: "events (spread)", range: density.y, transform: nil)
        var bitmap: Bitmap
        if dimensions.count == 1 {
            let histogram = HistogramPlot(width: size, height: size * 2 / 3, range: density.x)
            var overlays: [HistogramPlot.Overlay] = []
            for control in controls {
                overlays.append(HistogramPlot.Overlay(values: control.values, events: EventSet.all(control.values.count), colour: control.colour))
                legend.append(LegendEntry(style: "line", colour: control.colour.css, label: "\(control.label) (\(control.values.count) events)"))
            }
            var kept: (low: Double?, high: Double?)?
            if case .rectangle(let r) = population.gate { kept = (r.minimum[0], r.maximum[0]) }
            let drawing = histogram.draw(values: xs, events: parentEvents, overlays: overlays, thresholds: gateX, kept: kept, transform: xTransform)
            density = DensityPlot(width: size, height: size * 2 / 3, x: density.x, y: drawing.percentRange)
            y = Axis(label: "% of events per bin", range: drawing.percentRange, transform: nil)
            legend.insert(LegendEntry(style: "bars", colour: Bitmap.Colour.bars.css, label: "\(population.parent ?? "all events") (\(parentEvents.count) events)"), at: 0)
            if kept != nil { legend.append(LegendEntry(style: "shade", colour: Bitmap.Colour.kept.css, label: "kept: \(population.id)")) }
            bitmap = drawing.bitmap
        } else {
            bitmap = density.render(xs: xs, ys: ys, events: parentEvents, xTransform: xTransform, yTransform: yTransform)
        }
        var drawn: [DrawnGate] = []
        for sibling in siblings {
            let at = dimensions.count == 1 ? Self.histogramLabel(sibling.gate, density) : density.draw(sibling.gate, on: &bitmap)
            for resultID in Self.quadrantIDs(sibling).isEmpty ? [sibling.id] : Self.quadrantIDs(sibling) {
                drawn.append(DrawnGate(id: resultID, percent: session.result.percentOfParent(resultID), labelAt: at))
            }
        }
        self.bitmap = bitmap
        gates = drawn
        title = "\(session.sample.file.split(separator: "/").last.map(String.init) ?? session.sample.file) — \(population.parent ?? "all events")"
    }

    static func histogramLabel(_ gate: Gate, _ plot: DensityPlot) -> (Double, Double) {
        guard case .rectangle(let r) = gate else { return (0, 12) }
        let low = r.minimum[0].map(plot.column) ?? 0, high = r.maximum[0].map(plot.column) ?? Double(plot.width)
        return ((max(low, 0) + min(high, Double(plot.width))) / 2, 14)
    }

    static func quadrantIDs(_ population: Population) -> [String] {
        if case .quadrant(let q) = population.gate { return q.quadrants.map(\.id) }
        return []
    }

    /// The axis label: the marker ($PnS) and channel, with the transform named.
    static func label(_ dimension: GateDimension, _ session: GatingSession) -> String {
        var text = dimension.label
        if case .channel(let name) = dimension.source, let index = session.sample.parameterIndex(name), let marker = session.sample.parameters[index].marker {
            text = "\(marker) (\(name))"
        }
        if dimension.compensation != .uncompensated { text = "Comp " + text }
        if let transform = dimension.transform { text += " [\(transform)]" }
        return text
    }

    /// The raster as PNG: density and gate outlines, no text (text is in the SVG).
    public func png() -> [UInt8] { PNGEncoder.encode(bitmap) }

    /// The labelled figure as SVG: the raster embedded as a PNG, axes with ticks in data units, gate names and %.
    public func svg() -> String {
        SVGFigure(title: title, bitmap: bitmap, x: x, y: y, density: density,
                  labels: gates.map { ($0.labelAt, "\($0.id) \(Self.percent($0.percent))") }, legend: legend).render()
    }

    static func percent(_ value: Double) -> String { value.isNaN ? "NA" : String(format: "%.1f %%", value) }
}
