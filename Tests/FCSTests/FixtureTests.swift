import Foundation
import Testing
import TestSupport
@testable import FCS

/// What the corpus lacks, written by FlowStudy's own writer and read back: supplemental TEXT, gzip input,
/// a `$NEXTDATA` chain and FCS 3.2.
@Suite("Files FlowStudy writes for what the corpus lacks")
struct FixtureTests {
    @Test("supplemental TEXT after DATA is read and merged, marked as STEXT")
    func supplementalText() throws {
        var sample = WriterTests.floatSample(events: 10)
        sample.keywords.set("LONG NOTE", String(repeating: "macrophage ", count: 50))
        var writer = FCSWriter()
        writer.supplementalKeywords = ["LONG NOTE", "EXPERIMENT"]
        let bytes = try writer.encode([sample])
        let back = try FCSFile.read(bytes: bytes).dataSets[0]
        #expect(back.keywords.entry("LONG NOTE")?.source == .supplementalText)
        #expect(back.keywords["EXPERIMENT"] == "SSc é")
        #expect(back.keywords["$CYT"] == "FlowStudy test")
        // STEXT sits after DATA, as $BEGINSTEXT says.
        let begin = try #require(Int(back.keywords["$BEGINSTEXT"] ?? ""))
        #expect(begin == (back.dataSegment?.end ?? 0) + 1)
        #expect(back.columns == sample.columns)
    }

