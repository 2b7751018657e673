import Foundation
import Testing
import TestSupport
@testable import FCS

@Suite("Scale values: log decoding, gain and time step")
struct ScaleValueTests {
    @Test("data1.fcs scale values match the Gating-ML preprocessed events", .needsShared)
    func gatingMLPreprocessed() throws {
        let fcs = try #require(SharedData.url("gatingml/data1.fcs"), Comment(rawValue: SharedData.skipMessage))
        let csv = try #require(SharedData.url("gatingml/data1_events_preprocessed.csv"), Comment(rawValue: SharedData.skipMessage))
        let sample = try FCSFile.readSample(fcs.path)
        let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        #expect(header == sample.parameters.map(\.name))
        let columns = sample.parameters.indices.map { sample.scaleValues(at: $0) }
        #expect(lines.count - 1 == sample.eventCount)
        var differences = 0, exact = 0
        for (event, line) in lines.dropFirst().enumerated() {
            for (channel, text) in line.split(separator: ",").enumerated() {
                let expected = Double(text)!
                let ours = columns[channel][event]
                if ours == expected { exact += 1 }
                // 17 significant digits in the CSV: at most one unit in the last place apart.
                if abs(ours - expected) > expected.ulp { differences += 1 }
            }
        }
        #expect(differences == 0)
        #expect(exact > (lines.count - 1) * header.count * 9 / 10, "most values agree to the bit")
    }

    @Test("FSC-H on data1.fcs is divided by its gain $P1G = 3.67")
    func gainDivides() throws {
        let sample = try Self.sample(keywords: [("$P1G", "4")], values: [[8, 20]], decades: "0,0")
        #expect(sample.scaleValues(at: 0) == [2, 5])
    }

    @Test("a log-amplified channel: 10^(f1·x/R)·f2, with f2 = 0 read as 1")
    func logDecoding() throws {
        let sample = try Self.sample(keywords: [], values: [[0, 256, 768]], decades: "4,0")
        // 4 decades over 1024 channels: 256 is one decade.
        #expect(sample.scaleValues(at: 0) == [1, 10, 1000])
        let offset = try Self.sample(keywords: [], values: [[0, 512]], decades: "2,0.5")
        #expect(offset.scaleValues(at: 0) == [0.5, 5])
    }

    @Test("Time is multiplied by $TIMESTEP and its gain ignored; an unreadable $TIMESTEP is ignored")
    func timeStep() throws {
        let timed = try Self.sample(keywords: [("$TIMESTEP", " 0.01"), ("$P1G", "3")], values: [[100, 250]], decades: "0,0", name: "Time")
        #expect(timed.scaleValues(at: 0) == [1, 2.5])
        let unreadable = try Self.sample(keywords: [("$TIMESTEP", "xxxxxxxxx")], values: [[100]], decades: "0,0", name: "Time")
        #expect(unreadable.scaleValues(at: 0) == [100])
    }

    /// A one-parameter, 16-bit integer sample built as FCS bytes and read back.
    static func sample(keywords extra: [(String, String)], values: [[UInt16]], decades: String, name: String = "FL1") throws -> Sample {
        var keywords: [(String, String)] = [("$P1N", name), ("$P1R", "1024"), ("$P1E", decades), ("$P1B", "16")]
        keywords += extra
        return try FCSFixture.integerFile(keywords: keywords, columns: values).dataSets[0]
    }
}

@Suite("Typed acquisition keywords")
struct AcquisitionKeywordTests {
    @Test("$BTIM/$ETIM give the acquisition time; $DATE and $CYT as written")
    func times() throws {
        let sample = try ScaleValueTests.sample(keywords: [("$BTIM", "16:31:33"), ("$ETIM", "16:31:52"), ("$DATE", "23-Aug-2002"), ("$CYT", "FACSCalibur")],
                                                values: [[1]], decades: "0,0")
        #expect(sample.acquisitionSeconds == 19)
        #expect(sample.date == "23-Aug-2002")
        #expect(sample.cytometer == "FACSCalibur")
        let overnight = try ScaleValueTests.sample(keywords: [("$BTIM", "23:59:50.50"), ("$ETIM", "00:00:10:30")], values: [[1]], decades: "0,0")
        #expect(overnight.acquisitionSeconds == 20)
        let unreadable = try ScaleValueTests.sample(keywords: [("$BTIM", "noon")], values: [[1]], decades: "0,0")
        #expect(unreadable.acquisitionSeconds == nil)
    }
}
