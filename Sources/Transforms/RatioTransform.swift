#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gating-ML `fratio`: a new dimension from two channels, `y = A (x1 − B) / (x2 − C)`; NaN when `x2 = C`.
/// The result may be transformed again by the dimension's own transform (Gating-ML RatRange1a: fratio, then flog).
public struct RatioTransform: Equatable, Sendable, Codable {
    /// Scale factor.
    public var A: Double
    /// Offset subtracted from the numerator channel.
    public var B: Double
    /// Offset subtracted from the denominator channel.
    public var C: Double

    /// Creates `fratio(A, B, C)`.
    public init(A: Double, B: Double, C: Double) {
        self.A = A
        self.B = B
        self.C = C
    }

    /// The ratio of one event's two values.
    public func apply(_ x1: Double, _ x2: Double) -> Double {
        let denominator = x2 - C
        return denominator == 0 ? .nan : A * (x1 - B) / denominator
    }
}