    @Test("gzip-compressed FCS (.fcs.gz) is inflated through zlib")
    func gzipInput() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("sample.fcs.gz")
        var writer = FCSWriter()
        writer.gzip = true
        let sample = WriterTests.floatSample(events: 500)
        try writer.write(sample, to: path)
        let raw = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(raw.prefix(2) == Data([0x1f, 0x8b]))
        let file = try FCSFile.read(path)
        #expect(file.wasCompressed)
        #expect(file.dataSets[0].columns == sample.columns)
        // The system gzip agrees that it is a valid gzip file.
        if FileManager.default.isExecutableFile(atPath: "/bin/gzip") {
            #expect(run("/bin/gzip", ["-t", path]).status == 0)
        }
    }

    @Test("a $NEXTDATA chain of three data sets: all reachable, the first by default")
    func nextDataChain() throws {
        var samples: [Sample] = []
        for k in 0..<3 {
            var sample = WriterTests.floatSample(events: 10 + k)
            sample.keywords.set("$FIL", "set \(k + 1)")
            samples.append(sample)
        }
        let folder = try TemporaryDirectory()
        let path = folder.path("chain.fcs")
        try FCSWriter().write(samples, to: path)
        let file = try FCSFile.read(path)
        #expect(file.dataSets.count == 3)
        #expect(file.dataSets.map(\.eventCount) == [10, 11, 12])
        #expect(file.dataSets.map { $0.keywords["$FIL"] } == ["set 1", "set 2", "set 3"])
        #expect(file.dataSets.map(\.dataSet) == [1, 2, 3])
        for (read, written) in zip(file.dataSets, samples) { #expect(read.columns == written.columns) }
        #expect(try FCSFile.readSample(path).keywords["$FIL"] == "set 1")
        #expect(try FCSFile.readSample(path, dataSet: 2).columns == samples[1].columns)
        // $NEXTDATA is relative to each data set's HEADER.
        #expect(Int(file.dataSets[0].keywords["$NEXTDATA"] ?? "") ?? 0 > 0)
        #expect(file.dataSets[2].keywords["$NEXTDATA"] == "0")
    }

    @Test("FCS 3.2: per-parameter $PnDATATYPE and the 3.2 parameter keywords")
    func fcs32() throws {
        var sample = WriterTests.floatSample(events: 20)
        sample.columns[4] = ChannelValues((0..<20).map { UInt32(16_777_216 + $0) })  // beyond Float32's exact range
        sample.parameters[4].storedType = .integer
        sample.parameters[4].rangeText = "4294967296"
        sample.keywords.set("$P1TYPE", "Forward_Scatter")
        sample.keywords.set("$P3TYPE", "Raw_Fluorescence")
        sample.keywords.set("$P3DET", "B1")
        sample.keywords.set("$P3TAG", "FITC")
        sample.keywords.set("$P3ANALYTE", "CD206")
        sample.keywords.set("$P3FEATURE", "Area")
        sample.keywords.set("$P5TYPE", "Time")
        sample.keywords.set("$CARRIERID", "plate-7")
        var writer = FCSWriter()
        writer.version = "3.2"
        writer.keepIntegerColumns = true
        let back = try FCSFile.read(bytes: try writer.encode([sample])).dataSets[0]
        #expect(back.version == "3.2")
        #expect(back.keywords["$DATATYPE"] == "F")
        #expect(back.keywords["$P5DATATYPE"] == "I")
        #expect(back.parameters[4].storedType == .integer)
        #expect(back.columns[4].kind == .uint32)
        #expect(back.columns == sample.columns)
        #expect(back.parameters[0].type == "Forward_Scatter")
        #expect(back.parameters[2].detector == "B1")
        #expect(back.parameters[2].tag == "FITC")
        #expect(back.parameters[2].analyte == "CD206")
        #expect(back.parameters[2].feature == "Area")
        #expect(back.parameters[4].isTime)
        #expect(back.keywords["$CARRIERID"] == "plate-7")
    }

    @Test("ASCII data, fixed width and * delimited")
    func asciiData() throws {
        let fixed: [(String, String)] = [("$DATATYPE", "A"), ("$MODE", "L"), ("$PAR", "2"), ("$TOT", "2"),
                                         ("$P1N", "A"), ("$P1B", "3"), ("$P1R", "1000"), ("$P1E", "0,0"),
                                         ("$P2N", "B"), ("$P2B", "4"), ("$P2R", "1000"), ("$P2E", "0,0")]
        let a = try FCSFile.read(bytes: FCSFixture.assemble(version: "3.0", pairs: fixed, data: Array("  7 1.5 12  42".utf8)))
        #expect(a.dataSets[0].columns.map { $0.doubles() } == [[7, 12], [1.5, 42]])
        var delimited = fixed
        delimited[5] = ("$P1B", "*")
        delimited[9] = ("$P2B", "*")
        let b = try FCSFile.read(bytes: FCSFixture.assemble(version: "3.0", pairs: delimited, data: Array("7,1.5\n12\t42\n".utf8)))
        #expect(b.dataSets[0].columns.map { $0.doubles() } == [[7, 12], [1.5, 42]])
    }

    @Test("integer widths: 8, 24 and 64 bits, little and big endian, with the $PnR bitmask")
    func integerWidths() throws {
        func read(_ bits: Int, _ order: String, _ range: String, _ data: [UInt8]) throws -> [Double] {
            let pairs: [(String, String)] = [("$BYTEORD", order), ("$DATATYPE", "I"), ("$MODE", "L"), ("$PAR", "1"),
                                             ("$TOT", "\(data.count / (bits / 8))"), ("$P1N", "X"), ("$P1B", "\(bits)"),
                                             ("$P1R", range), ("$P1E", "0,0")]
            return try FCSFile.read(bytes: FCSFixture.assemble(version: "3.1", pairs: pairs, data: data)).dataSets[0].columns[0].doubles()
        }
        #expect(try read(8, "1", "256", [0, 255, 7]) == [0, 255, 7])
        #expect(try read(24, "1,2,3", "16777216", [1, 0, 0, 0, 0, 1]) == [1, 65536])
        #expect(try read(24, "3,2,1", "16777216", [1, 0, 0, 0, 0, 1]) == [65536, 1])
        #expect(try read(64, "1,2,3,4,5,6,7,8", "18446744073709551616", [1, 0, 0, 0, 0, 0, 0, 1]) == [72_057_594_037_927_937])
        // $PnB 16, $PnR 1024: vendor flags in bits 10–15 are cleared (0xFC05 → 5).
        #expect(try read(16, "2,1", "1024", [0xFC, 0x05]) == [5])
        // $PnR 163178 rounds up to 2^18: the mask is 0x3FFFF.
        #expect(try read(32, "4,3,2,1", "163178", [0xFF, 0xFF, 0xFF, 0xFF]) == [262143])
    }

    @Test("$PnB 10 stored in 16-bit words is repaired when the DATA length says so")
    func tenBitWords() throws {
        let pairs: [(String, String)] = [("$BYTEORD", "1,2"), ("$DATATYPE", "I"), ("$MODE", "L"), ("$PAR", "2"), ("$TOT", "2"),
                                         ("$P1N", "FS"), ("$P1B", "10"), ("$P1R", "1024"), ("$P1E", "0,0"),
                                         ("$P2N", "SS"), ("$P2B", "10"), ("$P2R", "1024"), ("$P2E", "0,0")]
        let sample = try FCSFile.read(bytes: FCSFixture.assemble(version: "2.0", pairs: pairs, data: [1, 0, 2, 0, 0xFF, 0xFF, 4, 0])).dataSets[0]
        #expect(sample.columns.map { $0.doubles() } == [[1, 1023], [2, 4]])
        #expect(sample.repairs.map(\.code).contains("bits_in_16bit_words"))
    }
}
