import Foundation
import Testing
import TestSupport
@testable import Gating

/// FlowCal's density2d rebuilt: hand-counted histograms, numpy's bin edges, the tie rule, and scipy's smoothing.
@Suite("Density2D (FlowCal density2d)")
struct Density2DTests {
    /// 4×4 bins over [0, 4]²: 5 events in bin (0,0), 3 in (2,2), 1 in (3,3), one on the last x edge (x = 4, in
    /// bin (3,0) as numpy's histogram2d counts it) and one outside (x = 5, gated out and not counted).
    static let x: [Double] = [0.1, 0.2, 0.3, 0.4, 0.5, 2.5, 2.5, 2.5, 3.5, 4, 5]
    static let y: [Double] = [0.1, 0.2, 0.3, 0.4, 0.5, 2.5, 2.6, 2.7, 3.5, 0.5, 0.5]

    @Test("the densest bins are taken until ⌈fraction × inside⌉ events are reached")
    func accumulation() throws {
        // 10 events inside; 0.5 → n = 5: bin (0,0) alone. sigma 0.1: radius 1, neighbours weigh e^-50 (negligible).
        let half = try #require(Density2D.gate(x: Self.x, y: Self.y, bins: 4, sigma: 0.1, gateFraction: 0.5, ranges: [[0, 4], [0, 4]]))
        #expect(half.mask == [true, true, true, true, true, false, false, false, false, false, false])
        // 0.8 → n = 8: (0,0) then (2,2).
        let more = try #require(Density2D.gate(x: Self.x, y: Self.y, bins: 4, sigma: 0.1, gateFraction: 0.8, ranges: [[0, 4], [0, 4]]))
        #expect(more.mask == [true, true, true, true, true, true, true, true, false, false, false])
        // 0.9 → n = 9: then one of the two single-event bins; equal density, so the larger index (3,3) = 15 before (3,0) = 12.
        let nine = try #require(Density2D.gate(x: Self.x, y: Self.y, bins: 4, sigma: 0.1, gateFraction: 0.9, ranges: [[0, 4], [0, 4]]))
        #expect(nine.mask == [true, true, true, true, true, true, true, true, true, false, false])
        #expect(nine.gate.accepted[15] && !nine.gate.accepted[12])
        // 0 keeps nothing; 1 keeps every event inside.
        #expect(try #require(Density2D.gate(x: Self.x, y: Self.y, bins: 4, sigma: 0.1, gateFraction: 0, ranges: [[0, 4], [0, 4]])).mask.allSatisfy { !$0 })
        #expect(try #require(Density2D.gate(x: Self.x, y: Self.y, bins: 4, sigma: 0.1, gateFraction: 1, ranges: [[0, 4], [0, 4]])).mask == Array(repeating: true, count: 10) + [false])
    }

    @Test("the gate decides other events by bin, with numpy's edges (last edge closed)")
    func gateMembership() throws {
        let result = try #require(Density2D.gate(x: Self.x, y: Self.y, bins: 4, sigma: 0.1, gateFraction: 0.5, ranges: [[0, 4], [0, 4]]))
        let gate = result.gate
        #expect(gate.xEdges == [0, 1, 2, 3, 4])
        #expect(gate.contains(0, 0) && gate.contains(0.999, 0.5) && !gate.contains(1, 0.5) && !gate.contains(-0.001, 0) && !gate.contains(.nan, 0))
        #expect(gate.runs == [[0, 0, 0]])
        #expect(BinMaskGate.bin(4, [0, 1, 2, 3, 4]) == 3 && BinMaskGate.bin(4.0000001, [0, 1, 2, 3, 4]) == nil && BinMaskGate.bin(2, [0, 1, 2, 3, 4]) == 2)
        // Without ranges, numpy takes the data's extremes (0.1 … 5 on x).
        let own = try #require(Density2D.gate(x: Self.x, y: Self.y, bins: 4, sigma: 0.1, gateFraction: 0.5))
        #expect(own.gate.xEdges.first == 0.1 && own.gate.xEdges.last == 5)
    }

    @Test("equal densities at the cut-off: the larger row-major bin index is taken first")
    func ties() throws {
        // 3 events in bin (1,1) (index 5) and 3 in (2,2) (index 10), far apart: n = 3 takes bin 10 only.
        let x: [Double] = [1.5, 1.5, 1.5, 2.5, 2.5, 2.5], y: [Double] = [1.5, 1.5, 1.5, 2.5, 2.5, 2.5]
        let result = try #require(Density2D.gate(x: x, y: y, bins: 4, sigma: 0.1, gateFraction: 0.5, ranges: [[0, 4], [0, 4]]))
        #expect(result.mask == [false, false, false, true, true, true])
    }

    @Test("the kernel is scipy's: r = ⌊6σ + 0.5⌋, normalised")
    func kernel() {
        let w = Density2D.kernel(sigma: 10)
        #expect(w.count == 61)
        let total = w[0] + 2 * w.dropFirst().reduce(0, +)
        #expect(abs(total - 1) < 1e-14)
        #expect(abs(w[1] / w[0] - exp(-0.005)) < 1e-15)
    }

    @Test("the smoothing equals scipy.ndimage.gaussian_filter(mode='constant', truncate=6)",
          .enabled(if: pythonWith(["scipy", "numpy"]) != nil, "no Python with scipy: set FLOWSTUDY_PYTHON (.ci/run's venv has it)"))
    func smoothingAgainstScipy() throws {
        let python = try #require(pythonWith(["scipy", "numpy"]))
        let nx = 40, ny = 30
        var h = [Double](repeating: 0, count: nx * ny)
        for k in 0..<200 { h[(k * 7919) % (nx * ny)] += Double(k % 5) }
        let script = """
        import sys, json, numpy as np, scipy.ndimage
        h = np.array(json.loads(sys.stdin.read()), dtype=float).reshape(\(nx), \(ny))
        s = scipy.ndimage.gaussian_filter(h, sigma=2.5, order=0, mode='constant', cval=0.0, truncate=6.0)
        print(json.dumps([float(v).hex() for v in s.ravel()]))
        """
        let input = Data(("[" + h.map { "\($0)" }.joined(separator: ",") + "]").utf8)
        let out = run(python, ["-c", script], input: input)
        #expect(out.status == 0, "\(out.stderr)")
        let hex = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String])
        let reference = hex.map { text -> Double in
            // float.hex(): [-]0x1.<hex>p<exp>
            Double(text) ?? .nan
        }
        let mine = Density2D.gaussianFilter(h, nx: nx, ny: ny, sigma: 2.5)
        let worst = zip(mine, reference).map { abs($0 - $1) / max(abs($1), 1e-300) }.max() ?? 1
        #expect(worst < 1e-13, "largest relative difference \(worst)")
    }
}
