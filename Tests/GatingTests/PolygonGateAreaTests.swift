import Testing
@testable import Gating

/// `PolygonGate.enclosesArea`: the one test every template reader (JSON, FlowJo import) and the editor use to refuse
/// a polygon that can hold no event.
@Suite("Polygons that enclose an area")
struct PolygonGateAreaTests {
    @Test("a triangle, a square and a bow tie enclose an area; points on one line or one point do not")
    func shapes() {
        #expect(PolygonGate.enclosesArea([[0, 0], [1, 0], [0, 1]]))
        #expect(PolygonGate.enclosesArea([[0, 0], [0, 0], [1, 0], [1, 1], [0, 1]]))
        // A bow tie crosses itself, but each lobe holds events.
        #expect(PolygonGate.enclosesArea([[0, 0], [1, 1], [1, 0], [0, 1]]))
        #expect(!PolygonGate.enclosesArea([[0, 0], [1, 1], [2, 2], [-3, -3]]))
        #expect(!PolygonGate.enclosesArea([[7, 7], [7, 7], [7, 7]]))
        #expect(!PolygonGate.enclosesArea([]))
    }

    @Test("coordinates near the ends of Double neither overflow nor underflow the cross product")
    func extremes() {
        // (±1.7e308)² overflows to inf, and (1e-200)² underflows to 0: a plain cross product gets both wrong.
        #expect(PolygonGate.enclosesArea([[-1.7e308, -1.7e308], [1.7e308, -1.7e308], [0, 1.7e308]]))
        #expect(!PolygonGate.enclosesArea([[-1.7e308, -1.7e308], [0, 0], [1.7e308, 1.7e308]]))
        #expect(PolygonGate.enclosesArea([[0, 0], [1e-200, 0], [0, 1e-200]]))
        #expect(!PolygonGate.enclosesArea([[0, 0], [1e-200, 1e-200], [3e-200, 3e-200]]))
    }
}
