#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gating-ML `flog`: `y = 1 + log10(x / T) / M`, undefined (NaN) for x ≤ 0, so such events fall in no gate.
public struct LogTransform: Transform, Equatable, Codable {
    /// Top of scale (maps to 1).
    public var T: Double
    /// Decades spanned.
    public var M: Double

    /// Creates `flog(T, M)`; requires T > 0, M > 0.
    public init(T: Double, M: Double) throws {
        guard T > 0, M > 0 else { throw TransformError(transform: "flog", message: "expected T > 0 and M > 0, found T = \(T), M = \(M)") }
        self.T = T
        self.M = M
    }

    public func apply(_ x: Double) -> Double { x > 0 ? 1 + log10(x / T) / M : .nan }
    public func inverse(_ y: Double) -> Double { T * pow(10, (y - 1) * M) }
    /// `flog` is defined for x > 0 only.
    public var definedAbove: Double { 0 }
}
