import Foundation
import Testing
import TestSupport
@testable import Gating

/// The data-driven methods on hand-built data whose answer is known in closed form (or from R's definitions).
@Suite("Gating methods")
struct GatingMethodsTests {
    @Test("Silverman's bandwidth equals R's bw.nrd0 on 1…5 (0.9 · IQR/1.34 · 5^-0.2)")
    func bandwidth() {
        let expected = 0.9 * (2.0 / 1.34) * pow(5.0, -0.2)  // sd 1.58 > IQR/1.34 = 1.49
        #expect(KernelDensity.silvermanBandwidth([1, 2, 3, 4, 5]).isApproximatelyEqual(to: expected, relativeTolerance: 1e-14))
        #expect(abs(expected - 0.97358462285) < 1e-10)
    }

    @Test("the density integrates to 1 and a point mass gives a Gaussian of the bandwidth")
    func density() throws {
        let kde = try #require(KernelDensity([Double](repeating: 0, count: 1000)))
        // sd = IQR = 0 and x₁ = 0: R falls back to 1, so bw = 0.9 · 1000^-0.2.
        #expect(kde.bandwidth.isApproximatelyEqual(to: 0.9 * pow(1000.0, -0.2), relativeTolerance: 1e-14))
        let step = kde.grid[1] - kde.grid[0]
        let integral = kde.density.reduce(0, +) * step
        #expect(abs(integral - 1) < 0.01)
        let peak = kde.density.max() ?? 0
        #expect(abs(peak - 1 / (kde.bandwidth * (2 * Double.pi).squareRoot())) / peak < 1e-3)
    }

    @Test("tailgate at half the peak of a point mass sits at bw·√(2 ln 2) on either side")
    func tailgate() throws {
        let values = [Double](repeating: 0, count: 1000)
        let bw = 0.9 * pow(1000.0, -0.2)
        let right = try #require(GatingMethods.tailgate(values, side: .above, tolerance: 0.5))
        let left = try #require(GatingMethods.tailgate(values, side: .below, tolerance: 0.5))
        let expected = bw * (2 * log(2.0)).squareRoot()   // 0.26618
        #expect(abs(right.value - expected) < 0.003)
        #expect(abs(left.value + expected) < 0.003)
        #expect(right.method == "tailgate")
    }

    /// Two blocks of 1,000 equally spaced values, [0, 1] and [3, 4]: mirror images about 2, so the valley is at 2.
    static let bimodal: [Double] = (0..<1000).map { Double($0) / 999 } + (0..<1000).map { 3 + Double($0) / 999 }

    @Test("mindensity finds the valley between two symmetric modes (at 2, within a grid step)")
    func mindensity() throws {
        let cut = try #require(GatingMethods.mindensity(Self.bimodal))
        let kde = try #require(KernelDensity(Self.bimodal))
        #expect(cut.method == "mindensity" && cut.flags.isEmpty)
        #expect(abs(cut.value - 2) <= kde.grid[1] - kde.grid[0])
        // A range holding only the right mode leaves one peak: the tailgate fallback, said so.
        let one = try #require(GatingMethods.mindensity(Self.bimodal, range: 2.5...5))
        #expect(one.method == "tailgate" && one.flags == ["ONE_PEAK_TAILGATE"])
    }

    @Test("mindensity on one mode falls back to tailgate, and says so")
    func mindensityOnePeak() throws {
        // A triangular mode on [0, 2] (inverse CDF at (i + 0.5) / 1000): one peak, at 1.
        let values = (0..<1000).map { i -> Double in
            let u = (Double(i) + 0.5) / 1000
            return u < 0.5 ? (2 * u).squareRoot() : 2 - (2 * (1 - u)).squareRoot()
        }
        let cut = try #require(GatingMethods.mindensity(values, keep: .above))
        let tail = try #require(GatingMethods.tailgate(values, side: .above, tolerance: 0.01))
        #expect(cut.flags == ["ONE_PEAK_TAILGATE"] && cut.method == "tailgate")
        #expect(cut.value == tail.value && cut.value > 2)
        #expect(GatingMethods.mindensity([1]) == nil)
    }

    @Test("quantile is R's type 7 (1…10 at 0.25 is 3.25)")
    func quantile() throws {
        #expect(try #require(GatingMethods.quantile((1...10).map(Double.init), probability: 0.25)).value == 3.25)
        #expect(try #require(GatingMethods.quantile([.nan, 5, 1], probability: 0.5)).value == 3)
        #expect(GatingMethods.quantile([.nan], probability: 0.5) == nil)
    }

