import Foundation
import Gating
import Testing
import TestSupport
@testable import Editor

/// Drags of every gate kind: the preview's counts over the parent's stored values equal the engine's counts on
/// the template with the dragged gate, and applying the edit re-gates to the same.
@Suite("Gate shapes")
struct GateShapeTests {
    /// The study template with an ellipse on singlets and a CD86 × CD206 quadrant gate on macrophages.
    static func addEllipseAndQuadrants(_ template: inout GatingTemplate) throws {
        let populations = template.strategy.populations
        guard case .polygon(let cells)? = populations.first(where: { $0.id == "cells" })?.gate,
              let cd86 = populations.first(where: { $0.id == "CD86+" })?.gate.dimensions.first,
              let cd206 = populations.first(where: { $0.id == "CD206+" })?.gate.dimensions.first else {
            throw EditorError(.unknown, place: "template", "expected cells, CD86+ and CD206+")
        }
        template.strategy.populations.append(Population(id: "blob", parent: "singlets", gate: .ellipsoid(EllipsoidGate(
            dimensions: cells.dimensions, mean: [110_000, 70_000], covariance: [[9e8, 2e8], [2e8, 4e8]], distanceSquare: 4))))
        template.strategy.populations.append(Population(id: "quads", parent: "macrophages", gate: .quadrant(QuadrantGate(
            dividers: [.init(id: "x", dimension: cd86, cuts: [0.5]), .init(id: "y", dimension: cd206, cuts: [0.5])],
            quadrants: [.init(id: "86-206+", positions: ["x": 0, "y": 1]), .init(id: "86+206+", positions: ["x": 1, "y": 1]),
                        .init(id: "86-206-", positions: ["x": 0, "y": 0]), .init(id: "86+206-", positions: ["x": 1, "y": 0])]))))
    }

    static let drags: [(String, GateShape)] = [
        ("blob", GateShape(kind: "ellipse", mean: [100_000, 60_000], covariance: [[1.2e9, -1e8], [-1e8, 3e8]], distanceSquare: 4)),
        ("86+206+", GateShape(kind: "quadrant", cuts: [[0.58], [0.61]])),
        ("cells", GateShape(kind: "polygon", vertices: [[40000, 10000], [250000, 10000], [250000, 250000], [70000, 250000], [40000, 130000], [30000, 60000]])),
        ("macrophages", GateShape(kind: "rectangle", min: [0.6, nil], max: [nil, 0.95])),
    ]

    @Test("preview and re-gate equal the engine for an ellipse, a quadrant centre, a polygon with a vertex added and a 2-D rectangle")
    func everyKindAgreesWithTheEngine() async throws {
        let fixture = try EditorFixture(samples: 2, events: 5_000, changing: Self.addEllipseAndQuadrants)
        #expect(await fixture.session.settle(timeout: 120))
        for (population, shape) in Self.drags {
            let template = fixture.session.template
            let owner = try EditorSession.population(population, in: template)
            let index = try #require(template.strategy.populations.firstIndex { $0.id == owner.id })
            var edited = template
            edited.strategy.populations[index].gate = try shape.applied(to: owner.gate, population: owner.id)
            let expected = try fixture.entries.map { try EditorFixture.engineCounts(edited, file: $0.file) }
            let unchanged = try EditorFixture.engineCounts(template, file: fixture.entries[0].file)
            let preview = try fixture.session.preview(sample: "S1", population: population, shape: shape)
            for id in EditorSession.resultIDs(owner) {
                #expect(preview.counts[id] == expected[0][id], "\(id)")
            }
            #expect(EditorSession.resultIDs(owner).contains { unchanged[$0] != expected[0][$0] }, "\(population): the drag must change a count")
            try fixture.session.edit(population: population, shape: shape)
            #expect(await fixture.session.settle(timeout: 120))
            for (row, counts) in zip(fixture.session.snapshot().samples, expected) {
                #expect(row.counts == counts, "\(population) on \(row.id)")
            }
        }
    }

    @Test("a polygon on one line is refused at any scale; a real one of tiny or huge coordinates is kept")
    func flatPolygons() throws {
        let gate = Gate.polygon(PolygonGate(dimensions: [GateDimension(channel: "FSC-A"), GateDimension(channel: "SSC-A")],
                                            vertices: [[0, 0], [1, 0], [0, 1]]))
        let big = 1.7e308, tiny = 1e-200
        for vertices in [[[0, 0], [tiny, 0], [0, tiny]], [[-big, -big], [big, -big], [0, big]], [[0, 0], [3, 1], [1, 2], [0, 0]]] {
            #expect(throws: Never.self) { try GateShape(kind: "polygon", vertices: vertices).applied(to: gate, population: "p") }
        }
        for vertices in [[[-big, -big], [0, 0], [big, big]], [[tiny, tiny], [2 * tiny, 2 * tiny], [3 * tiny, 3 * tiny]], [[5, 5], [5, 5], [5, 5]]] {
            #expect(throws: EditorError.self) { try GateShape(kind: "polygon", vertices: vertices).applied(to: gate, population: "p") }
        }
    }

