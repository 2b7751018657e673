import Foundation
import Testing
import TestSupport
@testable import FCS

/// One corruption class per test case: each gives its own typed error naming the file, the byte offset or
/// keyword, and what was expected. None crashes, none hangs, and none allocates what the file merely claims.
@Suite("Malformed FCS files give typed errors")
struct MalformedFileTests {
    /// A valid two-parameter, three-event file: 16-bit big-endian integers.
    static let validPairs: [(String, String)] = [
        ("$BYTEORD", "4,3,2,1"), ("$DATATYPE", "I"), ("$MODE", "L"), ("$PAR", "2"), ("$TOT", "3"),
        ("$P1N", "FSC-A"), ("$P1B", "16"), ("$P1R", "1024"), ("$P1E", "0,0"),
        ("$P2N", "CD14"), ("$P2B", "16"), ("$P2R", "1024"), ("$P2E", "0,0"),
    ]
    static let validData: [UInt8] = [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6]

    static func bytes(_ edit: (inout [(String, String)]) -> Void = { _ in }, data: [UInt8] = validData) -> [UInt8] {
        var pairs = validPairs
        edit(&pairs)
        return FCSFixture.assemble(version: "3.1", pairs: pairs, data: data)
    }

    static func setting(_ key: String, _ value: String?) -> (inout [(String, String)]) -> Void {
        { pairs in
            pairs.removeAll { $0.0 == key }
            if let value { pairs.append((key, value)) }
        }
    }

