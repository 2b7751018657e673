import Foundation
import Testing
import TestSupport
@testable import FCS

/// Inputs built to crash, hang or exhaust memory (issue 11): each is refused with a typed error, in time linear
/// in the input and memory within a small multiple of it. Every libFuzzer finding is replayed here too.
@Suite("Hostile FCS input: no trap, no hang, no runaway allocation")
struct HostileInputTests {
    typealias Case = MalformedFileTests.Case
    static let valid = MalformedFileTests.validPairs
    static func bytes(_ edit: (inout [(String, String)]) -> Void) -> [UInt8] { MalformedFileTests.bytes(edit) }
    static func setting(_ key: String, _ value: String?) -> (inout [(String, String)]) -> Void {
        MalformedFileTests.setting(key, value)
    }

    /// Two data sets chained by `$NEXTDATA`; `second` edits the second one's keywords.
    static func chain(_ second: [(String, String)]) -> [UInt8] {
        let last = FCSFixture.assemble(version: "3.1", pairs: valid + second, data: MalformedFileTests.validData, textOffsets: false)
        // $NEXTDATA is written zero-padded to a fixed width, so the first set's length does not depend on it.
        var first = MalformedFileTests.bytes(setting("$NEXTDATA", "0000000000"))
        let text = Array("0000000000".utf8)
        if let at = (0...(first.count - text.count)).first(where: { Array(first[$0..<($0 + text.count)]) == text }) {
            let padded = String(first.count).leftPadded(to: 10)
            first.replaceSubrange(at..<(at + text.count), with: Array(padded.utf8))
        }
        return first + last
    }

    static let cases: [Case] = [
        // Integer overflow on untrusted offsets and sizes (each trapped before the fix).
        Case(name: "$ENDDATA = Int.max without HEADER DATA offsets", code: .segmentOutOfBounds,
             bytes: MalformedFileTests.header(MalformedFileTests.header(
                FCSFixture.assemble(version: "3.1", pairs: valid + [("$BEGINDATA", "100"), ("$ENDDATA", "9223372036854775807")],
                                    data: MalformedFileTests.validData, textOffsets: false), field: 2, "0"), field: 3, "0")),
        Case(name: "$BEGINSTEXT = Int.max in strict mode", code: .badKeywordValue,
             bytes: bytes { $0 += [("$BEGINSTEXT", "9223372036854775807"), ("$ENDSTEXT", "9223372036854775807")] }),
        Case(name: "$TOT × bytes per event = Int.max (expected length + 1 overflows)", code: .eventCountTooLarge,
             bytes: bytes {
                 setting("$PAR", "1")(&$0); setting("$P2N", nil)(&$0); setting("$P2B", nil)(&$0)
                 setting("$P2R", nil)(&$0); setting("$P2E", nil)(&$0); setting("$P1B", "8")(&$0)
                 setting("$TOT", "9223372036854775807")(&$0)
             }),
        Case(name: "ASCII $PnB widths whose sum overflows", code: .unsupportedBitWidth,
             bytes: bytes {
                 setting("$DATATYPE", "A")(&$0)
                 setting("$P1B", "4611686018427387904")(&$0); setting("$P2B", "4611686018427387904")(&$0)
             }),
        Case(name: "delimited ASCII: $TOT × $PAR values cannot fit DATA (nothing reserved)", code: .eventCountTooLarge,
             bytes: bytes {
                 setting("$DATATYPE", "A")(&$0); setting("$P1B", "*")(&$0); setting("$P2B", "*")(&$0)
                 setting("$TOT", "12")(&$0)
             }),
    ]

    @Test("each hostile file gives a typed error", arguments: cases)
    func typedError(_ testCase: Case) throws {
        var options = FCSReadOptions()
        options.supplementalText = .strict
        do {
            let file = try FCSFile.read(bytes: testCase.bytes, name: "hostile.fcs", options: options)
            Issue.record("\(testCase.name): read \(file.dataSets.count) data set(s) instead of failing")
        } catch let error as FCSError {
            #expect(error.code == testCase.code, "\(testCase.name): \(error)")
            #expect(error.file == "hostile.fcs")
            #expect(error.offset != nil || error.keyword != nil, "the error names a place: \(error)")
        }
    }

