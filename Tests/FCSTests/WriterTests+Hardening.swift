import Foundation
import Testing
import TestSupport
@testable import FCS

/// The writer's share of issue 11, item 7: keyword values that start with `/`, and log-amplified channels, which
/// FCS 3.1 does not allow on float data.
@Suite("FCS writer: delimiters and log-amplified channels")
struct WriterHardeningTests {
    /// A 2-parameter integer sample: FSC-A linear, CD14 log-amplified ($PnE 4,0 over $PnR 1024).
    static func logSample(keywords extra: [(String, String)] = []) throws -> Sample {
        let file = try FCSFixture.integerFile(keywords: [
            ("$P1N", "FSC-A"), ("$P1B", "16"), ("$P1R", "1024"), ("$P1E", "0,0"),
            ("$P2N", "CD14"), ("$P2B", "16"), ("$P2R", "1024"), ("$P2E", "4,0"), ("$P2G", "2"),
        ], columns: [[10, 20, 30, 1023], [0, 256, 512, 1023]])
        var sample = try #require(file.dataSets.first)
        for (key, value) in extra { sample.keywords.set(key, value) }
        return sample
    }

    @Test("a sample without events is refused with a typed error, not written as a file that does not read back")
    func noEvents() {
        let empty = Sample(keywords: Keywords(), parameters: [Parameter(index: 1, name: "FSC-A")], columns: [ChannelValues([Float]())])
        #expect {
            _ = try FCSWriter().encode([empty])
        } throws: { error in
            (error as? FCSError)?.code == .unwritableSample && (error as? FCSError)?.found == "0 events"
        }
    }

    @Test("keyword values that start with / (and with |) read back, through our reader")
    func slashValues() throws {
        let values = [("$FIL", "/home/u/x.fcs"), ("NOTE", "|pipe|"), ("$COM", "a//b/"), ("PATH2", "/")]
        let sample = try Self.logSample(keywords: values)
        let bytes = try FCSWriter().encode([sample])
        #expect(bytes[58] != UInt8(ascii: "/") && bytes[58] != UInt8(ascii: "|"), "a delimiter no value starts with")
        let back = try #require(try FCSFile.read(bytes: bytes, name: "w.fcs").dataSets.first)
        for (key, value) in values { #expect(back.keywords[key] == value, "\(key)") }
        #expect(back.repairs.isEmpty, "\(back.repairs)")
        // Without such values the delimiter stays /.
        #expect(try FCSWriter().encode([Self.logSample()])[58] == UInt8(ascii: "/"))
    }

    @Test("a delimiter is chosen from the values' first bytes")
    func delimiterChoice() throws {
        #expect(try FCSWriter.delimiter(for: [("A", "b")]) == UInt8(ascii: "/"))
        #expect(try FCSWriter.delimiter(for: [("A", "/b"), ("B", "|c"), ("C", "\\d")]) == UInt8(ascii: "!"))
        let every = (UInt8(1)...126).map { ("K\($0)", String(UnicodeScalar($0))) }
        #expect(throws: FCSError.self) { try FCSWriter.delimiter(for: every) }
    }

    @Test("a log-amplified channel written as floats: decoded values, $PnE 0,0, the original recorded")
    func logChannelAsFloat() throws {
        let sample = try Self.logSample()
        let back = try #require(try FCSFile.read(bytes: FCSWriter().encode([sample]), name: "w.fcs").dataSets.first)
        #expect(back.keywords["$DATATYPE"] != "I")
        #expect(back.keywords["$P2E"] == "0,0")
        #expect(back.keywords["FLOWSTUDY_P2E"] == "4,0")
        #expect(back.keywords["FLOWSTUDY_P2R"] == "1024")
        #expect(back.keywords["$P2R"] == "10000")
        #expect(back.keywords["$P2G"] == "2")
        // 10^(4·x/1024) by hand for x = 0, 256, 512, 1023; the gain still divides the scale values.
        let decoded = [1.0, 10.0, 100.0, pow(10, 4 * 1023 / 1024.0)]
        for (value, expected) in zip(back.columns[1].doubles(), decoded) {
            #expect(value.isApproximatelyEqual(to: expected, relativeTolerance: 1e-15))
        }
        for (value, expected) in zip(back.scaleValues(at: 1), decoded.map { $0 / 2 }) {
            #expect(value.isApproximatelyEqual(to: expected, relativeTolerance: 1e-15))
        }
        #expect(back.columns[0].doubles() == [10, 20, 30, 1023])
        #expect(back.keywords["$P1E"] == "0,0")
        #expect(back.keywords["FLOWSTUDY_P1E"] == nil)
    }

    @Test("keepIntegerColumns on an all-integer sample: FCS 3.1 $DATATYPE I, stored values and $PnE 4,0 kept")
    func storedIntegers() throws {
        let sample = try Self.logSample()
        var writer = FCSWriter()
        writer.keepIntegerColumns = true
        let back = try #require(try FCSFile.read(bytes: writer.encode([sample]), name: "w.fcs").dataSets.first)
        #expect(back.version == "3.1")
        #expect(back.keywords["$DATATYPE"] == "I")
        #expect(back.keywords["$P2E"] == "4,0")
        #expect(back.keywords["FLOWSTUDY_P2E"] == nil)
        #expect(back.columns[1].doubles() == [0, 256, 512, 1023])
        #expect(back.columns[1].kind == .uint16)
        #expect(back.keywords.entry("$P1DATATYPE") == nil, "FCS 3.1 has no $PnDATATYPE")
    }

    @Test("FlowIO reads the / values and the linear $PnE of a decoded log channel",
          .enabled(if: pythonWith(["flowio"]) != nil, "no Python with flowio: set FLOWSTUDY_PYTHON"))
    func flowIOCrossCheck() throws {
        let python = try #require(pythonWith(["flowio"]))
        let folder = try TemporaryDirectory()
        let path = folder.path("slash.fcs")
        try FCSWriter().write(Self.logSample(keywords: [("$FIL", "/home/u/x.fcs"), ("NOTE", "|pipe|")]), to: path)
        let script = """
        import flowio, json, sys
        f = flowio.FlowData(sys.argv[1])
        print(json.dumps({"fil": f.text.get("fil"), "note": f.text.get("note"), "p2e": f.text.get("p2e"),
                          "events": [float(x) for x in f.events]}))
        """
        let result = run(python, ["-c", script, path])
        #expect(result.status == 0, "\(result.stderr)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(parsed["fil"] as? String == "/home/u/x.fcs")
        #expect(parsed["note"] as? String == "|pipe|")
        #expect(parsed["p2e"] as? String == "0,0")
        let events = try #require(parsed["events"] as? [Double])
        #expect(events.count == 8)
        #expect(events[1] == 1 && events[3] == 10)
    }
}

