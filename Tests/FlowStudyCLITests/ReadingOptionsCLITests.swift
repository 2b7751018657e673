import Foundation
import Testing
import TestSupport
import FCS

/// Every command that reads FCS takes the same reading options (issue 11, item 9).
@Suite("Reading options on every FCS-reading command")
struct ReadingOptionsCLITests {
    let flowstudy: String

    init() throws {
        flowstudy = try #require(flowstudyExecutable(), "the flowstudy executable is built by swift test")
    }

    @Test("every command that reads FCS lists --data-offsets and --supplemental-text",
          arguments: [["inspect"], ["export"], ["gate"], ["batch"], ["plot"], ["review"], ["template", "validate"],
                      ["template", "import-wsp"], ["template", "export-wsp"], ["edit"], ["study"]])
    func everyCommand(_ command: [String]) {
        let help = run(flowstudy, command + ["--help"]).stdout
        #expect(help.contains("--data-offsets"), "\(command)")
        #expect(help.contains("--supplemental-text"), "\(command)")
    }

    @Test("a supplemental TEXT overlapping TEXT: read by default with the repair shown; strict exits 65; the old flag still works")
    func overlappingSupplementalText() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("accuri.fcs")
        // An FCS file whose $BEGINSTEXT/$ENDSTEXT point inside its own TEXT (as Accuri C6 files do).
        let sample = Sample(keywords: Keywords([("PAD", "xxxx")]),
                            parameters: [Parameter(index: 1, name: "FSC-A")], columns: [ChannelValues([1, 2, 3] as [Float])])
        var bytes = try FCSWriter().encode([sample])
        // The writer computes $BEGINSTEXT/$ENDSTEXT itself (0, 0): point them at bytes 60–90 of TEXT, keeping the
        // TEXT's length (PAD gives up the two characters).
        func replace(_ old: String, _ new: String) {
            let needle = Array(old.utf8)
            guard let at = (0...(bytes.count - needle.count)).first(where: { Array(bytes[$0..<($0 + needle.count)]) == needle }) else {
                Issue.record("'\(old)' is not in the written TEXT")
                return
            }
            bytes.replaceSubrange(at..<(at + needle.count), with: Array(new.utf8))
        }
        replace("/$BEGINSTEXT/0/$ENDSTEXT/0/", "/$BEGINSTEXT/60/$ENDSTEXT/90/")
        replace("/PAD/xxxx/", "/PAD/xx/")
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let lenient = run(flowstudy, ["inspect", path])
        #expect(lenient.status == 0, "\(lenient.stderr)")
        #expect(lenient.stdout.contains("supplemental_text_ignored"), "\(lenient.stdout)")
        let strict = run(flowstudy, ["inspect", path, "--supplemental-text", "strict"])
        #expect(strict.status == 65)
        #expect(strict.stderr.contains("[segments_overlap]"), "\(strict.stderr)")
        let alias = run(flowstudy, ["export", path, "--ignore-bad-supplemental-text"])
        #expect(alias.stdout == "FSC-A\n1\n2\n3\n", "\(alias.stderr)")
        // The old flag beside strict is a usage error, not a silent choice of one.
        let both = run(flowstudy, ["export", path, "--ignore-bad-supplemental-text", "--supplemental-text", "strict"])
        #expect(both.status == 64 && both.stderr.contains("contradict each other"), "\(both.stderr)")
    }
}
