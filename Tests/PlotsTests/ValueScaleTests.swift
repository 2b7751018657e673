import Foundation
import Testing
@testable import Plots

/// The value scales of the study figures (paired panels, forest and scatter plots): ends and ticks worked out by
/// hand, and finite figures for any finite values, however extreme (a hand-edited `concentrations.csv` or
/// `markers.csv` holding 1.7e308 used to stop `flowstudy outcomes` on an integer conversion trap).
@Suite("Value scales of the study figures")
struct ValueScaleTests {
    @Test("A linear scale starts at 0 and rounds its top up to a round step")
    func linear() {
        // Span 47: a fifth is 9.4, the round step above it is 10, and 47 rounds up to 50.
        let scale = ValueScale(enclosing: [3, 47], logarithmic: false)
        #expect(scale.low == 0 && scale.high == 50)
        #expect(scale.ticks == [0, 10, 20, 30, 40, 50])
        #expect(scale.fraction(25) == 0.5)
    }

    @Test("A log scale spans the enclosing decades, one tick per decade beyond two")
    func logarithmic() {
        // log10(0.3) = -0.52 and log10(470) = 2.67: decades 10^-1 to 10^3.
        let scale = ValueScale(enclosing: [0.3, 470], logarithmic: true)
        #expect(scale.low == 0.1 && scale.high == 1000)
        #expect(scale.ticks == [0.1, 1, 10, 100, 1000])
        #expect(abs(scale.fraction(10) - 0.5) < 1e-12)
        // Within two decades 2 and 5 are ticked too.
        #expect(ValueScale(enclosing: [1.5, 60], logarithmic: true).ticks == [1, 2, 5, 10, 20, 50, 100])
    }

    @Test("Values near ±1.8e308 give finite ends, a finite middle and a few ticks")
    func linearExtremes() {
        // The span overflows; halved it is 1.7e308, a fifth of which rounds up to the step 1e308. The rounded
        // ends, ±2e308, overflow and stop at the largest double.
        let scale = ValueScale(enclosing: [-1.7e308, 1.7e308], logarithmic: false)
        #expect(scale.low == -.greatestFiniteMagnitude && scale.high == .greatestFiniteMagnitude)
        #expect(scale.step == 1e308)
        #expect(scale.fraction(0) == 0.5)
        #expect(scale.ticks.count == 4 && scale.ticks.allSatisfy(\.isFinite))
        // One value so large that adding 1 leaves it unchanged still gets a scale with room above it.
        let flat = ValueScale(enclosing: [-1e20, -1e20], logarithmic: false)
        #expect(flat.low == -1e20 && flat.high == -5e19)
        #expect(flat.ticks.count == 6)
        // A span of 1 at 3e15, where doubles are 0.5 apart: the step of 0.2 is below their precision, so the ends
        // alone are ticked (not repeated values).
        let narrow = ValueScale(enclosing: [-3e15, -3e15], logarithmic: false)
        #expect(narrow.ticks == [narrow.low, narrow.high] && narrow.low < narrow.high)
    }

    @Test("A log scale keeps to the decades of normal doubles and thins its ticks to one per decade group")
    func logarithmicExtremes() {
        let scale = ValueScale(enclosing: [Double.leastNonzeroMagnitude, 1.7e308], logarithmic: true)
        #expect(scale.low == 1e-307 && scale.high == 1e308)
        // 615 decades: every 62nd is ticked, from 10^-307.
        #expect(scale.ticks.count == 10)
        #expect(scale.ticks.first == 1e-307 && scale.ticks.allSatisfy { $0.isFinite && $0 > 0 })
        // A value at the top decade still gets a decade above it.
        #expect(ValueScale(enclosing: [1.5e307], logarithmic: true).high == 1e308)
    }

    @Test("SVG numbers: two decimals at most, exponent form from 10^15")
    func svgNumbers() {
        #expect(SVGCanvas.n(3) == "3")
        #expect(SVGCanvas.n(12.5) == "12.5")
        #expect(SVGCanvas.n(0.125) == "0.13")
        #expect(SVGCanvas.n(1e15) == "1000000000000000.0")
        #expect(SVGCanvas.n(1e20) == "1e+20")
        #expect(SVGCanvas.n(-1.7e308) == "-1.7e+308")
        #expect(SVGCanvas.n(.nan) == "0")
        // Tick labels: K and M up to 999M, an exponent beyond.
        #expect([1_500, 2e6, 999e6, 1e9, 1e18].map(FigureNumber.text) == ["1.5K", "2M", "999M", "1e+09", "1e+18"])
    }

    @Test("Every study figure draws extreme values with finite coordinates")
    func figuresWithExtremeValues() {
        let panel = PairedPanel(title: "CCL18", yLabel: "pg/mL", conditions: ("UT", "RUX"),
                                pairs: [.init(id: "S1", untreated: 1.7e308, treated: -1.7e308), .init(id: "S2", untreated: Double.leastNonzeroMagnitude, treated: 1)],
                                logarithmic: false, censoringLimit: 1e308, inset: [])
        let logPanel = PairedPanel(title: "CD206", yLabel: "MFI", conditions: ("UT", "RUX"),
                                   pairs: [.init(id: "S1", untreated: Double.leastNonzeroMagnitude, treated: 1.7e308)], logarithmic: true, inset: [])
        let forest = ForestPlot(title: "Subgroups", xLabel: "log2 ratio",
                                rows: [.init(label: "all", estimate: 1e308, low: -1.7e308, high: 1.7e308, style: .overall)], note: "")
        let scatter = ScatterPlot(title: "mRSS", xLabel: "mRSS", yLabel: "log2 ratio",
                                  points: [.init(id: "S1", x: -1.7e308, y: 1.7e308, group: "a")], groups: ["a"], annotation: "")
        for svg in [PairedFigure(title: "F", panels: [panel, logPanel], columns: 2).svg(), forest.svg(), scatter.svg()] {
            #expect(svg.contains("<svg") && svg.hasSuffix("</svg>\n"))
            #expect(!svg.lowercased().contains("nan") && !svg.contains("inf"))
        }
    }
}
