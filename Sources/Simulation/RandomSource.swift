#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A seeded, platform-independent random source (xoshiro256**, seeded through SplitMix64), so the same seed
/// gives the same sample everywhere and files written by the simulator are byte-identical run to run.
public struct RandomSource: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)
    private var spareNormal: Double?

    /// A source seeded with `seed`.
    public init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform on [0, 1), with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal (Box–Muller; the second value of each pair is kept for the next call).
    public mutating func normal() -> Double {
        if let spare = spareNormal { spareNormal = nil; return spare }
        var u = uniform()
        while u <= 0 { u = uniform() }
        let v = uniform()
        let radius = (-2 * log(u)).squareRoot()
        spareNormal = radius * sin(2 * Double.pi * v)
        return radius * cos(2 * Double.pi * v)
    }

    /// Normal with the given mean and standard deviation.
    public mutating func normal(mean: Double, sd: Double) -> Double { mean + sd * normal() }

    /// Log-normal: `exp(N(log(median), sigma))`.
    public mutating func logNormal(median: Double, sigma: Double) -> Double { exp(log(median) + sigma * normal()) }
}
