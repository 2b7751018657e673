import Gating
import Transforms

/// A 1-D histogram with threshold lines, the gate's kept side shaded, and optionally control tubes' histograms (an
/// FMO or isotype tube, same population) drawn over it as outlines.
///
/// Heights are honest: each bin's share of the population's events, in %, for the sample and for each control
/// alike, so a control with a third of the sample's events is drawn at its own scale and the y axis reads
/// "% of events per bin".
public struct HistogramPlot: Sendable {
    /// The raster's size in pixels.
    public var width: Int, height: Int
    /// The x range, in plotted (transformed) units.
    public var range: DensityPlot.Range
    /// How many bins span the range.
    public var bins: Int

    /// A control drawn over the sample as an outline.
    public struct Overlay: Sendable {
        /// Untransformed values of the control's events (all of them; `events` picks the population).
        public var values: [Double]
        /// The control's events of the same population.
        public var events: EventSet
        /// The outline's colour.
        public var colour: Bitmap.Colour
        /// An overlay of `values` at `events`.
        public init(values: [Double], events: EventSet, colour: Bitmap.Colour = .fmo) {
            self.values = values
            self.events = events
            self.colour = colour
        }
    }

    /// What ``draw(values:events:overlays:thresholds:kept:transform:)`` made: the raster and the y range (% of
    /// events per bin) it is drawn on.
    public struct Drawing: Sendable {
        /// The raster.
        public var bitmap: Bitmap
        /// The y axis's range, in % of the population's events per bin.
        public var percentRange: DensityPlot.Range
    }

    /// A histogram of `bins` bins over `range`.
    public init(width: Int = 320, height: Int = 200, range: DensityPlot.Range, bins: Int = 128) {
        self.width = width
        self.height = height
        self.range = range
        self.bins = max(bins, 1)
    }

    /// Counts per bin of untransformed `values` plotted as `transform(value)`; off-scale values go to the end bins.
    public func counts(_ values: [Double], over events: EventSet, transform: (any Transform)? = nil) -> [Int] {
        let binning = Binning(count: bins, range: range, transform: transform, centred: false)
        var counts = [Int](repeating: 0, count: bins)
        events.forEach { e in
            if let bin = binning.bin(values[e]) { counts[bin] += 1 }
        }
        return counts
    }

    /// Each bin's share of the events binned, in % (all zero when nothing was binned).
    static func percents(_ counts: [Int]) -> [Double] {
        let total = Double(counts.reduce(0, +))
        return counts.map { total > 0 ? Double($0) / total * 100 : 0 }
    }

    /// The x geometry plots and overlays share. Its y range (0…1.05) is a placeholder: the y range a drawing uses
    /// depends on the counts and is ``Drawing/percentRange``.
    public var density: DensityPlot { DensityPlot(width: width, height: height, x: range, y: DensityPlot.Range(0, 1.05)) }

    /// Bars of the sample, the control as an outline, and vertical lines at the thresholds: the raster of
    /// ``draw(values:events:overlays:thresholds:kept:transform:)`` (heights in % of each tube's events).
    public func render(values: [Double], events: EventSet, control: (values: [Double], events: EventSet)? = nil, thresholds: [Double],
                       transform: (any Transform)? = nil) -> Bitmap {
        draw(values: values, events: events, overlays: control.map { [Overlay(values: $0.values, events: $0.events)] } ?? [],
             thresholds: thresholds, transform: transform).bitmap
    }

    /// Bars of the sample over a shaded kept side, each overlay as an outline, and vertical lines at the thresholds.
    ///
    /// `values` (and the overlays') are untransformed, plotted as `transform(value)`; `thresholds` and `kept` (the
    /// gate's interval; nil ends are open) are in plotted units. Heights are % of each tube's events per bin.
    public func draw(values: [Double], events: EventSet, overlays: [Overlay] = [], thresholds: [Double],
                     kept: (low: Double?, high: Double?)? = nil, transform: (any Transform)? = nil) -> Drawing {
        let sample = Self.percents(counts(values, over: events, transform: transform))
        let controls = overlays.map { (Self.percents(counts($0.values, over: $0.events, transform: transform)), $0.colour) }
        let top = ([sample.max() ?? 0] + controls.map { $0.0.max() ?? 0 }).max() ?? 0
        let percentRange = DensityPlot.Range(0, top > 0 ? top * 1.08 : 1)
        let plot = DensityPlot(width: width, height: height, x: range, y: percentRange)
        var bitmap = Bitmap(width: width, height: height)
        if let kept {
            let left = kept.low.map { plot.column($0) } ?? -1, right = kept.high.map { plot.column($0) } ?? Double(width)
            if left.isFinite, right.isFinite {
                // Clamped in floating point first: a bound far off the plot (a gate beyond every event) shades
                // nothing or everything, and never makes an empty or reversed range of columns.
                let first = Int(min(max(left.rounded(.up), 0), Double(width)))
                let last = Int(min(max(right.rounded(.down) + 1, 0), Double(width)))
                for x in first..<max(first, last) {
                    for y in 0..<height { bitmap.set(x, y, .kept) }
                }
            }
        }
        let binWidth = Double(width) / Double(bins)
        for (bin, share) in sample.enumerated() where share > 0 {
            let x0 = Int((Double(bin) * binWidth).rounded(.down)), x1 = Int((Double(bin + 1) * binWidth).rounded(.down))
            let yTop = Int(plot.row(share).rounded())
            for x in x0..<max(x1, x0 + 1) { for y in yTop..<height { bitmap.set(x, y, .bars) } }
        }
        for (shares, colour) in controls where (shares.max() ?? 0) > 0 {
            var previous: (Double, Double)?
            for (bin, share) in shares.enumerated() {
                let point = ((Double(bin) + 0.5) * binWidth, plot.row(share))
                if let previous { bitmap.line(previous.0, previous.1, point.0, point.1, colour) }
                previous = point
            }
        }
        for threshold in thresholds where threshold.isFinite {
            let x = plot.column(threshold)
            bitmap.line(x, 0, x, Double(height - 1), .gate)
        }
        return Drawing(bitmap: bitmap, percentRange: percentRange)
    }
}

extension Bitmap.Colour {
    /// A histogram's bars.
    public static let bars = Bitmap.Colour(150, 150, 150)
    /// The kept side of a 1-D gate, shaded behind the bars.
    public static let kept = Bitmap.Colour(253, 226, 231)
    /// An FMO control's outline.
    public static let fmo = Bitmap.Colour(33, 102, 172)
    /// An isotype control's outline.
    public static let isotype = Bitmap.Colour(230, 120, 0)

    /// The colour as CSS (`#2166ac`), for legends drawn beside the raster.
    public var css: String {
        "#" + [r, g, b].map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
