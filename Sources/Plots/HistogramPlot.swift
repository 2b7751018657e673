import Gating
import Transforms

/// A 1-D histogram (bars, normalised to the tallest bin) with threshold lines, and optionally a control's
/// histogram (an FMO or isotype tube, same population) drawn over it as an outline.
public struct HistogramPlot: Sendable {
    public var width: Int, height: Int
    public var range: DensityPlot.Range
    public var bins: Int

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

    /// The geometry plots and overlays share.
    public var density: DensityPlot { DensityPlot(width: width, height: height, x: range, y: DensityPlot.Range(0, 1.05)) }

    /// Bars of the sample, the control as an outline, and vertical lines at the thresholds.
    /// `values` (and the control's) are untransformed, plotted as `transform(value)`; thresholds are in plotted units.
    public func render(values: [Double], events: EventSet, control: (values: [Double], events: EventSet)? = nil, thresholds: [Double],
                       transform: (any Transform)? = nil) -> Bitmap {
        var bitmap = Bitmap(width: width, height: height)
        let plot = density
        let binWidth = Double(width) / Double(bins)
        let sample = counts(values, over: events, transform: transform)
        let top = Double(sample.max() ?? 0)
        if top > 0 {
            for (bin, count) in sample.enumerated() where count > 0 {
                let x0 = Int((Double(bin) * binWidth).rounded(.down)), x1 = Int((Double(bin + 1) * binWidth).rounded(.down))
                let yTop = Int(plot.row(Double(count) / top).rounded())
                for x in x0..<max(x1, x0 + 1) { for y in yTop..<height { bitmap.set(x, y, Bitmap.Colour(150, 150, 150)) } }
            }
        }
        if let control {
            let counts = self.counts(control.values, over: control.events, transform: transform)
            let controlTop = Double(counts.max() ?? 0)
            if controlTop > 0 {
                var previous: (Double, Double)?
                for (bin, count) in counts.enumerated() {
                    let point = ((Double(bin) + 0.5) * binWidth, plot.row(Double(count) / controlTop))
                    if let previous { bitmap.line(previous.0, previous.1, point.0, point.1, Bitmap.Colour(33, 102, 172)) }
                    previous = point
                }
            }
        }
        for threshold in thresholds where threshold.isFinite {
            let x = plot.column(threshold)
            bitmap.line(x, 0, x, Double(height - 1), .gate)
        }
        return bitmap
    }
}
