import Transforms

/// An axis: its label, range in plotted units, and ticks placed at data values (decades on logicle, asinh and
/// log axes, round numbers on linear ones), so tick labels read in the instrument's units.
public struct Axis: Sendable {
    /// One tick: its position in plotted units and its label.
    public struct Tick: Sendable, Equatable {
        public var position: Double
        public var label: String
    }

    public var label: String
    public var range: DensityPlot.Range
    public var ticks: [Tick]

    /// An axis over `range`, for values that went through `transform` (nil: linear data units).
    public init(label: String, range: DensityPlot.Range, transform: (any Transform)?) {
        self.label = label
        self.range = range
        var ticks: [Tick] = []
        if let transform {
            var values: [Double] = [0]
            for k in 1...7 { values += [pow(10, Double(k)), -pow(10, Double(k))] }
            for value in values {
                let position = transform.apply(value)
                guard position.isFinite, position >= range.low, position <= range.high else { continue }
                ticks.append(Tick(position: position, label: value == 0 ? "0" : (value < 0 ? "-" : "") + "10^\(Int(log10(abs(value))))"))
            }
        } else {
            ticks = Axis.linearTicks(range)
        }
        self.ticks = ticks.sorted { $0.position < $1.position }
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
            let value = (first + Double(k)) * step
            return value.isFinite && value <= range.high + step * 1e-9 ? Tick(position: value, label: Axis.short(value)) : nil
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
            return text
        }
        if magnitude >= 1e6 { return trim(value / 1e6) + "M" }
        if magnitude >= 1e3 { return trim(value / 1e3) + "K" }
        return trim(value)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
