import FCS
import Foundation
import Testing
@testable import Gating

/// `PolygonGate.crossingScale`: polygons with vertices near the ends of Double count events as exact arithmetic
/// would, in the gating engine's two paths (eight events at a time, one at a time) and its edge bands.
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

    @Test("a 200-gon of radius 1.7e308 (edge bands) and a small polygon (no scaling) keep their counts")
    func bandsAndOrdinary() throws {
        // A regular 200-gon's sides lie within R(1 − cos(π/200)) ≈ 1.2e-4·R of its circle.
        let r = 1.7e308
        let gon = (0..<200).map { k -> [Double] in
            let angle = 2 * Double.pi * Double(k) / 200
            return [r * cos(angle), r * sin(angle)]
        }
        let inside: [(Double, Double)] = [(0, 0), (0.5 * r, 0.5 * r), (-0.99 * r, 0), (0, -0.99 * r), (1, -1)]
        let outside: [(Double, Double)] = [(0.75 * r, 0.75 * r), (-0.9 * r, -0.9 * r)]
        #expect(try count(gon, inside + outside, copies: 16) == inside.count * 16)
        // Within ±2^501 nothing is scaled: the same square, small and at 1e150, has the same answers.
        for size in [1.0, 1e150] {
            let square: [[Double]] = [[0, 0], [size, 0], [size, size], [0, size]]
            let points: [(Double, Double)] = [(0.5 * size, 0.5 * size), (0, 0), (size, 0.5 * size), (0.5 * size, size), (2 * size, 0)]
            // Half-open rule: the left and bottom sides are in, the right and top are out.
            #expect(try count(square, points, copies: 1) == 2)
            #expect(PolygonGate(dimensions: [], vertices: square).crossingScale == 1)
        }
        #expect(PolygonGate(dimensions: [], vertices: [[0, 0], [0x1p501, 0], [0, 1]]).crossingScale == 0x1p-1)
        #expect(PolygonGate(dimensions: [], vertices: gon).crossingScale == 0x1p-523)
    }
}
