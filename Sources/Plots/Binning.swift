import Transforms

/// Bins untransformed values on an axis whose plotted coordinate is `transform(value)`.
///
/// The bin borders, uniform in the plotted coordinate, are mapped back once through the transform's closed-form
/// inverse, so events are binned without transforming each one (logicle's forward direction is an iterative
/// solve, about 100 ns an event). Every transform here is monotone increasing, so the bins are those of the
/// transformed values. An event is placed in two steps: a guide table indexed by the top bits of its value as a
/// `Float` (a monotone key: sign, exponent and 5 mantissa bits, buckets about 3 % wide) gives the number of
/// borders below its bucket; the few borders inside the bucket are then compared exactly.
struct Binning {
    /// Raw values of the borders between bins, ascending.
    private let borders: [Double]
    /// For each bucket key, the number of borders in lower buckets.
    private let guide: [UInt16]
    /// Linear axes skip the table: the bin is arithmetic.
    private let linear: (low: Double, scale: Double, centred: Bool)?
    private let bins: Int

    private static let keyBits = 14

    /// `count` bins over `range` (plotted coordinates); `centred` puts bin k around the plotted value
    /// `low + k·span/(count−1)` (pixels), otherwise bin k covers `[low + k·span/count, low + (k+1)·span/count)`.
    init(count: Int, range: DensityPlot.Range, transform: (any Transform)?, centred: Bool) {
        let span = range.high - range.low
        bins = max(count, 1)
        borders = (0..<max(count - 1, 0)).map { k in
            let plotted = centred ? range.low + (Double(k) + 0.5) / Double(count - 1) * span : range.low + Double(k + 1) / Double(count) * span
            return transform?.inverse(plotted) ?? plotted
        }
        if transform == nil {
            linear = (range.low, centred ? Double(max(count - 1, 1)) / span : Double(count) / span, centred)
            guide = []
        } else {
            linear = nil
            var guide = [UInt16](repeating: 0, count: 1 << Self.keyBits)
            // guide[k] = borders whose key is below k.
            var below = 0
            for key in 0..<guide.count {
                while below < borders.count && Self.key(borders[below]) < key { below += 1 }
                guide[key] = UInt16(below)
            }
            self.guide = guide
        }
    }

    /// A key that never decreases as the value grows: the `Float`'s bits, flipped for negatives so that they order
    /// like the numbers, keeping the top `keyBits`.
    @inline(__always)
    static func key(_ value: Double) -> Int {
        let bits = Int32(bitPattern: Float(value).bitPattern)
        let ordered = bits >= 0 ? Int(bits) : Int(Int32.min) - Int(bits) - 1
        return (ordered + (1 << 31)) >> (32 - keyBits)
    }

    /// The bin of a raw value (values beyond the range go to the end bins), or nil for NaN.
    @inline(__always)
    func bin(_ value: Double) -> Int? {
        guard !value.isNaN else { return nil }
        if let linear {
            let position = (value - linear.low) * linear.scale
            // floor(x + 0.5), not rounded(): the latter is a libm call per event (halves differ only below 0).
            let bin = linear.centred ? (position + 0.5).rounded(.down) : position.rounded(.down)
            // NaN when the span overflowed (±1.7e308: scale 0, times an infinite distance) goes to the first bin.
            guard bin >= 0 else { return 0 }
            return bin >= Double(bins - 1) ? bins - 1 : Int(bin)
        }
        // Borders in lower buckets are below the value, those in higher buckets above it: compare only the bucket's.
        var index = Int(guide[Self.key(value)])
        while index < borders.count && borders[index] <= value { index += 1 }
        return index
    }
}
