import Foundation
import Testing
import TestSupport
import FCS

/// `flowstudy batch` with data-driven gates and overrides, and `template validate` on data-driven gates.
@Suite("flowstudy batch: data-driven gates and overrides")
struct DataDrivenBatchCLITests {
    let flowstudy: String
    init() throws { flowstudy = try #require(flowstudyExecutable()) }

    static let template = #"""
    {"format": "flowstudy-gating/1",
     "populations": [
       {"id": "half", "parent": null, "gate": {"type": "quantile", "dimensions": [{"channel": "X"}], "probability": 0.5}}
     ]}
    """#

    /// Two tubes with X = 0…99; a template beside its overrides file.
    func setUp(_ folder: TemporaryDirectory, overrideSample: String = "S2") throws -> (template: String, sheet: String, overrides: String) {
        for id in ["S1", "S2"] {
            let sample = Sample(file: "\(id).fcs", keywords: Keywords(), parameters: [Parameter(index: 1, name: "X")],
                                columns: [ChannelValues((0..<100).map(Double.init))])
            try FCSWriter().write(sample, to: folder.path("\(id).fcs"))
        }
        try "sample_id,fcs_file\nS1,S1.fcs\nS2,S2.fcs\n".write(toFile: folder.path("samples.csv"), atomically: false, encoding: .utf8)
        try Self.template.write(toFile: folder.path("t.json"), atomically: false, encoding: .utf8)
        let overrides = #"{"format": "flowstudy-overrides/1", "samples": {"\#(overrideSample)": {"half": {"reason": "by eye", "gate": {"type": "rectangle", "dimensions": [{"channel": "X", "min": 90}]}}}}}"#
        try overrides.write(toFile: folder.path("t.overrides.json"), atomically: false, encoding: .utf8)
        return (folder.path("t.json"), folder.path("samples.csv"), folder.path("t.overrides.json"))
    }

    @Test("the overrides beside the template are applied, written to gates.csv and hashed in run.json")
    func overridesBeside() throws {
        let folder = try TemporaryDirectory()
        let (template, sheet, overrides) = try setUp(folder)
        let out = folder.path("out")
        let run = TestSupport.run(flowstudy, ["batch", "--template", template, "--samples", sheet, "--out", out, "--jobs", "1", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let gates = try String(contentsOfFile: out + "/gates.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(gates.count == 3)
        // S1: the median of 0…99 (type 7) is 49.5; S2: the override.
        #expect(gates[1].hasPrefix("S1,half,quantile,") && gates[1].contains(#""min"": 49.5}"#) && gates[1].hasSuffix(",computed,"))
        #expect(gates[2].hasPrefix("S2,half,rectangle,") && gates[2].hasSuffix(",override,REASON:by eye"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/run.json"))) as? [String: Any]
        let recorded = (json?["overrides"] as? [String: Any])?["sha256"] as? String
        let bytes = try Data(contentsOf: URL(fileURLWithPath: overrides))
        #expect(recorded?.count == 64 && recorded == BatchSupport.sha256(overrides), "\(bytes.count) bytes")
    }

    @Test("an override for a sample not in the sheet exits 64 with its JSON path, before any work")
    func unknownSample() throws {
        let folder = try TemporaryDirectory()
        let (template, sheet, _) = try setUp(folder, overrideSample: "S9")
        let run = TestSupport.run(flowstudy, ["batch", "--template", template, "--samples", sheet, "--out", folder.path("out"), "--quiet"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("samples.S9") && run.stderr.contains("expected a sample id of the run"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("out")))
    }

    @Test("gate --gates writes the file's own computed gates")
    func gateCommand() throws {
        let folder = try TemporaryDirectory()
        let (template, _, _) = try setUp(folder)
        let run = TestSupport.run(flowstudy, ["gate", folder.path("S1.fcs"), "--template", template, "--gates", folder.path("g.csv"), "--stats", folder.path("s.csv")])
        #expect(run.status == 0, "\(run.stderr)")
        let text = try String(contentsOfFile: folder.path("g.csv"), encoding: .utf8)
        #expect(text == "population,method,coordinates,source,flags\n" +
                #"half,quantile,"{""type"": ""rectangle"", ""dimensions"": [{""channel"": ""X"", ""compensation"": ""none"", ""min"": 49.5}]}",computed,"# + "\n")
    }

    @Test("template validate reports a data-driven gate's bad argument with its JSON path")
    func validate() throws {
        let folder = try TemporaryDirectory()
        try Self.template.replacingOccurrences(of: #""probability": 0.5"#, with: #""probability": 1.5"#)
            .write(toFile: folder.path("bad.json"), atomically: false, encoding: .utf8)
        let run = TestSupport.run(flowstudy, ["template", "validate", folder.path("bad.json")])
        #expect(run.status == 64)
        #expect((run.stdout + run.stderr).contains("populations[0].gate.probability: expected a probability from 0 to 1, found 1.5"), "\(run.stdout)\(run.stderr)")
    }
}
