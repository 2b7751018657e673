extension PolygonGate {
    /// The power of two by which the crossing test multiplies vertices and event values so that none of its steps
    /// overflows. It is 1, no scaling, for vertices within ±2^501 (about ±6.5e150): every gate drawn on cytometry
    /// data. A template may put a vertex as far as ±1.8e308 (a corner meant as "open"); there the test's
    /// differences and product overflowed to ±inf or NaN, and events inside were counted outside. Multiplying by
    /// a power of two is exact, so every comparison keeps the answer it would have without overflow; only values
    /// below about 2^-499 lose digits (the product is subnormal), and only in such a gate.
    public var crossingScale: Double {
        var largest = 0.0
        for vertex in vertices { for value in vertex where value.isFinite { largest = Swift.max(largest, abs(value)) } }
        guard largest >= 0x1p501 else { return 1 }
        // largest × scale falls in [2^500, 2^501): differences stay below 2^502, their product below 2^1004.
        return Double(sign: .plus, exponent: 500 - largest.exponent, significand: 1)
    }
}
