import Foundation
import Testing
import TestSupport
import FCS

/// `flowstudy gate` and `flowstudy template …` as a user runs them.
@Suite("flowstudy gate and template")
struct GatingCLITests {
    let flowstudy: String
    let template = SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path
    let sample = SharedData.repositoryRoot.appendingPathComponent("fcs-samples/mdm_untreated_seed1.fcs").path

    init() throws {
        flowstudy = try #require(flowstudyExecutable())
    }

    @Test("gate writes membership, stats and medians; the membership columns add up to the stats counts")
    func gate() throws {
        let folder = try TemporaryDirectory()
        let result = run(flowstudy, ["gate", sample, "--template", template, "--events", folder.path("events.csv"),
                                     "--stats", folder.path("stats.csv"), "--medians", folder.path("medians.csv")])
        #expect(result.status == 0, "\(result.stderr)")
        let stats = try String(contentsOfFile: folder.path("stats.csv"), encoding: .utf8).split(separator: "\n")
        #expect(stats[0] == "population,parent,count,percent_parent,percent_total")
        #expect(stats[1].hasPrefix("cells,root,"))
        let events = try String(contentsOfFile: folder.path("events.csv"), encoding: .utf8).split(separator: "\n")
        #expect(events[0] == "cells,singlets,live,macrophages,CD86+,CD206+,CD163+,CD204+,TLR4+,HLA-DR+")
        #expect(events.count == 10_001)
        // Independent arithmetic: each membership column's sum is that population's count, and a child's
        // events are always inside its parent's.
        let rows = events.dropFirst().map { $0.split(separator: ",").map { $0 == "1" } }
        for (column, line) in stats.dropFirst().enumerated() {
            let count = Int(line.split(separator: ",")[2])!
            #expect(rows.filter { $0[column] }.count == count)
        }
        #expect(rows.allSatisfy { !$0[3] || $0[2] })  // macrophages ⊂ live
        let medians = try String(contentsOfFile: folder.path("medians.csv"), encoding: .utf8).split(separator: "\n")
        #expect(medians[0] == "population,channel,median")
        #expect(medians.count == 1 + 10 * 14)
    }

    @Test("a Gating-ML file can be used directly as the template", .needsShared)
    func gateWithGatingML() throws {
        let data1 = try #require(SharedData.url("gatingml/data1.fcs"), Comment(rawValue: SharedData.skipMessage))
        let xml = try #require(SharedData.url("gatingml/cases/range/gate.xml"), Comment(rawValue: SharedData.skipMessage))
        let result = run(flowstudy, ["gate", data1.path, "--template", xml.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Range1,root,440,"))
    }

    @Test("template validate: OK, every problem with its path, and --sample")
    func validate() throws {
        let ok = run(flowstudy, ["template", "validate", template, "--sample", sample])
        #expect(ok.status == 0, "\(ok.stderr)")
        let folder = try TemporaryDirectory()
        let broken = try String(contentsOfFile: template, encoding: .utf8)
            .replacingOccurrences(of: "[35000, 120000]", with: "[35000]")
            .replacingOccurrences(of: #""parent": "live""#, with: #""parent": "alive""#)
        let path = folder.path("broken.json")
        try broken.write(toFile: path, atomically: false, encoding: .utf8)
        let bad = run(flowstudy, ["template", "validate", path])
        #expect(bad.status == 64)
        // Every command agrees: a template problem is exit 64 (gate and plot used to say 65, batch and review 64).
        let out = folder.path("out")
        for arguments in [["gate", sample, "--template", path], ["plot", sample, "--template", path, "--population", "live", "-o", folder.path("p.svg")],
                          ["batch", "--template", path, "--samples", sample, "--out", out, "--quiet"],
                          ["review", "--template", path, "--samples", sample, "--out", out]] {
            let result = run(flowstudy, arguments)
            #expect(result.status == 64, "\(arguments[0]): \(result.status) \(result.stderr)")
        }
        #expect(bad.stderr.contains("populations[0].gate.vertices[4]: expected [x, y]"))
        #expect(bad.stderr.contains("populations[3].parent: undefined parent 'alive'"))
        // A sample without the panel's viability dye.
        let other = folder.path("other.fcs")
        var fcs = try FCSFile.readSample(sample)
        fcs.parameters[13].marker = "DAPI"
        fcs.parameters[13].name = "V450-A"
        try FCSWriter().write(fcs, to: other)
        let missing = run(flowstudy, ["template", "validate", template, "--sample", other])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("Viability"))
    }

    @Test("template convert: JSON → Gating-ML → JSON keeps the counts; converted templates follow the schema")
    func convert() throws {
        let folder = try TemporaryDirectory()
        #expect(run(flowstudy, ["template", "convert", template, "-o", folder.path("mdm.xml")]).status == 0)
        #expect(run(flowstudy, ["template", "convert", folder.path("mdm.xml"), "-o", folder.path("mdm.json")]).status == 0)
        let direct = run(flowstudy, ["gate", sample, "--template", template]).stdout
        let viaXML = run(flowstudy, ["gate", sample, "--template", folder.path("mdm.xml")]).stdout
        let viaJSON = run(flowstudy, ["gate", sample, "--template", folder.path("mdm.json")]).stdout
        #expect(direct == viaXML)
        #expect(direct == viaJSON)
        #expect(run(flowstudy, ["template", "convert", template, "-o", folder.path("mdm.txt")]).status == 64)
    }

    @Test("the study template and a converted one follow docs/gating-template.schema.json",
          .enabled(if: pythonWith(["jsonschema"]) != nil, "no Python with jsonschema (.ci/run installs it in .venv): schema check skipped"))
    func schema() throws {
        let folder = try TemporaryDirectory()
        #expect(run(flowstudy, ["template", "convert", template, "-o", folder.path("mdm.xml")]).status == 0)
        #expect(run(flowstudy, ["template", "convert", folder.path("mdm.xml"), "-o", folder.path("mdm.json")]).status == 0)
        let python = try #require(pythonWith(["jsonschema"]))
        let schema = SharedData.repositoryRoot.appendingPathComponent("docs/gating-template.schema.json").path
        for file in [template, folder.path("mdm.json")] {
            let check = run(python, ["-c", "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))", schema, file])
            #expect(check.status == 0, "\(file): \(check.stderr)")
        }
    }
}
