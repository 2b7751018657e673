#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Transforms

/// An axis: its label, range in plotted units, and ticks placed at data values, so tick labels read in the
/// instrument's units.
///
/// On logicle, asinh and log axes the ticks are FlowJo's: 0 and the decades ±10ᵏ as major ticks, 2–9 × 10ᵏ as
/// minor ones. On linear axes they are round numbers. ``thinned(length:metrics:vertical:)`` then keeps only the
/// labels that fit the axis's length in pixels, so labels never collide (near 0 on a logicle axis the decades
/// 10⁰…10² crowd into a few pixels: 0 is labelled and they are not).
public struct Axis: Sendable, Codable, Equatable {
    /// One tick: its position in plotted units and its label.
    public struct Tick: Sendable, Equatable, Codable {
        /// Where the tick is, in plotted (transformed) units.
        public var position: Double
        /// The label (`10^3`, `50K`, `0`); empty for a tick drawn without one.
        public var label: String
        /// A minor tick (2–9 × 10ᵏ): shorter, never labelled unless no two decades fit (see ``Axis/thinned(length:metrics:vertical:)``).
        public var minor: Bool
        /// Which labels are kept first when not all fit: 0 first, then the largest decades (lower is kept first).
        public var priority: Int

        /// A tick at `position` with `label`.
        public init(position: Double, label: String, minor: Bool = false, priority: Int = 0) {
            self.position = position
            self.label = label
            self.minor = minor
            self.priority = priority
        }
    }

    /// The axis title (marker, channel, transform).
    public var label: String
    /// The range shown, in plotted units.
    public var range: DensityPlot.Range
    /// Every tick in range, ordered by position; labels not yet thinned.
    public var ticks: [Tick]
    /// Whether ticks are decades (a logicle, asinh or log axis) rather than round linear numbers.
    public var decades: Bool

    /// An axis over `range`, for values that went through `transform` (nil: linear data units).
    public init(label: String, range: DensityPlot.Range, transform: (any Transform)?) {
        self.label = label
        self.range = range
        if let transform {
            decades = true
            ticks = Axis.decadeTicks(range, transform)
        } else {
            decades = false
            ticks = Axis.linearTicks(range)
        }
        ticks.sort { $0.position < $1.position }
    }

    /// An axis with the given ticks (a curve plot's log10 concentration axis, a histogram's % axis).
    public init(label: String, range: DensityPlot.Range, ticks: [Tick], decades: Bool) {
        self.label = label
        self.range = range
        self.ticks = ticks.sorted { $0.position < $1.position }
        self.decades = decades
    }

    /// 0, ±10ᵏ and ±m·10ᵏ (m = 2…9) for k = 0…9, where the transform is finite and inside the range.
    static func decadeTicks(_ range: DensityPlot.Range, _ transform: any Transform) -> [Tick] {
        var ticks: [Tick] = []
        func add(_ value: Double, _ label: String, minor: Bool, priority: Int) {
            let position = transform.apply(value)
            guard position.isFinite, position >= range.low, position <= range.high else { return }
            ticks.append(Tick(position: position, label: label, minor: minor, priority: priority))
        }
        add(0, "0", minor: false, priority: 0)
        for k in 0...9 {
            let decade = pow(10, Double(k))
            // Larger decades first when thinning; positive before negative.
            add(decade, "10^\(k)", minor: false, priority: 1 + (9 - k))
            add(-decade, "-10^\(k)", minor: false, priority: 11 + (9 - k))
            for m in 2...9 {
                add(Double(m) * decade, "\(m)×10^\(k)", minor: true, priority: 21 + (m == 2 || m == 5 ? 0 : 1))
                add(-Double(m) * decade, "-\(m)×10^\(k)", minor: true, priority: 23)
            }
        }
        return ticks
    }

    /// Round-number ticks over a linear range: at most about a dozen, counted rather than accumulated, so a range
    /// of ±1.8e308 (wider than the largest double) or one narrower than a step's rounding still ends.
    static func linearTicks(_ range: DensityPlot.Range) -> [Tick] {
        guard range.low.isFinite, range.high.isFinite, range.high > range.low else { return [] }
        // The span of ±1.8e308 overflows; a fifth of it does not.
        let step = Axis.niceStep(range.high / 5 - range.low / 5)
        let first = (range.low / step).rounded(.up)
        let count = ((range.high / step).rounded(.down) - first)
        guard step.isFinite, first.isFinite, count.isFinite, count >= 0 else { return [] }
        return (0...Int(min(count, 20))).compactMap { k in
            let index = first + Double(k)
            let value = index * step
            // Every other tick (counted from 0, so 0 is one of them) is kept first when not all labels fit.
            let even = index.truncatingRemainder(dividingBy: 2) == 0
            return value.isFinite && value <= range.high + step * 1e-9
                ? Tick(position: value, label: Axis.short(value), priority: even ? 0 : 1) : nil
        }
    }

    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(raw)))
        for factor in [1.0, 2, 2.5, 5, 10] where factor * magnitude >= raw { return factor * magnitude }
        return 10 * magnitude
    }

    /// `50K`, `1.5M`, `0.25`.
    static func short(_ value: Double) -> String {
        let magnitude = abs(value)
        func trim(_ v: Double) -> String {
            var text = String(format: "%.2f", v)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text == "-0" ? "0" : text
        }
        if magnitude >= 1e6 { return trim(value / 1e6) + "M" }
        if magnitude >= 1e3 { return trim(value / 1e3) + "K" }
        return trim(value)
    }
}
