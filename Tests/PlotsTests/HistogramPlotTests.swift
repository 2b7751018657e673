import Foundation
import Testing
import Gating
@testable import Plots

/// Histograms with honest heights (% of each tube's events per bin), the kept side shaded, and a control overlaid.
@Suite("Histogram plot")
struct HistogramPlotTests {
    @Test("heights are % of each tube's events per bin; the kept side is shaded behind the bars; the control is drawn to its own scale")
    func honestHeights() {
        // 100 events at 0…99 in 10 bins of 10: every bin holds 10 % of the sample.
        let values = (0..<100).map(Double.init)
        // A control of 50 events, all at 55: one bin with 100 % of the control.
        let control = [Double](repeating: 55, count: 50)
        let plot = HistogramPlot(width: 100, height: 60, range: DensityPlot.Range(0, 100), bins: 10)
        let drawing = plot.draw(values: values, events: EventSet.all(100),
                                overlays: [HistogramPlot.Overlay(values: control, events: EventSet.all(50))],
                                thresholds: [50], kept: (low: 50, high: nil))
        // The y axis reaches the tallest share of either tube, 100 %, plus 8 %.
        #expect(drawing.percentRange == DensityPlot.Range(0, 108))
        let bitmap = drawing.bitmap
        // Bars 10 % tall: row 59 − 10/108·59 = 53.5, so rows 54…59 are bars on both sides of the threshold (probed
        // above the control's outline, which runs along the bottom rows where the control has no events).
        #expect(bitmap.pixel(20, 55) == .bars && bitmap.pixel(80, 55) == .bars)
        #expect(bitmap.pixel(20, 52) == .white, "above the bars, left of the gate: not kept")
        #expect(bitmap.pixel(80, 52) == .kept && bitmap.pixel(80, 10) == .kept, "right of the threshold (the gate's min): kept")
        #expect(bitmap.pixel(49, 30) == .gate || bitmap.pixel(50, 30) == .gate, "the threshold line at column 49.5")
        // The control's single bin peaks at 100/108 of the height, at bin 5's centre (column 55).
        let peakRow = Int((59 - 100.0 / 108 * 59).rounded())
        let rows: [Int] = [peakRow - 1, peakRow, peakRow + 1]
        let peak = rows.contains { row in bitmap.pixel(55, row) == Bitmap.Colour.fmo }
        #expect(peak)
    }

    @Test("the ELISA curve plot shows every replicate, the blank, and each sample on the curve (censored ones open)")
    func curvePlot() {
        // A 4PL curve: a = 0.05, d = 2.5, c = 100, b = 1.
        let curve: @Sendable (Double) -> Double = { x in 2.5 + (0.05 - 2.5) / (1 + x / 100) }
        var plot = CurvePlot(points: [(10, curve(10)), (100, curve(100)), (1000, curve(1000))], curve: curve, lloq: 10, uloq: 1000,
                             title: "CCL18", xLabel: "pg/mL", size: 200)
        plot.replicates = [(10, curve(10) - 0.02), (10, curve(10) + 0.02), (100, curve(100) - 0.05), (100, curve(100) + 0.05),
                           (1000, curve(1000) - 0.04), (1000, curve(1000) + 0.04)]
        plot.blanks = [-0.01, 0.01]
        plot.samples = [CurvePlot.SamplePoint(id: "in", meanNetOD: curve(50), concentration: 50, censored: false),
                        CurvePlot.SamplePoint(id: "low", meanNetOD: 0.04, concentration: nil, censored: true)]
        let (xr, yr) = plot.ranges
        let geometry = DensityPlot(width: 200, height: 200, x: xr, y: yr)
        let bitmap = plot.bitmap()
        // The in-range sample: a filled circle at (log10 50, its OD).
        let inX = Int(geometry.column(log10(50.0)).rounded()), inY = Int(geometry.row(curve(50)).rounded())
        #expect(bitmap.pixel(inX, inY) == CurvePlot.sampleColour)
        // The censored one below the curve's bottom: an open circle at the left end of the curve.
        let lowX = Int(geometry.column(plot.curveStart).rounded()), lowY = Int(geometry.row(0.04).rounded())
        #expect(bitmap.pixel(lowX, lowY) != CurvePlot.sampleColour)
        let ring: [(Int, Int)] = [(3, 0), (-3, 0), (0, 3), (0, -3)]
        let onRing = ring.contains { offset in bitmap.pixel(lowX + offset.0, lowY + offset.1) == CurvePlot.sampleColour }
        #expect(onRing)
        // Replicates: small grey squares at each well's net OD.
        // Two replicates per level, side by side 10 px apart: the second 5 px right of the level.
        let repX = Int((geometry.column(2) + 5).rounded()), repY = Int(geometry.row(curve(100) + 0.05).rounded())
        #expect(bitmap.pixel(repX, repY) == CurvePlot.replicateColour)
        // The blank strip is left of the lowest concentration, labelled on the axis.
        #expect(plot.curveStart == xr.low + CurvePlot.blankStrip)
        let svg = plot.svg()
        #expect(svg.contains(">blank</text>"))
        #expect(svg.contains("samples: mean net OD on the curve (2; open: 1 censored)"))
        #expect(svg.contains("replicate wells and blanks"))
    }

    @Test("a kept side that starts beyond the plot's right edge (or ends before its left) shades nothing, far bounds included",
          arguments: [(150.0, nil), (1e300, nil), (nil, -40.0), (nil, -1e300), (-1e300, 1e300)] as [(Double?, Double?)])
    func keptBeyondThePlot(low: Double?, high: Double?) {
        let plot = HistogramPlot(width: 100, height: 60, range: DensityPlot.Range(0, 100), bins: 10)
        let drawing = plot.draw(values: (0..<100).map(Double.init), events: EventSet.all(100), thresholds: [], kept: (low: low, high: high))
        // Row 1 is above the bars (every bin holds 10 % of the events, the axis reaches 10.8 %).
        let shaded = (0..<100).filter { drawing.bitmap.pixel($0, 1) == .kept }.count
        // Only the interval covering the whole axis shades every column.
        #expect(shaded == (low == -1e300 && high == 1e300 ? 100 : 0), "\(String(describing: low))…\(String(describing: high)): \(shaded) columns")
    }
}
