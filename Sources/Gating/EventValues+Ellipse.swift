import Transforms

extension EventValues {
    /// A 2-D ellipse on two strictly increasing transforms (a `cluster` gate on logicle axes), decided without
    /// transforming every event: each value is placed on a ``MonotoneTable`` of its transform, whose step brackets
    /// the exact transformed value (the transform is increasing); the squared distance is bounded over that box,
    /// and only events whose box straddles the ellipse's edge are transformed exactly and decided as the plain
    /// test does. The result is the plain test's. Nil when this does not apply (then every event is transformed).
    func selectTransformed(_ gate: EllipsoidGate, inverse a: [[Double]], within parent: EventSet, place: String) throws -> EventSet? {
        guard gate.dimensions.count == 2 else { return nil }
        var transforms: [any Transform] = []
        for dimension in gate.dimensions {
            guard let scale = try transform(dimension.transform, place: place), scale.isStrictlyIncreasing, let t = scale.transform,
                  t.definedAbove == -.infinity else { return nil }
            transforms.append(t)
        }
        let raw = try gate.dimensions.map { try untransformed($0, place: place) }
        var tables: [MonotoneTable] = []
        for d in 0..<2 {
            var low = Double.infinity, high = -Double.infinity
            parent.forEach { let v = raw[d][$0]; if v.isFinite { low = min(low, v); high = max(high, v) } }
            guard low < high, let table = MonotoneTable(transforms[d], low: low, high: high) else { return nil }
            tables.append(table)
        }
        let (mx, my, limit) = (gate.mean[0], gate.mean[1], gate.distanceSquare)
        let (a00, a01, a10, a11) = (a[0][0], a[0][1], a[1][0], a[1][1])
        func distance(_ x: Double, _ y: Double) -> Double {
            let dx = x - mx, dy = y - my
            return dx * a00 * dx + dx * a01 * dy + dy * a10 * dx + dy * a11 * dy
        }
        var result = EventSet(eventCount: parent.eventCount)
        parent.forEach { e in
            let vx = raw[0][e], vy = raw[1][e]
            let x = tables[0].apply(vx), y = tables[1].apply(vy)
            if x.isFinite && y.isFinite {
                // |error| per axis ≤ one table step (plus rounding of the tabulated inverse).
                let ex = tables[0].step * 1.001 + 1e-9 * (abs(x) + 1), ey = tables[1].step * 1.001 + 1e-9 * (abs(y) + 1)
                let dx = x - mx, dy = y - my
                // d²(p̂ + e) = d²(p̂) + ∇d²(p̂)·e + eᵀAe exactly: bound both terms over the box.
                let gx = abs(2 * a00 * dx + (a01 + a10) * dy), gy = abs((a01 + a10) * dx + 2 * a11 * dy)
                let bound = gx * ex + gy * ey + (abs(a00) * ex * ex + (abs(a01) + abs(a10)) * ex * ey + abs(a11) * ey * ey)
                let approximate = distance(x, y)
                let slack = 1e-9 * (abs(limit) + abs(approximate) + 1)
                if approximate + bound + slack < limit { result.insert(e); return }
                if approximate - bound - slack > limit { return }
            }
            // Near the edge (or outside the tables): decided as the plain test does, on exactly transformed values.
            if distance(transforms[0].apply(vx), transforms[1].apply(vy)) <= limit { result.insert(e) }
        }
        return result
    }
}