    @Test("boundary drops only values piled at the extremes")
    func boundary() {
        let piled = GatingMethods.boundary([0, 0, 0, 1, 2, 3, 5, 5])
        #expect(piled.low == 0 && piled.high == 5)
        let single = GatingMethods.boundary([0, 1, 2, 2, .nan])
        #expect(single.low == nil && single.high == 2)
        let constant = GatingMethods.boundary([3, 3, 3])
        #expect(constant.low == 3 && constant.high == nil)
    }

    @Test("singlet: on y = 2 + x/2 ± 1 the line exactly, scale 1/0.6745; with 11 doublets the slope holds and they fall outside")
    func singlet() throws {
        var x: [Double] = [], y: [Double] = []
        // Every x twice, at the line ± 1: least squares (Huber's start) is the line, every |residual| is 1.
        for i in 1...100 { for e in [-1.0, 1] { x.append(Double(i)); y.append(2 + 0.5 * Double(i) + e) } }
        let clean = try #require(GatingMethods.singlet(x: x, y: y, width: 3))
        #expect(abs(clean.slope - 0.5) < 1e-12 && abs(clean.intercept - 2) < 1e-10)
        #expect(abs(clean.scale - 1 / 0.6745) < 1e-12)
        for i in 50...60 { x.append(Double(i)); y.append(0.25 * Double(i)) }
        let fit = try #require(GatingMethods.singlet(x: x, y: y, width: 3))
        #expect(abs(fit.slope - 0.5) < 0.01)
        #expect(abs(fit.intercept - 2) < 0.5)
        func inBand(_ px: Double, _ py: Double) -> Bool { abs(py - fit.intercept - fit.slope * px) <= 3 * fit.scale }
        #expect((0..<200).allSatisfy { inBand(x[$0], y[$0]) })
        #expect((200..<211).allSatisfy { !inBand(x[$0], y[$0]) })
        // The polygon spans x = 1 … just past 100 and is the band.
        #expect(fit.polygon[0][0] == 1 && fit.polygon[1][0] > 100 && fit.polygon[1][0] < 100.001)
        #expect(fit.polygon[3][1] - fit.polygon[0][1] == 2 * 3 * fit.scale)
    }

    @Test("cluster: two 3×3 grids give their means and the MLE covariance 2/3·I; the ellipse holds the χ²₂ 95 % radius")
    func cluster() throws {
        var x: [Double] = [], y: [Double] = []
        for (cx, cy) in [(0.0, 0.0), (10.0, 10.0)] {
            for dx in [-1.0, 0, 1] { for dy in [-1.0, 0, 1] { x.append(cx + dx); y.append(cy + dy) } }
        }
        let gate = try #require(GatingMethods.cluster(x: x, y: y, components: 2, target: [9, 8], quantile: 0.95))
        #expect(abs(gate.mean[0] - 10) < 1e-9 && abs(gate.mean[1] - 10) < 1e-9)
        #expect(abs(gate.covariance[0][0] - 2.0 / 3) < 1e-6 && abs(gate.covariance[0][1]) < 1e-9 && abs(gate.covariance[1][1] - 2.0 / 3) < 1e-6)
        #expect(abs(gate.distanceSquare - 5.991464547107982) < 1e-12)
        let low = try #require(GatingMethods.cluster(x: x, y: y, components: 2, target: [1, -1]))
        #expect(abs(low.mean[0]) < 1e-9 && abs(low.mean[1]) < 1e-9)
        #expect(GaussianMixture(x: [1, 2, 3], y: [1, 2, 3], components: 2) == nil)
    }

    @Test("cluster and density2d are deterministic: the same input gives the same gate, bit for bit")
    func deterministic() throws {
        var x: [Double] = [], y: [Double] = []
        var state: UInt64 = 12345
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / Double(1 << 53) }
        for i in 0..<20_000 { let c = i % 3 == 0 ? 3.0 : 0.0; x.append(c + next() + next()); y.append(c + next() - next()) }
        let a = try #require(GaussianMixture(x: x, y: y, components: 3)), b = try #require(GaussianMixture(x: x, y: y, components: 3))
        #expect(a == b)
        let d1 = try #require(Density2D.gate(x: x, y: y, bins: 64, sigma: 2, gateFraction: 0.5))
        let d2 = try #require(Density2D.gate(x: x, y: y, bins: 64, sigma: 2, gateFraction: 0.5))
        #expect(d1 == d2)
        #expect(d1.mask.filter { $0 }.count >= 10_000)
    }
}