    @Test("absurd $BEGINDATA/$ENDDATA (base + offset would overflow) are no candidate: the HEADER's offsets are read, recorded",
          arguments: [false, true])
    func absurdTextOffsets(_ inChain: Bool) throws {
        let absurd = [("$BEGINDATA", "9223372036854775000"), ("$ENDDATA", "9223372036854775807")]
        let bytes = inChain ? Self.chain(absurd)
            : FCSFixture.assemble(version: "3.1", pairs: Self.valid + absurd, data: MalformedFileTests.validData, textOffsets: false)
        let file = try FCSFile.read(bytes: bytes, name: "absurd.fcs")
        let sample = try #require(file.dataSets.last)
        #expect(file.dataSets.count == (inChain ? 2 : 1))
        #expect(sample.columns.map { $0.doubles() } == [[1, 3, 5], [2, 4, 6]])
        #expect(sample.repairs.contains { $0.code == "data_offsets_disagree" && $0.message.contains("9223372036854775807") })
    }

    @Test("one $DFC1TO100000 keyword is a malformed spillover, not an 80 GB matrix")
    func hugeDFC() throws {
        let file = try FCSFixture.integerFile(keywords: Self.valid.filter { $0.0.hasPrefix("$P") && $0.0 != "$PAR" }
                                               + [("$DFC1TO100000", "1.5")], columns: [[1, 2, 3], [4, 5, 6]])
        let sample = try #require(file.dataSets.first)
        #expect(sample.eventCount == 3, "events never depend on a spillover keyword")
        #expect {
            try sample.spillover()
        } throws: { error in
            (error as? FCSError)?.code == .malformedSpillover && (error as? FCSError)?.keyword == "$DFC1TO100000"
        }
    }

    /// An FCS file of `zeros` bytes of zero-valued 8-bit events, gzip-compressed: inflates ~1,000:1.
    static func bomb(events: Int) throws -> (plain: [UInt8], compressed: [UInt8]) {
        let plain = FCSFixture.assemble(version: "3.1", pairs: [
            ("$BYTEORD", "1,2,3,4"), ("$DATATYPE", "I"), ("$MODE", "L"), ("$PAR", "1"), ("$TOT", "\(events)"),
            ("$P1N", "FSC-A"), ("$P1B", "8"), ("$P1R", "256"), ("$P1E", "0,0"),
        ], data: [UInt8](repeating: 0, count: events))
        return (plain, try Gzip.deflate(plain))
    }

    @Test("a gzip bomb stops at the inflation cap while inflating, with a typed error")
    func gzipBomb() throws {
        let (plain, compressed) = try Self.bomb(events: 8 << 20)
        #expect(compressed.count * 500 < plain.count, "the fixture is a bomb: \(compressed.count) → \(plain.count) bytes")
        var options = FCSReadOptions()
        options.maximumInflatedBytes = 1 << 20
        #expect {
            _ = try FCSFile.read(bytes: compressed, name: "bomb.fcs.gz", options: options)
        } throws: { error in
            guard let error = error as? FCSError else { return false }
            return error.code == .inflationLimit && error.file == "bomb.fcs.gz" && error.offset != nil
                && error.expected.contains("\(1 << 20)")
        }
        // Under the cap the same file reads, and the default cap is 64 × the compressed size + 64 MiB.
        options.maximumInflatedBytes = 64 << 20
        let file = try FCSFile.read(bytes: compressed, name: "bomb.fcs.gz", options: options)
        #expect(file.dataSets[0].eventCount == 8 << 20)
        #expect(file.wasCompressed)
        #expect(FCSReadOptions().inflationLimit(compressedBytes: 1000) == 64_000 + (64 << 20))
        #expect(FCSReadOptions().inflationLimit(compressedBytes: 1 << 40) == 8 << 30)
        #expect(FCSReadOptions().inflationLimit(compressedBytes: Int.max) == 8 << 30)
    }

    @Test("the inflation buffer doubles up to the cap and never past it, so a bomb's memory stays near the cap")
    func inflationBufferStaysUnderTheCap() throws {
        let limit = 10_000_000
        var buffer = try Gzip.GrowableBuffer(initialCapacity: 65_536, limit: limit)
        defer { buffer.free() }
        var capacities: [Int] = []
        while buffer.count < limit {
            let room = min(1 << 20, limit - buffer.count)
            let target = try buffer.reserve(room)
            target.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: buffer.count >> 20), count: room)
            buffer.count += room
            if capacities.last != buffer.capacity { capacities.append(buffer.capacity) }
        }
        // 64 KiB → the first 1 MiB chunk → doubling → the cap (not 16 MiB, which doubling alone would reach).
        #expect(capacities == [1 << 20, 2 << 20, 4 << 20, 8 << 20, limit])
        // The bytes written before each move are still there after it.
        let bytes = UnsafeRawBufferPointer(buffer.result())
        #expect(bytes[0] == 0 && bytes[(1 << 20) + 5] == 1 && bytes[limit - 1] == UInt8(9))
    }

    /// FCS 2.0 HEADERs laid back to back, each pointing (relative to itself) at one shared TEXT, whose
    /// `$NEXTDATA 58` leads to the next HEADER, and one shared DATA of two 16-bit events, 1 and 2.
    static func sharedSegments(headers: Int, padding: Int) -> [UInt8] {
        let text = Array(("/$BYTEORD/1,2,3,4/$DATATYPE/I/$MODE/L/$NEXTDATA/58/$PAR/1/$P1B/16/$P1N/FSC-A/$P1R/1024/$TOT/2/"
                          + "NOTE/\(String(repeating: "x", count: padding))/").utf8)
        let data: [UInt8] = [1, 0, 2, 0]  // little-endian (1,2,3,4): 1 and 2
        let textStart = FCSHeader.size * headers, dataStart = textStart + text.count
        var file: [UInt8] = []
        for base in stride(from: 0, to: textStart, by: FCSHeader.size) {
            let offsets = [textStart, textStart + text.count - 1, dataStart, dataStart + data.count - 1].map { $0 - base } + [0, 0]
            file += Array(("FCS2.0    " + offsets.map { String($0).leftPadded(to: 8) }.joined()).utf8)
        }
        return file + text + data
    }

    /// A well-formed chain of FCS 2.0 data sets, HEADERs first, each with a TEXT of its own (the last with
    /// `$NEXTDATA 0`), that all share one ANALYSIS (`NOTE` of `padding` bytes) or one DATA of `padding` bytes.
    static func sharedRegion(headers: Int, padding: Int, analysis: Bool) -> [UInt8] {
        let events = analysis ? 2 : padding / 2
        let texts = (1...headers).map { n in
            Array("/$BYTEORD/1,2,3,4/$DATATYPE/I/$MODE/L/$NEXTDATA/\(n == headers ? 0 : 58)/$PAR/1/$P1B/16/$P1N/FSC-A/$P1R/1024/$TOT/\(events)/".utf8)
        }
        let ownData: [UInt8] = analysis ? [1, 0, 2, 0] : []
        let region = analysis ? Array("/NOTE/\(String(repeating: "x", count: padding))/".utf8) : [UInt8](repeating: 0, count: padding)
        var start = FCSHeader.size * headers
        var file: [UInt8] = [], body: [UInt8] = []
        let regionStart = start + texts.reduce(0) { $0 + $1.count + ownData.count }
        for (i, text) in texts.enumerated() {
            let base = FCSHeader.size * i
            let data = analysis ? start + text.count : regionStart
            let dataLength = analysis ? ownData.count : padding
            var offsets = [start, start + text.count - 1, data, data + dataLength - 1, 0, 0]
            if analysis { offsets[4] = regionStart; offsets[5] = regionStart + region.count - 1 }
            file += Array(("FCS2.0    " + offsets.map { $0 == 0 ? "0" : String($0 - base) }.map { $0.leftPadded(to: 8) }.joined()).utf8)
            body += text + ownData
            start += text.count + ownData.count
        }
        return file + body + region
    }

    @Test("data sets that share one TEXT are refused where their TEXT passes the file's size, not read as copies")
    func sharedSegments() throws {
        // 3 HEADERs (174 bytes), a TEXT of 1,100 bytes and 4 bytes of DATA: 1,278 bytes. Two TEXTs are 2,200 bytes.
        let bytes = Self.sharedSegments(headers: 3, padding: 1000)
        #expect(bytes.count == 1_278)
        #expect {
            _ = try FCSFile.read(bytes: bytes, name: "shared.fcs")
        } throws: { error in
            guard let error = error as? FCSError else { return false }
            return error.code == .badNextData && error.offset == 58
                && error.found == "data set 2, whose HEADER is at byte 58, brings them to 2200 bytes"
                && error.expected.contains("TEXT, supplemental TEXT and ANALYSIS segments add up to at most the file's 1278 bytes")
        }
        // The first data set alone is a valid file's and reads: events 1 and 2.
        let folder = try TemporaryDirectory()
        try Data(bytes).write(to: URL(fileURLWithPath: folder.path("shared.fcs")))
        let first = try FCSFile.readSample(folder.path("shared.fcs"))
        #expect(first.columns.count == 1 && first.scaleValues(at: 0) == [1, 2])
    }

    @Test("a well-formed chain whose data sets share one ANALYSIS, or one DATA, is refused at the data set that passes the file's size",
          arguments: [true, false])
    func sharedAnalysisOrData(_ analysis: Bool) throws {
        // Each of the 3 TEXTs is about 100 bytes, the shared region 2,000: two data sets read 4,000 bytes of it
        // from a file of about 2,500.
        let bytes = Self.sharedRegion(headers: 3, padding: 2_000, analysis: analysis)
        #expect(bytes.count > 2_000 + 174 && bytes.count < 4_000)
        #expect {
            _ = try FCSFile.read(bytes: bytes, name: "shared.fcs")
        } throws: { error in
            guard let error = error as? FCSError else { return false }
            return error.code == .badNextData && error.offset == 58 && error.found?.hasPrefix("data set 2, whose HEADER is at byte 58,") == true
                && error.expected.contains(analysis ? "TEXT, supplemental TEXT and ANALYSIS segments" : "their DATA segments")
        }
        // Without the sharing (one data set) the same layout reads: the region is the data set's own.
        let alone = Self.sharedRegion(headers: 1, padding: 2_000, analysis: analysis)
        let file = try FCSFile.read(bytes: alone, name: "alone.fcs")
        #expect(file.dataSets.count == 1)
        #expect(analysis ? file.dataSets[0].analysis["NOTE"]?.count == 2_000 : file.dataSets[0].eventCount == 1_000)
    }

    @Test("a 1 MB keyword value is tokenized and looked up in time linear in its length")
    func longKeywordValue() throws {
        func seconds(_ length: Int) throws -> Double {
            let long = String(repeating: "CD14 ", count: length / 5)
            let bytes = MalformedFileTests.bytes { $0 += [("$P1S", long), ("$P2S", String(repeating: " ", count: length))] }
            let start = Date()
            let sample = try #require(try FCSFile.read(bytes: bytes, name: "long.fcs").dataSets.first)
            for _ in 0..<100 { #expect(sample.parameterIndex("CD99") == nil) }
            #expect(sample.parameters[0].marker == long)
            #expect(sample.parameters[1].marker == nil, "a blank $PnS is absent")
            return Date().timeIntervalSince(start)
        }
        let small = try seconds(250_000), large = try seconds(1_000_000)
        // Linear: 4× the input takes about 4× the time (a quadratic step would take 16×).
        #expect(large < max(small, 0.01) * 10, "250 kB: \(small) s, 1 MB: \(large) s")
    }
}