    /// Replaces the HEADER field `index` (0 = TEXT start … 5 = ANALYSIS end) with `text`, right-justified.
    static func header(_ bytes: [UInt8], field index: Int, _ text: String) -> [UInt8] {
        var copy = bytes
        let padded = Array((String(repeating: " ", count: 8 - text.count) + text).utf8)
        copy.replaceSubrange((10 + index * 8)..<(18 + index * 8), with: padded)
        return copy
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var code: FCSError.Code
        var bytes: [UInt8]
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let valid = bytes()
        let textEnd = Int(String(decoding: valid[18..<26], as: UTF8.self).trimmingSpaces)!
        var cases: [Case] = [
            Case(name: "empty file", code: .truncated, bytes: []),
            Case(name: "truncated in the HEADER", code: .truncated, bytes: Array(valid.prefix(30))),
            Case(name: "not an FCS file", code: .notFCS, bytes: Array("GIF89a".utf8) + Array(valid.dropFirst(6))),
            Case(name: "unknown FCS version", code: .notFCS, bytes: Array("FCS9.9".utf8) + Array(valid.dropFirst(6))),
            Case(name: "HEADER offset not a number", code: .badHeaderOffset, bytes: header(valid, field: 0, "5x")),
            Case(name: "truncated in TEXT", code: .truncated, bytes: Array(valid.prefix(textEnd - 10))),
            Case(name: "TEXT starts past the end", code: .segmentOutOfBounds, bytes: header(valid, field: 0, "9000")),
            Case(name: "TEXT starts inside the HEADER", code: .segmentOutOfBounds, bytes: header(valid, field: 0, "12")),
            Case(name: "truncated in DATA", code: .truncated, bytes: Array(valid.dropLast(5))),
            Case(name: "TEXT first byte is NUL: missing delimiter", code: .badDelimiter,
                 bytes: { var b = valid; b[58] = 0; return b }()),
            Case(name: "wrong delimiter", code: .keywordWithoutValue, bytes: { var b = valid; b[58] = UInt8(ascii: "|"); return b }()),
            Case(name: "empty keyword", code: .emptyKeyword,
                 bytes: FCSFixture.assemble(version: "3.1", pairs: [("", "x")] + validPairs, data: validData)),
            Case(name: "keyword without value", code: .keywordWithoutValue,
                 bytes: { var b = valid; b.insert(contentsOf: Array("$X/".utf8), at: textEnd + 1)
                          return header(header(header(b, field: 1, "\(textEnd + 3)"), field: 2, "\(textEnd + 4)"), field: 3, "\(textEnd + 15)") }()),
            Case(name: "missing required keyword $DATATYPE", code: .missingKeyword, bytes: bytes(setting("$DATATYPE", nil))),
            Case(name: "missing $PnB", code: .missingKeyword, bytes: bytes(setting("$P2B", nil))),
            Case(name: "$PAR zero", code: .badParameterCount, bytes: bytes(setting("$PAR", "0"))),
            Case(name: "$PAR negative", code: .badParameterCount, bytes: bytes(setting("$PAR", "-3"))),
            Case(name: "$PAR not a number", code: .badKeywordValue, bytes: bytes(setting("$PAR", "two"))),
            Case(name: "$PAR huge", code: .badParameterCount, bytes: bytes(setting("$PAR", "999999999"))),
            Case(name: "$TOT huge", code: .eventCountTooLarge, bytes: bytes(setting("$TOT", "9000000000000000000"))),
            Case(name: "$TOT × $PAR × bytes ≠ DATA length", code: .dataLengthMismatch, bytes: bytes(setting("$TOT", "2"))),
            Case(name: "$PnB 40 unsupported", code: .unsupportedBitWidth, bytes: bytes(setting("$P1B", "40"))),
            Case(name: "$PnB 12 without 16-bit words", code: .unsupportedBitWidth,
                 bytes: bytes({ setting("$P1B", "12")(&$0); setting("$P2B", "12")(&$0) }, data: Array(validData.dropLast(3)))),
            Case(name: "float data with $PnB 16", code: .unsupportedBitWidth, bytes: bytes(setting("$DATATYPE", "F"))),
            Case(name: "unsupported $DATATYPE", code: .unsupportedDataType, bytes: bytes(setting("$DATATYPE", "X"))),
            Case(name: "unsupported $MODE", code: .unsupportedMode, bytes: bytes(setting("$MODE", "C"))),
            Case(name: "bad $BYTEORD", code: .badByteOrder, bytes: bytes(setting("$BYTEORD", "3,4,1,2"))),
            Case(name: "$PnE not two numbers", code: .badKeywordValue, bytes: bytes(setting("$P1E", "4"))),
            Case(name: "$PnR not a number on integer data", code: .badKeywordValue, bytes: bytes(setting("$P1R", "big"))),
            Case(name: "$BEGINDATA not a number", code: .badKeywordValue,
                 bytes: FCSFixture.assemble(version: "3.1", pairs: validPairs + [("$BEGINDATA", "x"), ("$ENDDATA", "y")],
                                            data: validData, textOffsets: false)),
            Case(name: "$NEXTDATA loops back to the first data set", code: .badNextData, bytes: bytes(setting("$NEXTDATA", "-0"))),
            Case(name: "$NEXTDATA points backwards", code: .badNextData, bytes: bytes(setting("$NEXTDATA", "-40"))),
            Case(name: "$NEXTDATA far past the end", code: .badNextData, bytes: bytes(setting("$NEXTDATA", "9223372036854775807"))),
            Case(name: "$NEXTDATA not a number", code: .badKeywordValue, bytes: bytes(setting("$NEXTDATA", "next"))),
            Case(name: "$NEXTDATA points to bytes that are not a HEADER", code: .notFCS, bytes: bytes(setting("$NEXTDATA", "60"))),
        ]
        // DATA overlapping TEXT, DATA past the end of file: both HEADER and TEXT say so.
        let overlap = FCSFixture.assemble(version: "3.1", pairs: validPairs + [("$BEGINDATA", "60"), ("$ENDDATA", "71")],
                                          data: validData, textOffsets: false)
        cases.append(Case(name: "DATA overlaps TEXT", code: .segmentsOverlap,
                          bytes: header(header(overlap, field: 2, "60"), field: 3, "71")))
        let beyond = FCSFixture.assemble(version: "3.1", pairs: validPairs + [("$BEGINDATA", "5000"), ("$ENDDATA", "5003")],
                                         data: validData, textOffsets: false)
        cases.append(Case(name: "DATA starts past the end", code: .segmentOutOfBounds,
                          bytes: header(header(beyond, field: 2, "5000"), field: 3, "5003")))
        // A gzip stream cut short.
        let gz = (try? Gzip.deflate(valid)) ?? []
        cases.append(Case(name: "truncated gzip", code: .badCompressedData, bytes: Array(gz.prefix(gz.count / 2))))
        return cases
    }()

