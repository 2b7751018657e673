import Foundation
import Testing
import TestSupport
import FCS
@testable import Gating

/// `density` against FlowCal's own `FlowCal.gate.density2d` (the reference implementation, run from the test venv):
/// the same channel values (written as float64 and read back by numpy), bins, sigma and gate_fraction, compared
/// event by event. Ties at the cut-off: FlowStudy takes equal densities in decreasing bin index; FlowCal's order
/// among ties is numpy's unstable quicksort's, so a tie straddling the cut-off is the only expected difference.
@Suite("density: per-event agreement with FlowCal's density2d")
struct FlowCalDensityTests {
    /// One comparison: two channels of one file, transformed alike for both tools, and FlowCal's arguments.
    struct Case {
        var label: String
        var x: [Double]
        var y: [Double]
        var bins: Int
        var sigma: Double
        var fraction: Double
        /// Histogram ranges (FlowCal gets `np.linspace` edges over them); nil: numpy's own (the data's extremes).
        var ranges: [[Double]]?
    }

    /// Runs FlowCal on every case in one Python process; the masks, in case order.
    static func flowCalMasks(_ cases: [Case], python: String, folder: TemporaryDirectory) throws -> [[Bool]] {
        var manifest: [[String: Any]] = []
        for (k, c) in cases.enumerated() {
            try c.x.withUnsafeBytes { try Data($0).write(to: folder.url.appendingPathComponent("x\(k).f64")) }
            try c.y.withUnsafeBytes { try Data($0).write(to: folder.url.appendingPathComponent("y\(k).f64")) }
            var entry: [String: Any] = ["x": folder.path("x\(k).f64"), "y": folder.path("y\(k).f64"), "out": folder.path("m\(k).u8"),
                                        "bins": c.bins, "sigma": c.sigma, "fraction": c.fraction]
            if let ranges = c.ranges { entry["ranges"] = ranges }
            manifest.append(entry)
        }
        try JSONSerialization.data(withJSONObject: manifest).write(to: folder.url.appendingPathComponent("cases.json"))
        let script = """
        import sys, json, numpy as np, FlowCal
        for c in json.load(open(sys.argv[1])):
            data = np.column_stack([np.fromfile(c["x"], dtype="<f8"), np.fromfile(c["y"], dtype="<f8")])
            bins = c["bins"]
            if "ranges" in c:
                bins = [np.linspace(lo, hi, c["bins"] + 1) for lo, hi in c["ranges"]]
            out = FlowCal.gate.density2d(data, channels=[0, 1], bins=bins, gate_fraction=c["fraction"],
                                         sigma=c["sigma"], full_output=True)
            out.mask.astype(np.uint8).tofile(c["out"])
        """
        let result = run(python, ["-c", script, folder.path("cases.json")])
        guard result.status == 0 else { throw FlowCalFailure(stderr: result.stderr) }
        return try cases.indices.map { k in
            try [UInt8](Data(contentsOf: folder.url.appendingPathComponent("m\(k).u8"))).map { $0 != 0 }
        }
    }

    struct FlowCalFailure: Error, CustomStringConvertible {
        var stderr: String
        var description: String { "FlowCal failed: \(stderr)" }
    }

