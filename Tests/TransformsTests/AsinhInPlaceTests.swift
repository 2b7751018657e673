import Foundation
import Testing
import Transforms

/// `fasinh` over many values at once (the density gates use it) must give the per-value bits exactly: a cut computed
/// on other bits could move by a grid point.
@Suite("Asinh in place")
struct AsinhInPlaceTests {
    @Test("Every value equals AsinhTransform.apply bit for bit (zero, signs, tiny, huge, overflow branch, ±∞; T a power of two or not)",
          arguments: [(262_144.0, 4.5, 0.0), (262_144.0, 4.5, 1.0), (10_000.0, 2.0, 0.5), (1.0, 0.1, 0.1), (0.125, 1.0, 0.0)])
    func sameBits(T: Double, M: Double, A: Double) throws {
        let transform = try AsinhTransform(T: T, M: M, A: A)
        var values: [Double] = [0, -0.0, 1, -1, 1e-300, -5e-324, 1e300, 1e305, -1e308, .greatestFiniteMagnitude,
                                -.greatestFiniteMagnitude, .infinity, -.infinity]
        var x = -300_000.0
        while x < 300_000 { values.append(x); x += 997.31 }
        var batched = values
        transform.apply(inPlace: &batched)
        #expect(batched.map(\.bitPattern) == values.map { transform.apply($0).bitPattern })
        // And against the Gating-ML formula written out here, away from the overflow branch.
        let ln10 = log(10.0)
        for x in values where x.isFinite && abs(x) < 1e300 {
            let expected = (asinh(x * sinh(M * ln10) / T) + A * ln10) / ((M + A) * ln10)
            #expect(transform.apply(x).bitPattern == expected.bitPattern, "x = \(x)")
        }
    }
}
