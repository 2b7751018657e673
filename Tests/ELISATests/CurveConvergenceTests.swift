import Foundation
import Testing
import TestSupport
@testable import ELISA

/// Convergence is decided by the gradient and step tests (METHODS.md §4): a Levenberg–Marquardt run that stalls
/// is not converged, and a plate whose fit did not converge is `CURVE_NOT_CONVERGED` and `CURVE_REJECTED`.
@Suite("Levenberg–Marquardt convergence")
struct CurveConvergenceTests {
    static let x: [Double] = [15.625, 31.25, 62.5, 125, 250, 500, 1000]
    static var y: [Double] { x.map { SyntheticPlateTests.truth.response($0) } }

    @Test("a non-finite Jacobian (c overflows to ∞) is a stall, not convergence")
    func nonFiniteJacobian() {
        // θ = (a, b, ln c, d) with ln c = 1000: c = ∞, so the SSE is finite (every response is a) but ∂/∂b is NaN.
        let run = CurveFitter.levenbergMarquardt(theta: [0.05, 1.2, 1000, 3], x: Self.x, y: Self.y, w: Self.x.map { _ in 1 }, model: .fourParameter)
        #expect(run.sse.isFinite)
        #expect(!run.converged)
    }

    @Test("a converged fit passes the gradient test at the reported optimum (checked here independently)")
    func convergedMeansStationary() throws {
        let fit = try CurveFitter.fit(x: Self.x, y: Self.y.enumerated().map { $1 + ($0 % 2 == 0 ? 0.01 : -0.01) }, model: .fourParameter, weighting: .none)
        #expect(fit.converged)
        // Gradient of the SSE by central differences in θ, relative to the SSE scale: near 0 at a minimum.
        let p = fit.parameters
        let theta = [p.a, p.b, log(p.c), p.d]
        let y = Self.y.enumerated().map { $1 + ($0 % 2 == 0 ? 0.01 : -0.01) }
        for j in 0..<4 {
            var up = theta, down = theta
            let h = 1e-6 * max(abs(theta[j]), 1)
            up[j] += h; down[j] -= h
            let slope = (CurveFitter.sse(up, x: Self.x, y: y, w: y.map { _ in 1 }, model: .fourParameter)
                - CurveFitter.sse(down, x: Self.x, y: y, w: y.map { _ in 1 }, model: .fourParameter)) / (2 * h)
            #expect(abs(slope) < 1e-6, "∂SSE/∂θ\(j) = \(slope)")
        }
    }

    @Test("a plate whose fit did not converge: CURVE_NOT_CONVERGED and CURVE_REJECTED on every value, in curves.json too")
    func notConvergedPlate() throws {
        let texts = SyntheticPlateTests.plate(samples: [("S", [NonNumericWellTests.od100, NonNumericWellTests.od100], 1)])
        var analysis = try SyntheticPlateTests.analyse(texts)
        #expect(analysis.fit.converged && analysis.curveAccepted)
        // The same plate judged with a fit that stalled.
        var stalled = analysis.fit
        stalled.converged = false
        stalled.stopReason = "stalled: the Jacobian is not finite"
        analysis = try PlateAnalysis(read: PlateRead.longCSV(texts.0, file: "p.csv"), layout: PlateLayout.csv(texts.1, file: "l.csv"),
                                     analyte: "X", fit: stalled)
        #expect(!analysis.curveAccepted)
        #expect(analysis.samples.allSatisfy { $0.flags.suffix(2) == ["CURVE_NOT_CONVERGED", "CURVE_REJECTED"] })
        #expect(analysis.qc.contains { $0.contains("did not converge") && $0.contains("stalled") })
        let record = analysis.curveRecord()
        #expect(record["converged"] as? Bool == false && record["curve_accepted"] as? Bool == false)
        #expect(record["stop_reason"] as? String == "stalled: the Jacobian is not finite")
    }

    @Test("a singular Jacobian (every standard at one concentration: the parameters cannot be told apart) is a stall")
    func singularJacobian() {
        let x = [Double](repeating: 250, count: 7)
        let y = x.enumerated().map { SyntheticPlateTests.truth.response($1) + ($0 % 2 == 0 ? 0.01 : -0.01) }
        let run = CurveFitter.levenbergMarquardt(theta: CurveFitter.theta(SyntheticPlateTests.truth, .fourParameter),
                                                 x: x, y: y, w: x.map { _ in 1 }, model: .fourParameter)
        #expect(!run.converged)
        #expect(run.reason.contains("singular"), "\(run.reason)")
    }

    /// The largest cosine between a column of the Jacobian and the residuals at `p` (MINPACK's gradient measure),
    /// with the Jacobian taken by central differences in θ: independent of the fitter's analytic derivatives.
    static func gradientCosine(_ p: CurveParameters, x: [Double], y: [Double]) -> Double {
        let theta = CurveFitter.theta(p, .fourParameter)
        let residuals = zip(x, y).map { $1 - p.response($0) }
        let norm = residuals.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return (0..<theta.count).map { j in
            var up = theta, down = theta
            let h = 1e-6 * max(abs(theta[j]), 1)
            up[j] += h
            down[j] -= h
            let column = x.map { (CurveFitter.parameters(up, .fourParameter).response($0) - CurveFitter.parameters(down, .fourParameter).response($0)) / (2 * h) }
            let length = column.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return length > 0 ? abs(zip(column, residuals).reduce(0) { $0 + $1.0 * $1.1 }) / (length * norm) : 0
        }.max() ?? 0
    }

    @Test("a real stall: cycle 1 of a Tecan i-control kinetic read with the reference layout is not converged, and is not stationary",
          .needsShared)
    func realStall() throws {
        let plate = try #require(SharedData.url("elisa/plate-exports/tecan-icontrol/icontrol_infinite200pro_kinetic.xlsx"),
                                 Comment(rawValue: SharedData.skipMessage))
        let layout = try #require(SharedData.url("elisa/reference/plate1_CCL18/layout.csv"), Comment(rawValue: SharedData.skipMessage))
        let read = try #require(try PlateRead.read(contentsOf: plate.path).first)
        let analysis = try PlateAnalysis(read: read, layout: PlateLayout.csv(String(decoding: try Data(contentsOf: layout), as: UTF8.self), file: layout.path),
                                         analyte: "X")
        #expect(!analysis.fit.converged && !analysis.curveAccepted)
        #expect(analysis.fit.stopReason == "stalled: no step reduces the SSE, and the gradient test fails")
        #expect(analysis.samples.allSatisfy { $0.flags.suffix(2) == ["CURVE_NOT_CONVERGED", "CURVE_REJECTED"] })
        // Independently: at the point where it stopped, the residuals are far from orthogonal to the Jacobian.
        let cosine = Self.gradientCosine(analysis.fit.parameters, x: analysis.standards.map(\.nominal), y: analysis.standards.map(\.meanNetOD))
        #expect(cosine > CurveFitter.gradientTolerance, "\(cosine)")
    }
}
