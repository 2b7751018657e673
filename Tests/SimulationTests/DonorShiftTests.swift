import Foundation
import Testing
import TestSupport
import FCS
@testable import Simulation

@Suite("Donor shifts")
struct DonorShiftTests {
    /// Median of `values` (sorted copy; the mean of the middle two for an even count).
    func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// A tube with the autofluorescence made negligible, so a marker's true signal is its stain alone.
    func tube(_ shift: DonorShift, events: Int = 40_000) throws -> SimulatedSample {
        var simulator = MacrophageSimulator(events: events, seed: 21)
        simulator.autofluorescence = 1e-9
        simulator.shift = shift
        return try simulator.simulate()
    }

    @Test("CD14 and CD45 half a decade lower, the dead-cell peak 0.3 decade higher: the medians move by that much")
    func markerAndDeadShifts() throws {
        let plain = try tube(.none)
        let shifted = try tube(.lowMyeloidDonor(scatterDrift: 0.15))
        let macrophages = plain.populations.indices.filter { plain.populations[$0] == MacrophageSimulator.Population.macrophage.rawValue }
        let dead = plain.populations.indices.filter { plain.populations[$0] == MacrophageSimulator.Population.dead.rawValue }
        #expect(shifted.populations == plain.populations)
        // Stain ~ LN(median m, σ): log10 is normal with median log10(m) and SD σ/ln 10; the sample median's SE is
        // 1.2533 · SD/√n. ~26,000 macrophages, ~4,000 dead cells; tolerance 4 SE.
        let cases: [(dye: Int, events: [Int], plainMedian: Double, decades: Double, sigma: Double)] = [
            (0, macrophages, 12_000, -0.5, 0.45),  // CD14
            (4, macrophages, 15_000, -0.5, 0.40),  // CD45
            (8, dead, 25_000, 0.3, 0.50),          // viability dye on dead cells
        ]
        for c in cases {
            let tolerance = 4 * 1.2533 * c.sigma / log(10) / Double(c.events.count).squareRoot()
            let before = median(c.events.map { log10(plain.trueSignal[c.dye][$0]) })
            let after = median(c.events.map { log10(shifted.trueSignal[c.dye][$0]) })
            #expect(abs(before - log10(c.plainMedian)) < tolerance, "dye \(c.dye) unshifted: \(before)")
            #expect(abs(after - (log10(c.plainMedian) + c.decades)) < tolerance, "dye \(c.dye) shifted: \(after)")
        }
        // The other stains are untouched: the shifted tube holds the same random draws.
        for dye in [1, 2, 3, 5, 6, 7] { #expect(shifted.trueSignal[dye] == plain.trueSignal[dye]) }
    }

    @Test("scatter drifts ±15 %: macrophage FSC-A and SSC-A medians move to 1.15 and 0.85 × the model's")
    func scatterDrift() throws {
        let plain = try tube(.none)
        let macrophages = plain.populations.indices.filter { plain.populations[$0] == MacrophageSimulator.Population.macrophage.rawValue }
        // FSC-A ~ N(120,000, 22,000), SSC-A ~ N(85,000, 22,000) on macrophages; the sample median's SE is
        // 1.2533 · SD/√n with SD scaled by the drift as well.
        let n = Double(macrophages.count)
        for drift in [0.15, -0.15] {
            let shifted = try tube(DonorShift(scatterDrift: drift))
            for (channel, mean) in [(0, 120_000.0), (2, 85_000.0)] {
                let values = macrophages.map { Double(shifted.sample.columns[channel][$0]) }
                let tolerance = 4 * 1.2533 * 22_000 * (1 + drift) / n.squareRoot()
                #expect(abs(median(values) - mean * (1 + drift)) < tolerance, "channel \(channel), drift \(drift): \(median(values))")
                let ratio = median(values) / median(macrophages.map { Double(plain.sample.columns[channel][$0]) })
                #expect(abs(ratio - (1 + drift)) < 1e-6)
            }
            // Heights follow their areas: FSC-H/FSC-A stays at 0.85 ± 0.04.
            let ratios = macrophages.map { Double(shifted.sample.columns[1][$0]) / Double(shifted.sample.columns[0][$0]) }
            #expect(abs(median(ratios) - 0.85) < 0.002)
            #expect(shifted.sample.keywords["FLOWSTUDY SCATTER DRIFT"] == "\(drift)")
        }
    }

    @Test("no shift keeps the bytes; a shift is recorded in the file; bad shifts are settings errors")
    func settings() throws {
        let plain = try FCSWriter().encode([try MacrophageSimulator(events: 500, seed: 4).simulate().sample])
        var zero = MacrophageSimulator(events: 500, seed: 4)
        zero.shift = DonorShift(scatterDrift: 0, markerShifts: ["CD14": 0], deadPeakShift: 0)
        #expect(try FCSWriter().encode([try zero.simulate().sample]) == plain)
        var shifted = MacrophageSimulator(events: 500, seed: 4)
        shifted.shift = .lowMyeloidDonor(scatterDrift: -0.15)
        let keywords = try shifted.simulate().sample.keywords
        #expect(keywords["FLOWSTUDY MARKER SHIFTS"] == "CD14=-0.5,CD45=-0.5")
        #expect(keywords["FLOWSTUDY DEAD PEAK SHIFT"] == "0.3")
        for bad in [DonorShift(scatterDrift: -1), DonorShift(markerShifts: ["CD999": -0.5]), DonorShift(markerShifts: ["Viability": 1]),
                    DonorShift(markerShifts: ["CD14": .nan]), DonorShift(deadPeakShift: 5)] {
            var simulator = MacrophageSimulator(events: 10, seed: 1)
            simulator.shift = bad
            #expect(throws: MacrophageSimulator.SettingsError.self) { try simulator.simulate() }
        }
    }
}
