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
}