    @Test("each corruption gives its own typed error", arguments: cases)
    func typedError(_ testCase: Case) throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("broken.fcs")
        try Data(testCase.bytes).write(to: URL(fileURLWithPath: path))
        do {
            let file = try FCSFile.read(path)
            Issue.record("\(testCase.name): read \(file.dataSets.count) data set(s) instead of failing")
        } catch let error as FCSError {
            #expect(error.code == testCase.code, "\(testCase.name): \(error)")
            #expect(error.file == path, "the error names the file")
            #expect(error.offset != nil || error.keyword != nil, "the error names a place: \(error)")
            #expect(!error.expected.isEmpty)
            #expect(error.description.contains(path))
        }
    }

    @Test("at least 25 corruption classes are covered")
    func enoughClasses() {
        #expect(Self.cases.count >= 25)
        #expect(Set(Self.cases.map(\.code)).count >= 18)
    }

    @Test("malformed spillover keywords: a typed error from spillover(), events still readable")
    func malformedSpillover() throws {
        for value in ["2,FITC-A,PE-A,1,0.1,0.2", "2,FITC-A,PE-A,1,x,0.2,1", "abc,FITC-A", "2,A,A,1,0,0,1"] {
            let file = try FCSFile.read(bytes: Self.bytes(Self.setting("$SPILLOVER", value)), name: "spill.fcs")
            let sample = file.dataSets[0]
            #expect(sample.eventCount == 3)
            #expect { try sample.spillover() } throws: { error in
                guard let error = error as? FCSError else { return false }
                return error.code == .malformedSpillover && error.keyword == "$SPILLOVER" && error.file == "spill.fcs"
            }
        }
    }

    @Test("HEADER and TEXT both fit at different bytes: strict refuses, a named preference decides")
    func ambiguousOffsets() throws {
        // Two copies of the DATA; the HEADER points at the first, TEXT at the second. Offsets in TEXT are
        // zero-padded to six digits so TEXT's length is known before they are filled in.
        let second: [UInt8] = [0, 11, 0, 12, 0, 13, 0, 14, 0, 15, 0, 16]
        func build(_ begin: Int, _ end: Int) -> [UInt8] {
            let pad = { (n: Int) in String(repeating: "0", count: 6 - "\(n)".count) + "\(n)" }
            return FCSFixture.assemble(version: "3.1", pairs: Self.validPairs + [("$BEGINDATA", pad(begin)), ("$ENDDATA", pad(end))],
                                       data: Self.validData + second, textOffsets: false)
        }
        let dataStart = Int(String(decoding: build(0, 0)[26..<34], as: UTF8.self).trimmingSpaces)!
        let bytes = Self.header(build(dataStart + 12, dataStart + 23), field: 3, "\(dataStart + 11)")
        #expect { try FCSFile.read(bytes: bytes, name: "two.fcs") } throws: { ($0 as? FCSError)?.code == .ambiguousDataOffsets }
        var options = FCSReadOptions()
        options.offsetPreference = .header
        #expect(try FCSFile.read(bytes: bytes, options: options).dataSets[0].columns[0].doubles() == [1, 3, 5])
        options.offsetPreference = .text
        let fromText = try FCSFile.read(bytes: bytes, options: options).dataSets[0]
        #expect(fromText.columns[0].doubles() == [11, 13, 15])
        #expect(fromText.repairs.map(\.code).contains("data_offsets_disagree"))
    }

    @Test("no data set 3 in a one-data-set file")
    func noSuchDataSet() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("one.fcs")
        try Data(Self.bytes()).write(to: URL(fileURLWithPath: path))
        #expect { try FCSFile.readSample(path, dataSet: 3) } throws: { ($0 as? FCSError)?.code == .noSuchDataSet }
    }

    @Test("an ASCII value that is not a number")
    func badASCII() throws {
        let pairs: [(String, String)] = [("$DATATYPE", "A"), ("$MODE", "L"), ("$PAR", "1"), ("$TOT", "2"),
                                         ("$P1N", "X"), ("$P1B", "3"), ("$P1R", "1000"), ("$P1E", "0,0")]
        let bytes = FCSFixture.assemble(version: "3.1", pairs: pairs, data: Array("12 3a".utf8) + [0x20])
        #expect { try FCSFile.read(bytes: bytes) } throws: { ($0 as? FCSError)?.code == .badASCIIValue }
    }

    @Test("every truncation and every single-byte corruption of HEADER and TEXT is read or refused, never a crash")
    func exhaustiveCorruption() throws {
        let valid = Self.bytes()
        var outcomes = 0
        for length in 0..<valid.count {
            do { _ = try FCSFile.read(bytes: Array(valid.prefix(length))) } catch is FCSError { outcomes += 1 }
        }
        #expect(outcomes == valid.count, "every truncation is an error")
        for position in 0..<(valid.count - Self.validData.count) {
            for replacement: UInt8 in [0x00, 0x2F, 0x30, 0x39, 0xFF, 0x20] {
                var corrupt = valid
                corrupt[position] = replacement
                do { _ = try FCSFile.read(bytes: corrupt) } catch is FCSError {}
            }
        }
    }
}
