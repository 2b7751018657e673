#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gating-ML `fasinh`: `y = (asinh(x · sinh(M ln10) / T) + A ln10) / ((M + A) ln10)`.
public struct AsinhTransform: Transform, Equatable, Codable {
    /// Top of scale (maps to 1).
    public var T: Double
    /// Decades of the log-like part.
    public var M: Double
    /// Extra negative decades.
    public var A: Double

    /// Creates `fasinh(T, M, A)`; requires T > 0, M > 0, 0 ≤ A ≤ M.
    public init(T: Double, M: Double, A: Double) throws {
        guard T > 0, M > 0, A >= 0, A <= M else {
            throw TransformError(transform: "fasinh", message: "expected T > 0, M > 0, 0 ≤ A ≤ M, found T = \(T), M = \(M), A = \(A)")
        }
        self.T = T
        self.M = M
        self.A = A
    }

    public func apply(_ x: Double) -> Double {
        Self.fasinh(x, scale: sinh(M * ln10), T: T, offset: A * ln10, width: (M + A) * ln10)
    }

    /// ``apply(_:)`` of every value with sinh(M ln10) computed once instead of per value (it was most of a density
    /// gate's transform cost): the same operations in the same order, so the same bits. When T is a power of two
    /// (262,144 on 18-bit cytometers) the division by T is a multiplication by its exact reciprocal: both round the
    /// same real number once (also below the normal range), so the same bits without a division per value.
    public func apply(inPlace values: inout [Double]) {
        let scale = sinh(M * ln10), offset = A * ln10, width = (M + A) * ln10
        let reciprocal = 1 / T
        if T.significandBitPattern == 0, T.isNormal, reciprocal.isNormal, reciprocal * T == 1 {
            values.withUnsafeMutableBufferPointer { v in
                for i in v.indices { v[i] = Self.fasinh(v[i], scale: scale, T: T, reciprocal: reciprocal, offset: offset, width: width) }
            }
            return
        }
        values.withUnsafeMutableBufferPointer { v in
            for i in v.indices { v[i] = Self.fasinh(v[i], scale: scale, T: T, offset: offset, width: width) }
        }
    }

    @inline(__always)
    static func fasinh(_ x: Double, scale: Double, T: Double, offset: Double, width: Double) -> Double {
        finish(x, asinh(x * scale / T), scale: scale, T: T, offset: offset, width: width)
    }

    /// `fasinh` with x · scale / T computed as x · scale · (1 / T), for T a power of two only.
    @inline(__always)
    static func fasinh(_ x: Double, scale: Double, T: Double, reciprocal: Double, offset: Double, width: Double) -> Double {
        finish(x, asinh(x * scale * reciprocal), scale: scale, T: T, offset: offset, width: width)
    }

    @inline(__always)
    static func finish(_ x: Double, _ asinhOfScaled: Double, scale: Double, T: Double, offset: Double, width: Double) -> Double {
        var z = asinhOfScaled
        // Beyond about 1e304 the product overflows; asinh(z) = sign(z) (ln 2 + ln|z|) to double precision there.
        if z.isInfinite && x.isFinite { z = (log(2) + log(abs(x)) + log(scale) - log(T)) * (x < 0 ? -1 : 1) }
        return (z + offset) / width
    }

    public func inverse(_ y: Double) -> Double {
        T * sinh((M + A) * ln10 * y - A * ln10) / sinh(M * ln10)
    }
}
