import Foundation
import Testing
import TestSupport
@testable import FCS

@Suite("FCS writer: what is written reads back bit for bit")
struct WriterTests {
    /// A small float sample with markers, a spillover and user keywords.
    static func floatSample(events: Int = 50) -> Sample {
        let names = ["FSC-A", "SSC-A", "FITC-A", "PE-A", "Time"]
        let markers: [String?] = [nil, nil, "CD206", "CD163/x", nil]
        let parameters = names.enumerated().map { i, name in
            Parameter(index: i + 1, name: name, marker: markers[i])
        }
        var generator = SplitMix64(state: 7)
        let columns = names.indices.map { c in
            ChannelValues((0..<events).map { e in c == 4 ? Float(e) : Float(generator.nextUnit() * 262_144 - 1000) })
        }
        var keywords = Keywords([("$CYT", "FlowStudy test"), ("$FIL", "a/b//c.fcs"), ("EXPERIMENT", "SSc é")])
        keywords.set("$SPILLOVER", "2,FITC-A,PE-A,1,0.25,0.02,1")
        return Sample(keywords: keywords, parameters: parameters, columns: columns)
    }

    @Test("read(write(x)) == x for Float32 columns, keywords with delimiters, spillover")
    func roundTripFloat() throws {
        let sample = Self.floatSample()
        let bytes = try FCSWriter().encode([sample])
        let back = try FCSFile.read(bytes: bytes).dataSets[0]
        #expect(back.columns == sample.columns)
        #expect(back.keywords["$DATATYPE"] == "F")
        #expect(back.keywords["$FIL"] == "a/b//c.fcs")
        #expect(back.keywords["EXPERIMENT"] == "SSc é")
        #expect(back.parameters.map(\.marker) == sample.parameters.map(\.marker))
        #expect(back.parameters.map(\.name) == sample.parameters.map(\.name))
        #expect(try back.spillover() == sample.spillover())
        #expect(back.repairs.isEmpty)
        #expect(back.version == "3.1")
    }

    @Test("Float64 values that Float32 would round are written as $DATATYPE D")
    func doublesWhenNeeded() throws {
        var sample = Self.floatSample(events: 3)
        sample.columns[1] = ChannelValues([0.1, 1e-300, 123456789.123] as [Double])
        let back = try FCSFile.read(bytes: try FCSWriter().encode([sample])).dataSets[0]
        #expect(back.keywords["$DATATYPE"] == "D")
        #expect(back.columns[1] == sample.columns[1])
        #expect(back.columns[0].doubles() == sample.columns[0].doubles())
    }

    @Test("NaN and infinities survive")
    func specialValues() throws {
        var sample = Self.floatSample(events: 3)
        sample.columns[2] = ChannelValues([Float.nan, .infinity, -.infinity])
        let back = try FCSFile.read(bytes: try FCSWriter().encode([sample])).dataSets[0]
        #expect(back.columns[2] == sample.columns[2])
    }

    @Test("offsets beyond the HEADER's 8 digits are written as 0 there and read from TEXT")
    func largeOffsets() throws {
        // The writer's limit is lowered so the test needs kilobytes, not the 100 MB a real case needs.
        let sample = Self.floatSample(events: 200)
        var writer = FCSWriter()
        writer.maximumHeaderOffset = 999
        let bytes = try writer.encode([sample])
        let header = String(decoding: bytes[0..<58], as: UTF8.self)
        #expect(header.hasSuffix("       0       0       0       0"))
        let back = try FCSFile.read(bytes: bytes).dataSets[0]
        #expect(back.eventCount == 200)
        #expect(back.header.data == nil)
        #expect(back.columns == sample.columns)
    }

    @Test("the file is written atomically and FlowStudy reads it from disk")
    func writesFile() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("out.fcs")
        try FCSWriter().write(Self.floatSample(), to: path)
        #expect(try FCSFile.readSample(path).columns == Self.floatSample().columns)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.url.path)
        #expect(leftovers == ["out.fcs"])
    }

    @Test("FlowIO reads what FlowStudy writes", .enabled(if: pythonWith(["flowio", "numpy"]) != nil, "no Python with flowio and numpy: set FLOWSTUDY_PYTHON"))
    func flowIOReadsOurFiles() throws {
        let python = try #require(pythonWith(["flowio", "numpy"]))
        let folder = try TemporaryDirectory()
        let path = folder.path("flowio.fcs")
        let sample = Self.floatSample(events: 20)
        try FCSWriter().write(sample, to: path)
        let script = """
        import flowio, json, sys
        f = flowio.FlowData(sys.argv[1])
        print(json.dumps({"par": f.channel_count, "tot": f.event_count,
                          "names": list(f.pnn_labels),
                          "events": [float(x) for x in f.events], "spill": f.text.get("spillover")}))
        """
        let result = run(python, ["-c", script, path])
        #expect(result.status == 0, "\(result.stderr)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(parsed["par"] as? Int == 5)
        #expect(parsed["tot"] as? Int == 20)
        #expect(parsed["names"] as? [String] == sample.parameters.map(\.name))
        let events = try #require(parsed["events"] as? [Double])
        let ours = (0..<20).flatMap { e in sample.columns.map { $0[e] } }
        #expect(events == ours)
        #expect(parsed["spill"] as? String == "2,FITC-A,PE-A,1,0.25,0.02,1")
    }
}

