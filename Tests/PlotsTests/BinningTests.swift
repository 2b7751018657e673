import Foundation
import Testing
import Gating
import Transforms
@testable import Plots

@Suite("Binning raw values on a transformed axis")
struct BinningTests {
    @Test("borders mapped back through logicle bin every event where its transformed value falls")
    func logicleBinsMatchTransformedValues() throws {
        let logicle = try LogicleTransform(T: 262_144, W: 0.5, M: 4.5, A: 0)
        let range = DensityPlot.Range(-0.05, 1.05)
        let plot = DensityPlot(width: 320, height: 320, x: range, y: range)
        let columns = Binning(count: 320, range: range, transform: logicle, centred: true)
        let bars = Binning(count: 128, range: range, transform: logicle, centred: false)
        var generator = SystemRandomNumberGenerator()
        var checked = 0
        for _ in 0..<20_000 {
            // From below the scale to beyond its top, on a log-like spread.
            let raw = Double.random(in: -3...5.6, using: &generator)
            let value = raw < 0 ? -pow(10, -raw) / 100 : pow(10, raw)
            let y = logicle.apply(value)
            // The pixel the transformed value rounds to, and the bar it falls in, computed the direct way.
            let column = plot.column(y)
            let bar = (y - range.low) / (range.high - range.low) * 128
            // Values within rounding distance of a border may go either way.
            guard abs(column - column.rounded(.down) - 0.5) > 1e-9, abs(bar - bar.rounded()) > 1e-9 else { continue }
            #expect(columns.bin(value) == min(max(Int(column.rounded()), 0), 319), "value \(value) → \(y)")
            #expect(bars.bin(value) == min(max(Int(bar.rounded(.down)), 0), 127), "value \(value) → \(y)")
            checked += 1
        }
        #expect(checked > 19_000)
        #expect(columns.bin(.nan) == nil)
        #expect(columns.bin(.infinity) == 319 && columns.bin(-.infinity) == 0)
    }
}
