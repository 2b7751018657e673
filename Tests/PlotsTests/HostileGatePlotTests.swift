import Testing
import FCS
import Gating
@testable import Plots

/// Gate coordinates at the ends of the doubles (±1.7e308; 1.8e308 reads as infinity) once made `plot` and `review` loop for ever on axis
/// ticks and trap converting pixel positions to Int; now the plot ends, cut at the edge.
@Suite("Plots of gates at ±1.7e308")
struct HostileGatePlotTests {
    @Test("a linear axis over ±1.7e308 has a few finite ticks; an infinite one has none")
    func axis() {
        let axis = Axis(label: "x", range: DensityPlot.Range(-1.7e308, 1.7e308), transform: nil)
        #expect(axis.ticks.map(\.position) == [-1e308, 0, 1e308])
        #expect(Axis(label: "x", range: DensityPlot.Range(-.infinity, .infinity), transform: nil).ticks.isEmpty)
        // A range narrower than the rounding of its step: no endless loop either.
        let tiny = Axis(label: "x", range: DensityPlot.Range(1e15, 1e15 + 0.5), transform: nil)
        #expect(tiny.ticks.count <= 21)
        // The usual case is unchanged: 0, 20, 40, …, 100.
        #expect(Axis(label: "x", range: DensityPlot.Range(0, 100), transform: nil).ticks.map(\.position) == [0, 20, 40, 60, 80, 100])
    }

    @Test("a line with ends at ±1.7e308 pixels draws its visible part")
    func line() {
        var bitmap = Bitmap(width: 50, height: 50)
        bitmap.line(-1.7e308, 25, 1.7e308, 25, .black, width: 1)
        #expect(bitmap.pixel(0, 25) == .black && bitmap.pixel(49, 25) == .black)
        #expect(bitmap.pixel(25, 10) == .white)
    }

    @Test("plotting rectangles and polygons with coordinates of ±1.7e308 ends, with the data on the plot")
    func gatePlot() throws {
        let xs = (0..<500).map { Double($0 % 50) }, ys = (0..<500).map { Double($0 / 50) }
        let sample = Sample(file: "s.fcs", keywords: Keywords(), parameters: [Parameter(index: 1, name: "X"), Parameter(index: 2, name: "Y")],
                            columns: [ChannelValues(xs), ChannelValues(ys)])
        let dimensions = [GateDimension(channel: "X"), GateDimension(channel: "Y")]
        let strategy = GatingStrategy(populations: [
            Population(id: "wide", parent: nil, gate: .rectangle(RectangleGate(dimensions: dimensions, minimum: [-1.7e308, 1], maximum: [1.7e308, nil]))),
            Population(id: "poly", parent: nil, gate: .polygon(PolygonGate(dimensions: dimensions, vertices: [[-1.7e308, -1.7e308], [1.7e308, -1.7e308], [0, 1.7e308]]))),
        ])
        let session = try GatingSession(strategy: strategy, sample: sample)
        #expect(session.result.count("wide") == 500 - 50)
        for id in ["wide", "poly"] {
            let plot = try GatePlot(session: session, population: id, size: 64)
            // The axis reaches at most ten data spans (0…49) beyond the data, plus the 5 % pad.
            #expect(plot.density.x.low >= -49 * 10 * 1.2 && plot.density.x.high <= 49 * 11 * 1.2, "\(plot.density.x)")
            #expect(!plot.x.ticks.isEmpty && plot.x.ticks.count <= 21)
            #expect(plot.svg().contains("<svg"))
        }
    }

    @Test("a channel with one value above 2^24 (1e10 on every event) plots a millionth of the value wide, in 2-D and 1-D")
    func constantLargeChannel() throws {
        let xs = [Double](repeating: 1e10, count: 500), ys = (0..<500).map { Double($0 % 50 + 1) }
        let sample = Sample(file: "c.fcs", keywords: Keywords(), parameters: [Parameter(index: 1, name: "X"), Parameter(index: 2, name: "Y")],
                            columns: [ChannelValues(xs), ChannelValues(ys)])
        let both = [GateDimension(channel: "X"), GateDimension(channel: "Y")]
        let strategy = GatingStrategy(populations: [
            Population(id: "cells", parent: nil, gate: .rectangle(RectangleGate(dimensions: both, minimum: [1, 1], maximum: [nil, nil]))),
            Population(id: "big", parent: nil, gate: .rectangle(RectangleGate(dimensions: [GateDimension(channel: "X")], minimum: [1], maximum: [nil]))),
        ])
        let session = try GatingSession(strategy: strategy, sample: sample)
        for id in ["cells", "big"] {
            let plot = try GatePlot(session: session, population: id, size: 64)
            // The data's span is 0, so a millionth of 1e10 (1e4) stands for it: the gate at 1 is cut at ten of
            // those below (1e10 − 1e5), and the pad is 1e4 (more than 5 % of the 1e5 now shown).
            #expect(plot.density.x == DensityPlot.Range(1e10 - 1.1e5, 1e10 + 1e4), "\(plot.density.x)")
            #expect(plot.svg().contains("<svg"))
        }
        // Below 2^24 the pad of a one-valued parent stays as it was, a few 1e-9 wide: a parent of one event at
        // 262,143 (the gate at 262,142 is cut at ten spans of 1e-9 below it).
        let one = Sample(file: "o.fcs", keywords: Keywords(), parameters: [Parameter(index: 1, name: "X"), Parameter(index: 2, name: "Y")],
                         columns: [ChannelValues([1.0, 262_143.0]), ChannelValues([1.0, 1.0])])
        let oneStrategy = GatingStrategy(populations: [
            Population(id: "top", parent: nil, gate: .rectangle(RectangleGate(dimensions: [GateDimension(channel: "X")], minimum: [262_142], maximum: [nil]))),
            Population(id: "child", parent: "top", gate: .rectangle(RectangleGate(dimensions: [GateDimension(channel: "X")], minimum: [262_142], maximum: [nil]))),
        ])
        let narrow = try GatePlot(session: try GatingSession(strategy: oneStrategy, sample: one), population: "child", size: 64).density.x
        #expect(narrow.low < 262_143 && narrow.high > 262_143 && narrow.high - narrow.low < 1e-7, "\(narrow)")
        // The bins of a range that overflowed: a NaN position goes to the first bin, not a trap.
        let overflowed = Binning(count: 10, range: DensityPlot.Range(-1.7e308, 1.7e308), transform: nil, centred: false)
        #expect(overflowed.bin(1.7e308) == 0 && overflowed.bin(.nan) == nil)
    }
}
