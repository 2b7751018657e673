import Foundation
import Testing
import TestSupport
import FCS
@testable import Gating

/// The ISAC Gating-ML 2.0 compliance cases of `../shared/gatingml/cases`: per-event membership identical to the
/// expected results for every gate, on `data1.fcs` scale values.
@Suite("Gating-ML 2.0 compliance cases", .needsShared)
struct GatingMLComplianceTests {
    static let cases: [String] = {
        guard let list = try? SharedData.json("gatingml/cases.json") as? [[String: Any]] else { return [] }
        return list.compactMap { $0["case"] as? String }
    }()

    static let data1: Sample? = {
        guard let url = SharedData.url("gatingml/data1.fcs") else { return nil }
        return try? FCSFile.readSample(url.path)
    }()

    /// The expected CSV as columns of 0/1 by gate id.
    static func expected(_ name: String) throws -> [String: [Bool]] {
        let url = try #require(SharedData.url("gatingml/cases/\(name)/expected.csv"))
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        var columns = [[Bool]](repeating: [], count: header.count)
        for line in lines.dropFirst() {
            for (i, cell) in line.split(separator: ",").enumerated() { columns[i].append(cell == "1") }
        }
        return Dictionary(uniqueKeysWithValues: zip(header, columns))
    }

    @Test("the compliance cases are present")
    func present() throws {
        #expect(Self.cases.count == 32)
    }

    @Test("per-event membership equals the expected results", arguments: cases)
    func membership(_ name: String) throws {
        let sample = try #require(Self.data1)
        let strategy = try GatingMLReader.read(contentsOf: try #require(SharedData.url("gatingml/cases/\(name)/gate.xml")).path)
        let result = try GatingEngine.evaluate(strategy, on: sample)
        let expected = try Self.expected(name)
        #expect(!expected.isEmpty)
        for (gate, column) in expected {
            let set = try #require(result.membership[gate], "\(name): gate \(gate) missing from our result")
            let ours = (0..<sample.eventCount).map { set.contains($0) }
            let differing = zip(ours, column).filter { $0 != $1 }.count
            #expect(differing == 0, "\(name): gate \(gate) differs on \(differing) events (ours \(set.count), expected \(column.filter { $0 }.count))")
        }
        // Every result id we produce is a column of the expected file (quadrant ids in, the QuadrantGate id out).
        #expect(Set(result.ids) == Set(expected.keys), "\(name): result ids \(result.ids) vs \(expected.keys.sorted())")
    }
}
