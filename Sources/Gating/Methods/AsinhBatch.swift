#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Transforms

/// ``AsinhTransform``'s `apply` over a parent population's values with its constant factor sinh(M · ln 10)
/// computed once instead of per value (the per-value sinh was most of a density gate's transform cost). The same
/// operations in the same order as `AsinhTransform.apply`, so the same bits; `AsinhBatchTests` holds it to that.
enum AsinhBatch {
    /// `values.map(transform.apply)`, bit for bit.
    static func apply(_ transform: AsinhTransform, to values: [Double]) -> [Double] {
        var result = values
        apply(transform, inPlace: &result)
        return result
    }

    /// Replaces each value by `transform.apply` of it, bit for bit.
    static func apply(_ transform: AsinhTransform, inPlace values: inout [Double]) {
        let ln10 = log(10.0)
        let scale = sinh(transform.M * ln10), T = transform.T
        let offset = transform.A * ln10, width = (transform.M + transform.A) * ln10
        values.withUnsafeMutableBufferPointer { v in
            for i in v.indices {
                let x = v[i]
                var z = asinh(x * scale / T)
                if z.isInfinite && x.isFinite { z = (log(2) + log(abs(x)) + log(scale) - log(T)) * (x < 0 ? -1 : 1) }
                v[i] = (z + offset) / width
            }
        }
    }
}