    @Test("a drag's preview counts a triangle with corners at ±1.7e308 as the engine does (no overflow)")
    func hugePolygonPreview() {
        // Sides at x = ±(1.7e308 − (y + 1.7e308) / 2): ±0.85e308 at y = 0 (PolygonGateCrossingTests works the same).
        let gate = Gate.polygon(PolygonGate(dimensions: [GateDimension(channel: "X"), GateDimension(channel: "Y")],
                                            vertices: [[-1.7e308, -1.7e308], [1.7e308, -1.7e308], [0, 1.7e308]]))
        let values = GateShape.ParentValues(columns: [[0, 0.8e308, -5, 1e308, -0.9e308], [0, 0, 3, 0, 0]])
        #expect(GateShape.counts(gate, id: "p", in: values) == ["p": 3])
    }

    @Test("only the edited gate's subtree and the gates that depend on it are marked for re-gating")
    func affectedSubtree() throws {
        var template = try TemplateReader.read(contentsOf: EditorFixture.studyTemplate)
        try Self.addEllipseAndQuadrants(&template)
        template.strategy.populations.append(Population(id: "both", parent: "macrophages", gate: .boolean(BooleanGate(
            operation: .and, operands: [.init(reference: "86+206+"), .init(reference: "CD163+")]))))
        func edited(_ id: String, _ shape: GateShape) throws -> GatingTemplate {
            var copy = template
            let index = try #require(copy.strategy.populations.firstIndex { $0.id == id })
            copy.strategy.populations[index].gate = try shape.applied(to: copy.strategy.populations[index].gate, population: id)
            return copy
        }
        #expect(EditorSession.affected(from: template, to: try edited("CD206+", GateShape(kind: "rectangle", min: [0.7], max: [nil]))) == ["CD206+"])
        #expect(EditorSession.affected(from: template, to: try edited("quads", GateShape(kind: "quadrant", cuts: [[0.4], [0.4]]))) == ["quads", "both"])
        #expect(EditorSession.affected(from: template, to: try edited("CD163+", GateShape(kind: "rectangle", min: [0.3], max: [nil]))) == ["CD163+", "both"])
        let everything = Set(template.strategy.populations.map(\.id)).subtracting(["cells"])
        #expect(EditorSession.affected(from: template, to: try edited("singlets", GateShape(kind: "polygon", vertices: [[0, 0], [300000, 0], [0, 300000]]))) == everything.subtracting(["singlets"]).union(["singlets"]))
    }
}

/// The plot's axes as the page draws them: labels thinned on the server as the gallery's figures thin them.
@Suite("Editor plot axes")
struct EditorAxisTests {
    @Test("a decade axis labels 0 and decades only (10ᵏ, never a 2–9 × 10ᵏ minor while two decades fit), every tick kept")
    func decadeLabels() async throws {
        let fixture = try EditorFixture(samples: 1, events: 3_000, template: EditorFixture.adaptiveTemplate)
        #expect(await fixture.session.settle())
        // macrophages: mindensity on asinh-transformed CD14; CD206+: a logicle threshold.
        for population in ["macrophages", "CD206+"] {
            let plot = try fixture.session.plot(sample: "S1", population: population, size: 400)
            let labelled = plot.x.ticks.filter { !$0.label.isEmpty }
            #expect(labelled.count >= 3, "\(population): \(labelled.map(\.label))")
            for tick in labelled {
                #expect(!tick.minor && (tick.label == "0" || tick.label.hasPrefix("10^") || tick.label.hasPrefix("-10^")), "\(population): \(tick.label)")
            }
            #expect(plot.x.ticks.contains { $0.minor && $0.label.isEmpty }, "minor ticks stay, unlabelled")
            // The labels' values (0, ±10ᵏ) increase along the axis.
            let values = labelled.map { tick -> Double in
                guard tick.label != "0", let k = Double(tick.label.split(separator: "^").last ?? "") else { return 0 }
                return (tick.label.hasPrefix("-") ? -1 : 1) * pow(10, k)
            }
            #expect(values == values.sorted() && Set(values).count == values.count, "\(population): \(labelled.map(\.label))")
        }
    }
}
