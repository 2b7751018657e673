import Foundation
import Testing
import TestSupport
@testable import FCS

/// Supplemental TEXT that overlaps the primary TEXT or holds malformed keywords (Accuri C6, Sysmex CyFlow): events
/// never depend on it, so by default it is ignored with a recorded repair; `strict` refuses it (issue 11, item 9).
@Suite("Supplemental TEXT: ignored with a repair by default, refused when strict")
struct SupplementalTextTests {
    /// A valid file whose `$BEGINSTEXT`/`$ENDSTEXT` point at `stext` appended after DATA, or at `range` when given.
    static func file(stext: [UInt8], range: (Int, Int)? = nil) -> [UInt8] {
        var bytes = MalformedFileTests.bytes { $0 += [("$BEGINSTEXT", "0000000000"), ("$ENDSTEXT", "1111111111")] }
        let start = range?.0 ?? bytes.count, end = range?.1 ?? bytes.count + stext.count - 1
        for (placeholder, value) in [("0000000000", start), ("1111111111", end)] {
            let needle = Array(placeholder.utf8)
            if let at = (0...(bytes.count - needle.count)).first(where: { Array(bytes[$0..<($0 + needle.count)]) == needle }) {
                bytes.replaceSubrange(at..<(at + needle.count), with: Array(String(value).leftPadded(to: 10).utf8))
            }
        }
        return bytes + stext
    }

    static let cases: [(name: String, bytes: [UInt8], code: FCSError.Code)] = [
        ("overlapping the primary TEXT (Accuri C6)", file(stext: [], range: (70, 120)), .segmentsOverlap),
        ("a keyword without a value (Sysmex CyFlow)", file(stext: Array("/EXTRA/1/DANGLING/".utf8)), .keywordWithoutValue),
        ("no delimiter at its start", file(stext: [0, 0x41, 0x2F]), .badDelimiter),
        ("past the end of the file", file(stext: [], range: (5000, 5100)), .segmentOutOfBounds),
    ]

    @Test("a broken supplemental TEXT: events read, the repair names the problem; strict refuses it",
          arguments: cases.indices)
    func ignoredByDefault(_ index: Int) throws {
        let (name, bytes, code) = Self.cases[index]
        let sample = try #require(try FCSFile.read(bytes: bytes, name: "stext.fcs").dataSets.first, "\(name)")
        #expect(sample.columns.map { $0.doubles() } == [[1, 3, 5], [2, 4, 6]], "\(name)")
        let repair = try #require(sample.repairs.first { $0.code == "supplemental_text_ignored" }, "\(name): \(sample.repairs)")
        #expect(repair.message.contains("[\(code)]"), "\(name): \(repair.message)")
        #expect(!sample.keywords.contains("EXTRA"), "nothing of a broken supplemental TEXT is kept")

        var strict = FCSReadOptions()
        strict.supplementalText = .strict
        #expect(throws: FCSError.self, "\(name)") { try FCSFile.read(bytes: bytes, name: "stext.fcs", options: strict) }
        do {
            _ = try FCSFile.read(bytes: bytes, name: "stext.fcs", options: strict)
        } catch let error as FCSError {
            #expect(error.code == code, "\(name): \(error)")
            #expect(error.file == "stext.fcs")
        }
        // The old flag is an alias of the default.
        strict.ignoreBadSupplementalText = true
        #expect(strict.supplementalText == .ignore)
    }

    @Test("unreadable $BEGINSTEXT/$ENDSTEXT values are a broken supplemental TEXT too")
    func unreadableOffsets() throws {
        let bytes = MalformedFileTests.bytes { $0 += [("$BEGINSTEXT", "x"), ("$ENDSTEXT", "y")] }
        let sample = try #require(try FCSFile.read(bytes: bytes, name: "stext.fcs").dataSets.first)
        #expect(sample.repairs.contains { $0.code == "supplemental_text_ignored" && $0.keyword == "$BEGINSTEXT" })
        var strict = FCSReadOptions()
        strict.supplementalText = .strict
        #expect(throws: FCSError.self) { try FCSFile.read(bytes: bytes, name: "stext.fcs", options: strict) }
    }

    @Test("a sound supplemental TEXT is still merged")
    func soundOne() throws {
        let sample = try #require(try FCSFile.read(bytes: Self.file(stext: Array("/EXTRA/1/".utf8)), name: "s.fcs").dataSets.first)
        #expect(sample.keywords.entry("EXTRA")?.value == "1")
        #expect(sample.keywords.entry("EXTRA")?.source == .supplementalText)
        #expect(!sample.repairs.contains { $0.code == "supplemental_text_ignored" })
    }
}
