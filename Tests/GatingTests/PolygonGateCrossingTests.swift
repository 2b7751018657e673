import FCS
import TestSupport
import Foundation
import Testing
@testable import Gating

/// `PolygonGate.farVertexCrossing`: polygons with vertices near the ends of Double count events as geometry says,
/// on the edges that reach those vertices (which overflowed) and on their ordinary edges alike.
@Suite("Polygons with vertices near the ends of Double")
struct PolygonGateCrossingTests {
    /// Counts of a polygon over X and Y on these events, each event repeated `copies` times (16 puts every
    /// 64-event word through the eight-at-a-time path; 1 leaves a partial word, tested one event at a time).
    func count(_ vertices: [[Double]], _ events: [(Double, Double)], copies: Int) throws -> Int {
        let list = vertices.map { "[\($0[0]), \($0[1])]" }.joined(separator: ", ")
        let json = #"{"format": "flowstudy-gating/1", "populations": [{"id": "P", "gate": {"type": "polygon", "dimensions": [{"channel": "X"}, {"channel": "Y"}], "vertices": [\#(list)]}}]}"#
        let template = try TemplateReader.read(json, name: "t.json", folder: "/nonexistent")
        let repeated = events.flatMap { Array(repeating: $0, count: copies) }
        let sample = Sample(file: "s.fcs", keywords: Keywords(), parameters: [Parameter(index: 1, name: "X"), Parameter(index: 2, name: "Y")],
                            columns: [ChannelValues(repeated.map(\.0)), ChannelValues(repeated.map(\.1))])
        let result = try GatingEngine.evaluate(template.strategy, on: sample)
        return try #require(result.count("P"))
    }

    @Test("a triangle with corners at ±1.7e308 holds the points inside it", arguments: [1, 16])
    func hugeTriangle(copies: Int) throws {
        // Corners A(−1.7e308, −1.7e308), B(1.7e308, −1.7e308), C(0, 1.7e308). At height y the sides are at
        // x = ±(1.7e308 − (y + 1.7e308) / 2): ±0.85e308 at y = 0, ±1.6e308 at y = −1.5e308.
        let triangle: [[Double]] = [[-1.7e308, -1.7e308], [1.7e308, -1.7e308], [0, 1.7e308]]
        let inside: [(Double, Double)] = [(0, 0), (1, 1), (-5, 3), (0.8e308, 0), (0, -1.5e308), (-1.55e308, -1.5e308)]
        let outside: [(Double, Double)] = [(1e308, 0), (-0.9e308, 0), (1.65e308, -1.5e308), (0, 1.75e308)]
        // Before: dy = 3.4e308 overflowed, (py − yi)·dx / dy was inf/inf = NaN on both sides, and no event was inside.
        #expect(try count(triangle, inside + outside, copies: copies) == inside.count * copies)
    }

    @Test("a 200-gon of radius 1.7e308 keeps its count; a square within ±2^501 takes the fast paths, with the same answers")
    func farGonAndOrdinary() throws {
        // A regular 200-gon's sides lie within R(1 − cos(π/200)) ≈ 1.2e-4·R of its circle.
        let r = 1.7e308
        let gon = (0..<200).map { k -> [Double] in
            let angle = 2 * Double.pi * Double(k) / 200
            return [r * cos(angle), r * sin(angle)]
        }
        let inside: [(Double, Double)] = [(0, 0), (0.5 * r, 0.5 * r), (-0.99 * r, 0), (0, -0.99 * r), (1, -1)]
        let outside: [(Double, Double)] = [(0.75 * r, 0.75 * r), (-0.9 * r, -0.9 * r)]
        #expect(try count(gon, inside + outside, copies: 16) == inside.count * 16)
        #expect(PolygonGate(dimensions: [], vertices: gon).farVertexCrossing != nil)
        for size in [1.0, 1e150] {
            let square: [[Double]] = [[0, 0], [size, 0], [size, size], [0, size]]
            let points: [(Double, Double)] = [(0.5 * size, 0.5 * size), (0, 0), (size, 0.5 * size), (0.5 * size, size), (2 * size, 0)]
            // Half-open rule: the left and bottom sides are in, the right and top are out.
            #expect(try count(square, points, copies: 1) == 2)
            #expect(PolygonGate(dimensions: [], vertices: square).farVertexCrossing == nil)
        }
    }

    @Test("one far corner leaves the ordinary edges' answers to the last digit", arguments: [1, 16])
    func farCornerOrdinaryEdges(copies: Int) throws {
        // (0, 0), (3, 1), (0, 2) and a corner at (−1e308, 1): for 0 ≤ x ≤ 3 the polygon is x < 3·min(y, 2 − y).
        // Scaling the whole polygon by 2^-523 (a first version of the fix) made these edges' products subnormal
        // and moved events within about 1e-9 of them (a review found 7,272 of 10^6); only far edges are scaled now.
        let polygon: [[Double]] = [[0, 0], [3, 1], [0, 2], [-1e308, 1]]
        var generator = SplitMix64(state: 18)
        var events: [(Double, Double)] = [(0.5716780632635254, 0.19055935433650392), (0.12892941788348333, 0.04297647295366705)]
        while events.count < 2_000 {
            // Points within 1e-8 of the edges, none closer than 1e-12 (well clear of rounding).
            let y = Double.random(in: 0.001...1.999, using: &generator)
            let edge = 3 * min(y, 2 - y), offset = Double.random(in: -1e-8...1e-8, using: &generator)
            if abs(offset) > 1e-12 { events.append((edge + offset, y)) }
        }
        let expected = events.filter { $0.0 < 3 * min($0.1, 2 - $0.1) }.count
        // The two by hand: 3 × 0.19055935433650392 = 0.5716780630095… < x (outside); 3 × 0.04297647295366705 =
        // 0.1289294188610… > x (inside).
        #expect(events[0].0 > 3 * events[0].1 && events[1].0 < 3 * events[1].1)
        #expect(try count(polygon, events, copies: copies) == expected * copies)
        #expect(expected > 800 && expected < 1_200)
    }
}
