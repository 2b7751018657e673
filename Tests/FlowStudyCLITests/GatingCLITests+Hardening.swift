import Foundation
import Testing
import TestSupport
import FCS

/// Small wrong answers of the gating commands a user meets early (issue 11, item 10): answers that agree with the
/// exit code.
extension GatingCLITests {
    @Test("template validate --sample lists every missing marker and never says OK when it fails")
    func validateListsAll() throws {
        let folder = try TemporaryDirectory()
        var fcs = try FCSFile.readSample(sample)
        for (marker, replacement) in [("Viability", ("V450-A", "DAPI")), ("CD14", ("BUV395-A", "CD3"))] {
            let index = try #require(fcs.parameters.firstIndex { $0.marker == marker })
            fcs.parameters[index].name = replacement.0
            fcs.parameters[index].marker = replacement.1
        }
        let other = folder.path("other.fcs")
        try FCSWriter().write(fcs, to: other)
        let result = run(flowstudy, ["template", "validate", template, "--sample", other])
        #expect(result.status == 65)
        #expect(!result.stdout.contains("OK") && !result.stderr.contains("OK"), "\(result.stdout)")
        #expect(result.stderr.contains("2 problems"), "\(result.stderr)")
        #expect(result.stderr.contains("marker 'Viability'") && result.stderr.contains("marker 'CD14'"))
        let ok = run(flowstudy, ["template", "validate", template, "--sample", sample])
        #expect(ok.status == 0)
        #expect(ok.stdout.hasPrefix("\(template): OK (10 populations)"))
    }

    @Test("a truncated Gating-ML template is refused, not read as its first gates")
    func truncatedGatingML() throws {
        let folder = try TemporaryDirectory()
        #expect(run(flowstudy, ["template", "convert", template, "-o", folder.path("t.xml")]).status == 0)
        let whole = try String(contentsOfFile: folder.path("t.xml"), encoding: .utf8)
        let cut = try #require(whole.range(of: "<gating:RectangleGate", options: .backwards))
        try String(whole[..<cut.lowerBound]).write(toFile: folder.path("cut.xml"), atomically: false, encoding: .utf8)
        let result = run(flowstudy, ["template", "validate", folder.path("cut.xml")])
        #expect(result.status == 64)  // a template problem, as in every command
        #expect(!result.stdout.contains("OK"))
        #expect(result.stderr.contains("expected well-formed XML") && result.stderr.contains("truncated"), "\(result.stderr)")
    }

    @Test("simulate --events 0 is a usage error and writes nothing")
    func simulateZero() throws {
        let folder = try TemporaryDirectory()
        let result = run(flowstudy, ["simulate", "--events", "0", "-o", folder.path("empty.fcs")])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--events must be at least 1"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("empty.fcs")))
    }

    @Test("export --channels: any case, separated by spaces or commas, in one argument or several")
    func exportChannels() throws {
        let fcs = try FCSFile.readSample(sample)
        let names = fcs.parameters.prefix(3).map(\.name)
        let expected = names.joined(separator: ",")
        for arguments in [[names.joined(separator: ", ").lowercased()], [names.joined(separator: " ").uppercased()],
                          names.map { $0.lowercased() + "," }, [names[0], "\(names[1]),\(names[2])"]] {
            let result = run(flowstudy, ["export", sample, "--channels"] + arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.split(separator: "\n").first.map(String.init) == expected, "\(arguments)")
        }
        let unknown = run(flowstudy, ["export", sample, "--channels", "nonesuch"])
        #expect(unknown.status == 65)
    }
}
