extension PolygonGate {
    /// Whether vertices enclose an area: not all on one line (nor all one point). A polygon that encloses none can
    /// hold no event, which is always a mistake in a template, so every reader that writes templates refuses it.
    ///
    /// The cross product is taken on halved differences scaled to at most 1, so neither ±1.7e308 nor 1e-200
    /// coordinates over- or underflow the scale. A triangle so thin that both products underflow (sides of 1e-200
    /// against 2) is called flat: no Double point could lie inside it either.
    public static func enclosesArea(_ vertices: [[Double]]) -> Bool {
        guard let first = vertices.first, first.count == 2,
              let other = vertices.first(where: { $0.count == 2 && $0 != first }) else { return false }
        func offLine(_ c: [Double]) -> Bool {
            guard c.count == 2 else { return false }
            let ux = other[0] / 2 - first[0] / 2, uy = other[1] / 2 - first[1] / 2
            let vx = c[0] / 2 - first[0] / 2, vy = c[1] / 2 - first[1] / 2
            let scale = Swift.max(abs(ux), abs(uy), abs(vx), abs(vy))
            return scale > 0 && (ux / scale) * (vy / scale) - (uy / scale) * (vx / scale) != 0
        }
        return vertices.contains(where: offLine)
    }

    /// Whether this gate's vertices enclose an area (`enclosesArea(_:)`).
    public var enclosesArea: Bool { Self.enclosesArea(vertices) }
}
