import Foundation
import Testing
import Transforms
@testable import Plots

/// The axis frame of every SVG figure (gate plots, gallery cells, curve plots): each axis's tick marks are one path,
/// its labels `tick-label` texts beside them in the axis's group.
@Suite("SVG axis frames")
struct SVGFigureTests {
    /// The moves and strokes of the tick-mark path in the group `group` (`x-ticks`, `y-ticks`) of `svg`.
    static func marks(_ group: String, in svg: String) throws -> [(x: Double, y: Double, stroke: String)] {
        let start = try #require(svg.range(of: "<g class=\"\(group)\""), "group \(group)")
        let end = try #require(svg[start.upperBound...].range(of: "</g>"))
        let body = String(svg[start.upperBound..<end.lowerBound])
        let d = String(try #require(body.firstMatch(of: /<path class="tick-marks" d="([^"]*)" fill="none" stroke="#333"\/>/)?.1))
        let matches = d.matches(of: /M(-?[0-9.]+) (-?[0-9.]+)([vh]-?[0-9]+)/)
        // Every character of the path is one of the moves and strokes read (no `nan`, nothing else).
        #expect(matches.map { String($0.0) }.joined() == d, "\(d)")
        return try matches.map { match in
            (try #require(Double(match.1)), try #require(Double(match.2)), String(match.3))
        }
    }

    @Test("ticks are one path per axis: a 5-pixel stroke at each major tick and 3 at each minor, at the tick's pixel")
    func tickMarksAsOnePath() throws {
        // y: linear 0…100 over 100 px with the plot's top at 10: round ticks every 20, at y = 110 − value.
        let y = Axis(label: "SSC-A", range: DensityPlot.Range(0, 100), transform: nil)
        // x: a logicle axis over 220 px from left = 40, with minor ticks between the decades.
        let logicle = try LogicleTransform(T: 262_144, W: 0.5, M: 4.5, A: 0)
        let x = Axis(label: "CD206", range: DensityPlot.Range(-0.05, 1.05), transform: logicle)
        let metrics = TickLabelMetrics(fontSize: 9)
        let svg = SVGFigure.axes(x: x, y: y, left: 40, top: 10, width: 220, height: 100, metrics: metrics,
                                 titleSize: 11, xTitleAt: 150, yTitleAt: 16)
        #expect(!svg.contains("<line"))

        let yMarks = try Self.marks("y-ticks", in: svg)
        #expect(yMarks.map(\.y) == [110, 90, 70, 50, 30, 10])
        #expect(yMarks.allSatisfy { $0.x == 40 && $0.stroke == "h-5" })

        let kept = x.thinned(length: 220, metrics: metrics, vertical: false).ticks
        #expect(kept.contains(where: \.minor) && kept.contains { !$0.minor })
        let xMarks = try Self.marks("x-ticks", in: svg)
        #expect(xMarks.count == kept.count)
        for (mark, tick) in zip(xMarks, kept) {
            let pixel = 40 + (tick.position + 0.05) / 1.1 * 220
            #expect(abs(mark.x - pixel) <= 0.005, "tick at \(tick.position): drawn at \(mark.x), expected \(pixel)")
            #expect(mark.y == 110 && mark.stroke == (tick.minor ? "v3" : "v5"))
        }
        // Labels stay texts of their own, one per labelled tick.
        let labels = svg.components(separatedBy: "class=\"tick-label\"").count - 1
        #expect(labels == kept.filter { !$0.label.isEmpty }.count + y.thinned(length: 100, metrics: metrics, vertical: true).ticks.filter { !$0.label.isEmpty }.count)
    }

    @Test("an axis over ±1.7e308 (its span overflows) draws its ticks where they are, and the path stays whole")
    func extremeAxis() throws {
        let x = Axis(label: "x", range: DensityPlot.Range(-1.7e308, 1.7e308), transform: nil)
        #expect(x.ticks.map(\.position) == [-1e308, 0, 1e308])
        let y = Axis(label: "y", range: DensityPlot.Range(0, 100), transform: nil)
        let svg = SVGFigure.axes(x: x, y: y, left: 40, top: 10, width: 220, height: 100, metrics: TickLabelMetrics(fontSize: 9),
                                 titleSize: 11, xTitleAt: 150, yTitleAt: 16)
        // (v + 1.7e308) / 3.4e308 × 220 + 40: 0.7 / 3.4 × 220 + 40 = 85.29, 150, 2.7 / 3.4 × 220 + 40 = 214.71.
        #expect(try Self.marks("x-ticks", in: svg).map(\.x) == [85.29, 150, 214.71])
    }

    @Test("an axis without ticks draws no empty path")
    func noTicksNoPath() {
        let empty = Axis(label: "x", range: DensityPlot.Range(-.infinity, .infinity), transform: nil)
        let y = Axis(label: "y", range: DensityPlot.Range(0, 1), transform: nil)
        let svg = SVGFigure.axes(x: empty, y: y, left: 40, top: 10, width: 220, height: 100, metrics: TickLabelMetrics(fontSize: 9),
                                 titleSize: 11, xTitleAt: 150, yTitleAt: 16)
        #expect(!svg.contains("d=\"\""))
        #expect(svg.components(separatedBy: "class=\"tick-marks\"").count - 1 == 1)
    }
}
