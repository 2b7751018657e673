import Foundation
import Testing
import TestSupport
import FCS
@testable import Simulation

@Suite("Macrophage simulator")
struct MacrophageSimulatorTests {
    @Test("the same seed gives byte-identical files; another seed does not")
    func deterministic() throws {
        let a = try FCSWriter().encode([try MacrophageSimulator(events: 2_000, seed: 11).simulate().sample])
        let b = try FCSWriter().encode([try MacrophageSimulator(events: 2_000, seed: 11).simulate().sample])
        let c = try FCSWriter().encode([try MacrophageSimulator(events: 2_000, seed: 12).simulate().sample])
        #expect(a == b)
        #expect(a != c)
    }

    @Test("population shares match the settings within four binomial standard errors")
    func populationShares() throws {
        let n = 20_000
        let simulated = try MacrophageSimulator(events: n, seed: 3).simulate()
        let shares = [0.08, 0.07, 0.10, 0.10, 0.65]
        for (label, share) in shares.enumerated() {
            let count = simulated.populations.filter { $0 == label }.count
            let standardError = (share * (1 - share) * Double(n)).squareRoot()
            #expect(abs(Double(count) - share * Double(n)) < 4 * standardError, "population \(label): \(count)")
        }
    }

    @Test("observed = true × spillover + noise, and $SPILLOVER holds the matrix that was applied")
    func spilloverApplied() throws {
        let simulated = try MacrophageSimulator(events: 500, seed: 5).simulate()
        let sample = simulated.sample
        let spill = try #require(try sample.spillover())
        #expect(spill.channels == Panel.fluorescence.map(\.detector))
        #expect(spill.matrix == Panel.spillover)
        // Independent arithmetic: the residual after removing true × S is the noise (σ = 120).
        var residuals: [Double] = []
        for event in 0..<500 {
            for detector in 0..<9 {
                var expected = 0.0
                for dye in 0..<9 { expected += simulated.trueSignal[dye][event] * spill.matrix[dye][detector] }
                let observed = sample.columns[5 + detector][event]
                if abs(expected) < 200_000 { residuals.append(observed - expected) }
            }
        }
        let mean = residuals.reduce(0, +) / Double(residuals.count)
        let sd = (residuals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(residuals.count - 1)).squareRoot()
        #expect(abs(mean) < 10)
        #expect(abs(sd - 120) < 8)
    }

    @Test("the markers carry their stated share of positive macrophages")
    func markerExpression() throws {
        let simulated = try MacrophageSimulator(events: 20_000, seed: 9).simulate()
        let macrophages = simulated.populations.indices.filter { simulated.populations[$0] == 4 }
        // CD206 (dye 2): 55 % positive with median 9,000 over ~250 autofluorescence; 2,000 separates them.
        let positive = macrophages.filter { simulated.trueSignal[2][$0] > 2_000 }.count
        let share = Double(positive) / Double(macrophages.count)
        #expect(abs(share - 0.55) < 0.02, "CD206+ share \(share)")
    }

    @Test("an FMO tube leaves its marker unstained: only autofluorescence remains")
    func fmo() throws {
        let stained = try MacrophageSimulator(events: 5_000, seed: 2).simulate()
        let fmo = try MacrophageSimulator(events: 5_000, seed: 2, fmoMarker: "CD206").simulate()
        func highShare(_ s: SimulatedSample) -> Double {
            let mac = s.populations.indices.filter { s.populations[$0] == 4 }
            return Double(mac.filter { s.trueSignal[2][$0] > 2_000 }.count) / Double(mac.count)
        }
        #expect(highShare(fmo) < 0.001)
        #expect(highShare(stained) > 0.5)
        #expect(fmo.sample.keywords["FLOWSTUDY FMO"] == "CD206")
        #expect(throws: MacrophageSimulator.SettingsError.self) { try MacrophageSimulator(events: 10, seed: 1, fmoMarker: "CD999").simulate() }
    }

    @Test("the simulated file reads back with the study panel")
    func readsBack() throws {
        let sample = try MacrophageSimulator(events: 1_000, seed: 1).simulate().sample
        let back = try FCSFile.read(bytes: try FCSWriter().encode([sample])).dataSets[0]
        #expect(back.parameters.map(\.name) == Panel.parameterNames)
        #expect(back.parameters.compactMap(\.marker) == Panel.fluorescence.map(\.marker))
        #expect(back.columns == sample.columns)
        #expect(back.timestep == 0.01)
    }

    @Test("more than 10,000,000 events is a settings error, before any event is allocated")
    func eventCap() throws {
        #expect(MacrophageSimulator.maximumEvents == 10_000_000 && MacrophageSimulator.maximumEventsText == "10,000,000")
        for events in [10_000_001, 99_999_999_999_999, Int.max, -1] {
            #expect(throws: MacrophageSimulator.SettingsError.self) { try MacrophageSimulator(events: events, seed: 1).simulate() }
        }
    }
}
