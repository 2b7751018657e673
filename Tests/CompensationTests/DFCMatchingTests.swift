import Foundation
import Testing
import TestSupport
import FCS
@testable import Compensation

/// FCS 2.0 `$DFCiTOj` matrices number fluorescence detectors FL1…FLn; Beckman Coulter files name parameters
/// `FL1 INT LOG`, `FL1 Log`… (issue 11, item 4). The corpus files that carry `$DFC` are compensated here.
@Suite("FCS 2.0 $DFCiTOj: detectors matched by number")
struct DFCMatchingTests {
    /// The corpus file and its reference reading's raw TEXT; a missing file or reading fails the test (the tests
    /// that call this are `.needsShared`, so they run only where ../shared is).
    static func corpusSample(_ name: String) throws -> (Sample, [String: String]) {
        let file = try #require(SharedData.url("fcs-corpus/files/\(name)")?.path, "\(name) is in ../shared/fcs-corpus/files")
        let expected = try #require(try SharedData.json("fcs-corpus/expected/\(name).json") as? [String: Any])
        let text = try #require(expected["text_raw"] as? [String: String], "the reference reading of \(name) has text_raw")
        var options = FCSReadOptions()
        options.offsetPreference = .header
        return (try FCSFile.readSample(file, options: options), text)
    }

    @Test("FL1 INT LOG, FL1 Log, FL10-A: detector number and family; FLOW, FSC, FL1A are not detectors")
    func parsing() {
        #expect(FluorescenceDetectors.parse("FL1 INT LOG")! == (1, "INT LOG"))
        #expect(FluorescenceDetectors.parse("fl2 Log")! == (2, "LOG"))
        #expect(FluorescenceDetectors.parse("FL10-A")! == (10, "A"))
        #expect(FluorescenceDetectors.parse("FL3")! == (3, ""))
        for name in ["FLOW", "FSC-A", "FL1A", "FL", "FL0 LOG", "SS INT LIN"] {
            #expect(FluorescenceDetectors.parse(name) == nil, "\(name)")
        }
    }

    @Test("log and linear copies of a detector: the family with the most detectors, then the first in the file")
    func families() throws {
        let names = ["FS Lin", "SS Lin", "FL1 Log", "FL2 Log", "FL1 Lin", "FL2 Lin", "FL3 Lin"]
        let sample = Sample(file: "t.fcs", keywords: Keywords(), parameters: names.enumerated().map { Parameter(index: $0 + 1, name: $1) },
                            columns: names.map { _ in ChannelValues([Double]([1])) })
        // Lin holds FL1–FL3, Log only FL1–FL2.
        #expect(FluorescenceDetectors.parameters(for: [1, 2, 3], in: sample) == [1: 4, 2: 5, 3: 6])
        // A tie (FL1–FL2 in both): the Log family, whose first parameter comes first.
        #expect(FluorescenceDetectors.parameters(for: [1, 2], in: sample) == [1: 2, 2: 3])
    }

    /// Compensates the corpus file and checks `compensated × S = observed` on every event, with S built here from
    /// the reference reading's `$DFCiTOj` keywords (percent → fraction, diagonal 1), restricted to `detectors`.
    func check(_ name: String, detectors: [Int: String]) throws {
        let (sample, text) = try Self.corpusSample(name)
        let matrix = try #require(try SpilloverMatrix.fromSample(sample))
        let numbers = detectors.keys.sorted()
        #expect(matrix.detectors == numbers.map { "FL\($0)" })
        let compensator = try Compensator(matrix: matrix, sample: sample)
        let matched = compensator.detectorParameters.map { sample.parameters[$0.index].name }
        #expect(matched == numbers.map { detectors[$0]! })
        #expect(compensator.detectorParameters.allSatisfy { $0.match == .detectorNumber })
        let spill = numbers.map { i in numbers.map { j in i == j ? 1.0 : (Double(text["$DFC\(i)TO\(j)"]?.trimmingCharacters(in: .whitespaces) ?? "0") ?? .nan) / 100 } }
        #expect(matrix.coefficients == spill)
        let compensated = compensator.compensate(sample)
        let observed = compensator.detectorParameters.map { sample.scaleValues(at: $0.index) }
        var worst = 0.0
        for event in 0..<sample.eventCount {
            for j in numbers.indices {
                let back = numbers.indices.reduce(0.0) { $0 + compensated[$1][event] * spill[$1][j] }
                worst = max(worst, abs(back - observed[j][event]) / max(abs(observed[j][event]), 1))
            }
        }
        #expect(worst < 1e-9, "\(name): compensated × S differs from the observed values by \(worst)")
    }

    @Test("Navios (fcsparser__fake_bitmask_error.lmd): FL1–FL5 INT LOG, FL6–FL10 left out",
          .needsShared)
    func navios() throws {
        try check("fcsparser__fake_bitmask_error.lmd",
                  detectors: [1: "FL1 INT LOG", 2: "FL2 INT LOG", 3: "FL3 INT LOG", 4: "FL4 INT LOG", 5: "FL5 INT LOG"])
    }

    @Test("FC 500 (flowio__coulter.lmd): FL1–FL3 Log (tie with Lin: Log comes first), FL4–FL5 left out",
          .needsShared)
    func fc500() throws {
        try check("flowio__coulter.lmd", detectors: [1: "FL1 Log", 2: "FL2 Log", 3: "FL3 Log"])
    }

    @Test("Gallios (cytoflow__BC_Gallios.LMD): FL1–FL2 INT LOG, an identity matrix",
          .needsShared)
    func gallios() throws {
        try check("cytoflow__BC_Gallios.LMD", detectors: [1: "FL1 INT LOG", 2: "FL2 INT LOG"])
    }
}