    /// Compares FlowStudy's Density2D with FlowCal on every case: ≥ 99.5 % of events agree in each; prints each
    /// case's agreement.
    static func compare(_ cases: [Case], python: String) throws {
        let folder = try TemporaryDirectory()
        let reference = try flowCalMasks(cases, python: python, folder: folder)
        for (c, theirs) in zip(cases, reference) {
            let gated = Density2D.gate(x: c.x, y: c.y, bins: c.bins, sigma: c.sigma, gateFraction: c.fraction, ranges: c.ranges)
            guard let ours = gated else { Issue.record("\(c.label): FlowStudy made no gate"); continue }
            try #require(theirs.count == c.x.count, "\(c.label): FlowCal returned \(theirs.count) of \(c.x.count) events")
            let agreeing = zip(ours.mask, theirs).filter { $0 == $1 }.count
            let agreement = Double(agreeing) / Double(c.x.count)
            print("FlowCal density2d agreement: \(c.label): \(String(format: "%.4f", 100 * agreement)) % of \(c.x.count) events (\(c.x.count - agreeing) differ; FlowCal keeps \(theirs.filter { $0 }.count), FlowStudy \(ours.mask.filter { $0 }.count))")
            #expect(agreement >= 0.995, "\(c.label): \(agreement)")
            // Without ranges every event is inside: at least ⌈fraction × events⌉ are kept (whole bins at a time).
            if c.ranges == nil { #expect(ours.mask.filter { $0 }.count >= Int((c.fraction * Double(c.x.count)).rounded(.up))) }
        }
    }

    /// The cases of one file: linear and asinh-transformed channel pairs, FlowCal's defaults (1,024 bins, σ 10,
    /// 0.65) when `defaults`, and smaller grids with and without explicit ranges.
    static func cases(_ label: String, _ x: [Double], _ y: [Double], defaults: Bool) -> [Case] {
        let ax = x.map { asinh($0 / 150) }, ay = y.map { asinh($0 / 150) }
        func inner(_ v: [Double]) -> [Double] {
            let low = v.min() ?? 0, high = v.max() ?? 1
            return [low + 0.05 * (high - low), high - 0.25 * (high - low)]
        }
        var cases = [Case(label: "\(label) linear 256 bins σ 3 f 0.5", x: x, y: y, bins: 256, sigma: 3, fraction: 0.5)]
        // Ranges need a spread (a channel holding one value has none).
        let ranges = [inner(ax), inner(ay)]
        if ranges.allSatisfy({ $0[0] < $0[1] }) {
            cases.append(Case(label: "\(label) asinh 128 bins σ 2 f 0.9 ranged", x: ax, y: ay, bins: 128, sigma: 2, fraction: 0.9, ranges: ranges))
        }
        if defaults { cases.append(Case(label: "\(label) asinh 1024 bins σ 10 f 0.65", x: ax, y: ay, bins: 1024, sigma: 10, fraction: 0.65)) }
        return cases
    }

    @Test("simulated tubes (plain and shifted donor): ≥ 99.5 % of events agree",
          .enabled(if: pythonWith(["FlowCal"]) != nil, "no Python with FlowCal: density2d cross-check skipped (set FLOWSTUDY_PYTHON; .ci/run's venv has it)"))
    func simulated() throws {
        let python = try #require(pythonWith(["FlowCal"]))
        let flowstudy = try #require(flowstudyExecutable(), "the flowstudy executable is built by swift test")
        let folder = try TemporaryDirectory()
        var cases: [Case] = []
        for (name, options) in [("plain", [String]()),
                                ("shifted", ["--scatter-drift=-0.15", "--marker-shift", "CD14=-0.5", "--marker-shift", "CD45=-0.5", "--dead-shift", "0.3"])] {
            let made = run(flowstudy, ["simulate", "--events", "30000", "--seed", "41"] + options + ["-o", folder.path("\(name).fcs")])
            try #require(made.status == 0, "\(made.stderr)")
            let sample = try FCSFile.readSample(folder.path("\(name).fcs"))
            cases += Self.cases("simulated \(name) FSC-A/SSC-A", try sample.scaleValues("FSC-A"), try sample.scaleValues("SSC-A"), defaults: true)
            cases += Self.cases("simulated \(name) CD14/CD45", try sample.scaleValues("BV421-A"), try sample.scaleValues("PerCP-Cy5.5-A"), defaults: false)
        }
        try Self.compare(cases, python: python)
    }

    @Test("corpus files (FSC × SSC of every readable file with ≥ 1,000 events): ≥ 99.5 % of events agree",
          .needsShared, .enabled(if: pythonWith(["FlowCal"]) != nil, "no Python with FlowCal: density2d cross-check skipped (set FLOWSTUDY_PYTHON; .ci/run's venv has it)"))
    func corpus() throws {
        let python = try #require(pythonWith(["FlowCal"]))
        let folder = try #require(SharedData.url("fcs-corpus/files"), Comment(rawValue: SharedData.skipMessage))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        var cases: [Case] = []
        var files = 0
        for name in names {
            // Files whose HEADER and TEXT disagree about DATA are read as the corpus reference read them (HEADER).
            var options = FCSReadOptions()
            options.offsetPreference = .header
            guard let sample = try? FCSFile.readSample(folder.appendingPathComponent(name).path, options: options), sample.eventCount >= 1_000 else { continue }
            // The first forward- and side-scatter parameters, areas first when both are recorded.
            func scatter(_ prefix: String) -> String? {
                let candidates = sample.parameters.map(\.name).filter { $0.uppercased().hasPrefix(prefix) }
                return candidates.first { $0.uppercased().hasSuffix("-A") || $0.uppercased().hasSuffix("AREA") } ?? candidates.first
            }
            guard let fsc = scatter("FS"), let ssc = scatter("SS"),
                  let x = try? sample.scaleValues(fsc), let y = try? sample.scaleValues(ssc),
                  x.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite) else { continue }
            files += 1
            cases += Self.cases("\(name) \(fsc)/\(ssc)", x, y, defaults: ["flowcal__Data001.fcs", "cytoexplorerdata__Activation_1.fcs"].contains(name))
        }
        #expect(files >= 20, "only \(files) corpus files have FSC and SSC")
        try Self.compare(cases, python: python)
    }
}
