import Testing
import Transforms
@testable import Plots

/// Axis ticks: FlowJo-style decades with 0 and minor ticks on logicle, asinh and log axes, and labels thinned so
/// that no two label boxes overlap at any length.
@Suite("Axis ticks and labels")
struct AxisTests {
    static func logicle() throws -> any Transform { try LogicleTransform(T: 262_144, W: 0.5, M: 4.5, A: 0) }

    /// A label's box along the axis, computed here from its tick's position and the metrics' character widths.
    static func boxes(_ axis: Axis, length: Double, metrics: TickLabelMetrics, vertical: Bool) -> [(Double, Double)] {
        axis.ticks.filter { !$0.label.isEmpty }.map { tick in
            let centre = (tick.position - axis.range.low) / (axis.range.high - axis.range.low) * length
            let extent = vertical ? metrics.height(tick.label) : metrics.width(tick.label)
            return (centre - extent / 2, centre + extent / 2)
        }.sorted { $0.0 < $1.0 }
    }

    @Test("label boxes never overlap on logicle, asinh, log and linear axes, over many ranges and lengths",
          arguments: [60.0, 110, 147, 220, 320, 640])
    func labelsDoNotOverlap(length: Double) throws {
        let logicle = try Self.logicle(), asinh = try AsinhTransform(T: 262_144, M: 4.5, A: 0), log = try LogTransform(T: 262_144, M: 4.5)
        let metrics = TickLabelMetrics(fontSize: 11)
        var axes: [(String, Axis)] = []
        let decadeTransforms: [(String, any Transform)] = [("logicle", logicle), ("asinh", asinh)]
        for (name, transform) in decadeTransforms {
            for (low, high) in [(-0.05, 1.05), (0.0, 1.0), (0.1, 0.9), (0.2, 0.6), (0.5, 0.9), (0.55, 0.8), (-0.2, 0.3), (0.0, 0.25)] {
                axes.append(("\(name) \(low)…\(high)", Axis(label: name, range: DensityPlot.Range(low, high), transform: transform)))
            }
        }
        for (low, high) in [(0.0, 1.0), (0.3, 1.0), (0.6, 0.7)] {
            axes.append(("log \(low)…\(high)", Axis(label: "log", range: DensityPlot.Range(low, high), transform: log)))
        }
        for (low, high) in [(0.0, 262_144.0), (-5_000.0, 270_000.0), (0.0, 1.0), (-1.5, 1.5), (0.0, 1e7), (12_345.0, 12_399.0)] {
            axes.append(("linear \(low)…\(high)", Axis(label: "linear", range: DensityPlot.Range(low, high), transform: nil)))
        }
        for (name, axis) in axes {
            for vertical in [false, true] {
                let thinned = axis.thinned(length: length, metrics: metrics, vertical: vertical)
                let boxes = Self.boxes(thinned, length: length, metrics: metrics, vertical: vertical)
                for (a, b) in zip(boxes, boxes.dropFirst()) {
                    #expect(a.1 + metrics.gap <= b.0 + 1e-9, "\(name) at \(length) px (\(vertical ? "vertical" : "horizontal")): \(a) and \(b) overlap")
                }
                // The library's own boxes are the ones computed here.
                let own: [(Double, Double)] = thinned.labelBoxes(length: length, metrics: metrics, vertical: vertical).map { ($0.low, $0.high) }
                let same = own.count == boxes.count && zip(own.sorted { $0.0 < $1.0 }, boxes).allSatisfy { pair in
                    abs(pair.0.0 - pair.1.0) < 1e-9 && abs(pair.0.1 - pair.1.1) < 1e-9
                }
                #expect(same)
                if length >= 110 { #expect(!boxes.isEmpty, "\(name) at \(length) px has a label") }
            }
        }
    }

    @Test("a full logicle axis: 0 and the decades 10²…10⁵ labelled, the crowded ones near 0 not, minor ticks between")
    func logicleDecades() throws {
        let logicle = try Self.logicle()
        let axis = Axis(label: "CD206", range: DensityPlot.Range(-0.05, 1.05), transform: logicle)
        // logicle(10^k) for T = 262144, W = 0.5, M = 4.5: the decades, and 0 at 0.5/4.5 = 0.111.
        #expect(abs(logicle.apply(0) - 0.5 / 4.5) < 1e-9)
        let thinned = axis.thinned(length: 220, metrics: TickLabelMetrics(fontSize: 9), vertical: false)
        let labels = thinned.ticks.filter { !$0.label.isEmpty }.map(\.label)
        #expect(labels.contains("0"))
        #expect(labels.contains("10^3") && labels.contains("10^4") && labels.contains("10^5"), "\(labels)")
        // 10⁰ and 10¹ sit within a pixel or two of 0: never labelled beside it.
        #expect(!labels.contains("10^0") && !labels.contains("10^1") && !labels.contains("-10^1"), "\(labels)")
        // Minor ticks 2–9 × 10⁴ lie between 10⁴ and 10⁵ (at 320 px the closest, 9·10⁴ and 10⁵, are 3 px apart).
        let minors = axis.thinned(length: 320, metrics: TickLabelMetrics(fontSize: 9), vertical: false).ticks.filter { $0.minor && $0.position > logicle.apply(1e4) && $0.position < logicle.apply(1e5) }
        #expect(minors.count == 8)
    }

    @Test("a narrow logicle CD45 axis (one decade in range) shows several ticks and at least two labels")
    func narrowLogicle() throws {
        // The macrophage gate's CD45 axis: logicle y is about 10^(4.5·y + 0.918), so 0.62…0.9 is ≈ 5·10³ … 9·10⁴.
        let axis = Axis(label: "CD45", range: DensityPlot.Range(0.62, 0.9), transform: try Self.logicle())
        let decades = axis.ticks.filter { !$0.minor }
        #expect(decades.map(\.label) == ["10^4"], "only 10⁴ is in range: \(decades.map(\.label))")
        let thinned = axis.thinned(length: 220, metrics: TickLabelMetrics(fontSize: 9), vertical: true)
        #expect(thinned.ticks.count >= 6, "\(thinned.ticks.map(\.label))")
        let labels = thinned.ticks.filter { !$0.label.isEmpty }.map(\.label)
        #expect(labels.count >= 2, "\(labels)")
        #expect(labels.contains("10^4"))
    }

    @Test("linear ticks keep round numbers and drop every other label when they do not fit")
    func linear() {
        // 0…250,000: a step of 50,000 (a fifth of the span, already round).
        let axis = Axis(label: "FSC-A", range: DensityPlot.Range(0, 250_000), transform: nil)
        #expect(axis.ticks.map(\.label) == ["0", "50K", "100K", "150K", "200K", "250K"])
        let wide = axis.thinned(length: 320, metrics: TickLabelMetrics(fontSize: 11), vertical: false)
        #expect(wide.ticks.filter { !$0.label.isEmpty }.count == 6)
        // 110 px: ticks 21 px apart, "50K" 22 px and "100K" 29 px wide at 11 px: only every other label fits.
        let narrow = axis.thinned(length: 110, metrics: TickLabelMetrics(fontSize: 11), vertical: false)
        #expect(narrow.ticks.filter { !$0.label.isEmpty }.map(\.label) == ["0", "100K", "200K"])
        #expect(narrow.ticks.count == 6, "unlabelled ticks stay")
    }
}