@Suite("CSV export streamed in blocks")
struct StreamedCSVTests {
    @Test("100,000 events across many parallel blocks: the same text as formatting each value on its own")
    func blocks() throws {
        var random = SplitMix64(state: 7)
        let events = 100_000
        let floats = (0..<events).map { _ in Float(random.nextUnit() * 2e5 - 1e4) }
        let integers = (0..<events).map { _ in UInt32(random.nextUnit() * 4e9) }
        let sample = Sample(keywords: Keywords(), parameters: [Parameter(index: 1, name: "FSC-A"), Parameter(index: 2, name: "Time")],
                            columns: [ChannelValues(floats), ChannelValues(integers)])
        var expected = "FSC-A,Time\n"
        for i in 0..<events {
            var text = "\(floats[i])"
            if text.hasSuffix(".0") { text.removeLast(2) }
            expected += "\(text),\(integers[i])\n"
        }
        var chunks = 0
        var streamed: [UInt8] = []
        sample.writeCSV([0, 1], values: .stored) { streamed += $0; chunks += 1 }
        #expect(String(decoding: streamed, as: UTF8.self) == expected)
        #expect(chunks == 1 + (events + Sample.csvBlockEvents - 1) / Sample.csvBlockEvents)
        #expect(sample.csv([0, 1], values: .stored) == streamed)
        // Small blocks and batches of two: eleven batches, each formatted while the one before is written, in
        // reused buffers (a last, short block too). The same text.
        for perBatch in [1, 2, 3] {
            var small: [UInt8] = []
            var smallChunks = 0
            sample.writeCSV([0, 1], values: .stored, blockEvents: 4_545, perBatch: perBatch) { small += $0; smallChunks += 1 }
            #expect(small == streamed, "\(perBatch) blocks a batch")
            #expect(smallChunks == 1 + 23)
        }
    }

    struct Full: Error {}

    @Test("a sink that fails part-way stops the export with its error, after the blocks it took, and nothing is left running")
    func failingSink() {
        let events = 10_000
        let sample = Sample(keywords: Keywords(), parameters: [Parameter(index: 1, name: "FSC-A")],
                            columns: [ChannelValues((0..<events).map { Float($0) })])
        var taken = 0
        #expect(throws: Full.self) {
            try sample.writeCSV([0], values: .stored, blockEvents: 100, perBatch: 4) { _ in
                if taken == 5 { throw Full() }
                taken += 1
            }
        }
        // The header and four blocks; the fifth block's write failed and no later block was handed over.
        #expect(taken == 5)
    }
}
