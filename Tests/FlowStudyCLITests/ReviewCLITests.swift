import Foundation
import Testing
import TestSupport

/// `flowstudy plot` and `flowstudy review` as an analyst runs them on simulated tubes.
@Suite("flowstudy plot and review")
struct ReviewCLITests {
    let flowstudy: String
    let template = SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path

    init() throws {
        flowstudy = try #require(flowstudyExecutable(), "the flowstudy executable is built by swift test")
    }

    @Test("review keeps going past a broken file, lists it, exits 2; a rerun reuses every cell")
    func reviewWithABrokenFile() throws {
        let folder = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder.path("tubes"), withIntermediateDirectories: true)
        for seed in 1...3 {
            #expect(run(flowstudy, ["simulate", "--events", "3000", "--seed", "\(seed)", "-o", folder.path("tubes/T\(seed).fcs")]).status == 0)
        }
        try Data("FCS3.1    not really".utf8).write(to: URL(fileURLWithPath: folder.path("tubes/broken.fcs")))
        let out = folder.path("gallery")
        let first = run(flowstudy, ["review", "--template", template, "--samples", folder.path("tubes"), "--out", out, "--jobs", "2"])
        #expect(first.status == 2, "\(first.stderr)")
        #expect(first.stderr.contains("failed: broken") && first.stderr.contains("30 cells (30 drawn, 0 reused)"), "\(first.stderr)")
        let index = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        #expect(index.contains("Samples that could not be gated") && index.contains("broken"))
        let second = run(flowstudy, ["review", "--template", template, "--samples", folder.path("tubes"), "--out", out])
        #expect(second.stderr.contains("30 cells (0 drawn, 30 reused)"), "\(second.stderr)")
        // --quiet: only the failure is said.
        let quiet = run(flowstudy, ["review", "--template", template, "--samples", folder.path("tubes"), "--out", out, "--quiet", "--min-difference", "5"])
        #expect(quiet.status == 2 && quiet.stderr.contains("failed: broken") && !quiet.stderr.contains("cells ("), "\(quiet.stderr)")
        #expect(run(flowstudy, ["review", "--template", template, "--samples", folder.path("tubes"), "--out", out, "--min-difference", "-1"]).status == 64)
        // A template that does not parse is a usage problem: nothing is written, exit 64.
        try "{\"format\": \"flowstudy-gating/1\"".write(toFile: folder.path("bad.json"), atomically: false, encoding: .utf8)
        let bad = run(flowstudy, ["review", "--template", folder.path("bad.json"), "--samples", folder.path("tubes"), "--out", folder.path("none")])
        #expect(bad.status == 64 && bad.stderr.contains("bad.json"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("none")))
    }

    @Test("review reads <template stem>.overrides.json beside the template, lists the override first; an unknown sample in it is exit 64")
    func reviewWithOverridesBesideTheTemplate() throws {
        let folder = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder.path("tubes"), withIntermediateDirectories: true)
        for seed in 1...3 {
            #expect(run(flowstudy, ["simulate", "--events", "3000", "--seed", "\(seed)", "-o", folder.path("tubes/T\(seed).fcs")]).status == 0)
        }
        let copy = folder.path("mdm.json")
        try FileManager.default.copyItem(atPath: template, toPath: copy)
        func overrides(_ sample: String) -> String {
            #"{"format": "flowstudy-overrides/1", "samples": {""# + sample + #"": {"live": {"reason": "dead peak high", "gate": {"type": "rectangle", "dimensions": [{"marker": "Viability", "compensated": true, "transform": "logicle", "max": 0.7}]}}}}}"#
        }
        try overrides("T2").write(toFile: folder.path("mdm.overrides.json"), atomically: false, encoding: .utf8)
        let out = folder.path("gallery")
        let result = run(flowstudy, ["review", "--template", copy, "--samples", folder.path("tubes"), "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        let index = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        #expect(index.contains("<td>live</td><td><a href=\"sample_1.html\">T2</a></td><td>override</td><td>dead peak high</td>"))
        try overrides("T9").write(toFile: folder.path("mdm.overrides.json"), atomically: false, encoding: .utf8)
        let unknown = run(flowstudy, ["review", "--template", copy, "--samples", folder.path("tubes"), "--out", out])
        #expect(unknown.status == 64 && unknown.stderr.contains("samples.T9"), "\(unknown.stderr)")
    }

    /// Writes `template` with its `live` gate (populations[2]) computed per donor and pooled by a `donor` column,
    /// which the sample sheets of these tests do not have.
    static func writePooledTemplate(from template: String, to path: String) throws {
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: template))) as? [String: Any])
        var populations = try #require(json["populations"] as? [[String: Any]])
        #expect(populations[2]["id"] as? String == "live")
        populations[2]["gate"] = ["type": "quantile", "dimensions": [["marker": "Viability", "compensated": true, "transform": "logicle"]],
                                  "probability": 0.5, "keep": "-", "group_by": ["donor"], "pool": true]
        json["populations"] = populations
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
    }

    @Test("batch and review refuse a pooled gate whose group_by column the sheet lacks: exit 64 naming the JSON path, nothing written")
    func poolingColumnMissing() throws {
        let folder = try TemporaryDirectory()
        #expect(run(flowstudy, ["simulate", "--events", "2000", "--seed", "3", "-o", folder.path("T1.fcs")]).status == 0)
        try "sample_id,subject_id,condition,fcs_file\nT1,P1,UT,T1.fcs\n".write(toFile: folder.path("samples.csv"), atomically: false, encoding: .utf8)
        try Self.writePooledTemplate(from: template, to: folder.path("pooled.json"))
        for command in ["batch", "review"] {
            let result = run(flowstudy, [command, "--template", folder.path("pooled.json"), "--samples", folder.path("samples.csv"), "--out", folder.path("out-\(command)")])
            #expect(result.status == 64 && result.stderr.contains("populations[2].gate.group_by: expected a column of the sample sheet, found 'donor' (population 'live')"),
                    "\(command): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.path("out-\(command)")))
        }
    }

    @Test("plot writes a PNG and a labelled SVG; an unknown population names the template's populations")
    func plot() throws {
        let folder = try TemporaryDirectory()
        #expect(run(flowstudy, ["simulate", "--events", "3000", "--seed", "9", "-o", folder.path("t.fcs")]).status == 0)
        #expect(run(flowstudy, ["plot", folder.path("t.fcs"), "--template", template, "--population", "macrophages", "-o", folder.path("m.png")]).status == 0)
        let png = try Data(contentsOf: URL(fileURLWithPath: folder.path("m.png")))
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(run(flowstudy, ["plot", folder.path("t.fcs"), "--template", template, "--population", "CD206+", "-o", folder.path("c.svg")]).status == 0)
        let svg = try String(contentsOfFile: folder.path("c.svg"), encoding: .utf8)
        #expect(svg.contains("CD206+") && svg.contains("data:image/png;base64,"))
        let unknown = run(flowstudy, ["plot", folder.path("t.fcs"), "--template", template, "--population", "CD999+", "-o", folder.path("x.png")])
        #expect(unknown.status == 65 && unknown.stderr.contains("CD999+") && unknown.stderr.contains("macrophages"), "\(unknown.stderr)")
    }
}
