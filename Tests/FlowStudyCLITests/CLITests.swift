import Foundation
import Testing
import TestSupport
import FCS

/// End-to-end: the `flowstudy` binary as a user runs it.
@Suite("flowstudy inspect, export, simulate")
struct CLITests {
    let flowstudy: String

    init() throws {
        flowstudy = try #require(flowstudyExecutable(), "the flowstudy executable is built by swift test")
    }

    /// A two-channel float file with values whose text is known: 1.5, 0.1 (as Float32), NaN, 262144, -Inf.
    func knownFile(in folder: TemporaryDirectory) throws -> String {
        let parameters = [Parameter(index: 1, name: "FSC-A"), Parameter(index: 2, name: "FL1,log", marker: "CD14")]
        let columns = [ChannelValues([1.5, 0.1, .nan] as [Float]), ChannelValues([262_144, -.infinity, -0.25] as [Float])]
        let sample = Sample(keywords: Keywords([("$CYT", "test")]), parameters: parameters, columns: columns)
        let path = folder.path("known.fcs")
        try FCSWriter().write(sample, to: path)
        return path
    }

    @Test("export CSV: $PnN header with RFC 4180 quoting, shortest Float32 text, NaN and Inf spelled out")
    func exportCSV() throws {
        let folder = try TemporaryDirectory()
        let path = try knownFile(in: folder)
        let result = run(flowstudy, ["export", path, "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "FSC-A,\"FL1,log\"\n1.5,262144\n0.1,-Inf\nNaN,-0.25\n")
        // --channels matches $PnN, then $PnS; output to a file.
        let out = folder.path("cd14.csv")
        #expect(run(flowstudy, ["export", path, "--channels", "CD14", "-o", out]).status == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "\"FL1,log\"\n262144\n-Inf\n-0.25\n")
    }

    @Test("export --values scale decodes log amplification; stored keeps channel numbers")
    func exportScale() throws {
        let folder = try TemporaryDirectory()
        var parameter = Parameter(index: 1, name: "FL1-H", bits: 16, rangeText: "1024", logDecades: 4, logOffset: 0, storedType: .integer)
        parameter.gain = 1
        let sample = Sample(keywords: Keywords(), parameters: [parameter], columns: [ChannelValues([0, 256, 512] as [UInt16])])
        let path = folder.path("log.fcs")
        // Integers kept (as `export --values stored --format fcs` does): the log channel keeps its $PnE 4,0.
        var writer = FCSWriter()
        writer.keepIntegerColumns = true
        try writer.write(sample, to: path)
        #expect(run(flowstudy, ["export", path]).stdout == "FL1-H\n0\n256\n512\n")
        #expect(run(flowstudy, ["export", path, "--values", "scale"]).stdout == "FL1-H\n1\n10\n100\n")
        // The command itself: --values stored --format fcs keeps the integers and their $PnE 4,0; --values scale
        // writes the decoded floats with $PnE 0,0.
        let stored = folder.path("stored.fcs"), scaled = folder.path("scaled.fcs")
        #expect(run(flowstudy, ["export", path, "--values", "stored", "--format", "fcs", "-o", stored]).status == 0)
        #expect(run(flowstudy, ["export", path, "--values", "scale", "--format", "fcs", "-o", scaled]).status == 0)
        let keptIntegers = try FCSFile.readSample(stored)
        #expect(keptIntegers.keywords["$DATATYPE"] == "I" && keptIntegers.keywords["$P1E"] == "4,0")
        #expect(keptIntegers.columns[0].doubles() == [0, 256, 512])
        #expect(keptIntegers.scaleValues(at: 0) == [1, 10, 100])
        let decoded = try FCSFile.readSample(scaled)
        #expect(decoded.keywords["$DATATYPE"] != "I" && decoded.keywords["$P1E"] == "0,0")
        #expect(decoded.scaleValues(at: 0) == [1, 10, 100])
    }

    @Test("export FCS writes a file that reads back with the selected channels")
    func exportFCS() throws {
        let folder = try TemporaryDirectory()
        let path = try knownFile(in: folder)
        let out = folder.path("subset.fcs")
        let result = run(flowstudy, ["export", path, "--format", "fcs", "--channels", "FL1,log", "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        let back = try FCSFile.readSample(out)
        #expect(back.parameters.map(\.name) == ["FL1,log"])
        #expect(back.columns[0].float32Values?.map(\.bitPattern) == ([262_144, -.infinity, -0.25] as [Float]).map(\.bitPattern))
    }

    /// `inspect --json` of a simulated tube (300 events, seed 4, an FMO of CD206).
    func inspectSimulated() throws -> String {
        let folder = try TemporaryDirectory()
        let simulate = run(flowstudy, ["simulate", "--events", "300", "--seed", "4", "--fmo", "CD206", "-o", "tube.fcs"], in: folder.url)
        #expect(simulate.status == 0, "\(simulate.stderr)")
        let result = run(flowstudy, ["inspect", "tube.fcs", "--json"], in: folder.url)
        #expect(result.status == 0)
        return result.stdout
    }

    @Test("inspect --json matches the committed snapshot")
    func inspectSnapshot() throws {
        let stdout = try inspectSimulated()
        let snapshot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots/inspect-simulated.json")
        if ProcessInfo.processInfo.environment["FLOWSTUDY_RECORD_SNAPSHOTS"] != nil {
            try stdout.write(to: snapshot, atomically: false, encoding: .utf8)
        }
        #expect(stdout == (try String(contentsOf: snapshot, encoding: .utf8)))
    }

    @Test("inspect --json follows docs/inspect.schema.json",
          .enabled(if: pythonWith(["jsonschema"]) != nil, "no Python with jsonschema to check docs/inspect.schema.json: set FLOWSTUDY_PYTHON"))
    func inspectSchema() throws {
        let python = try #require(pythonWith(["jsonschema"]))
        let stdout = try inspectSimulated()
        let schema = SharedData.repositoryRoot.appendingPathComponent("docs/inspect.schema.json").path
        let check = run(python, ["-c", "import json,sys,jsonschema; jsonschema.validate(json.load(sys.stdin), json.load(open(sys.argv[1])))", schema],
                        input: Data(stdout.utf8))
        #expect(check.status == 0, "\(check.stderr)")
    }

    @Test("inspect of the corpus: every readable file reports, the broken ones exit 65 naming the file", .needsShared)
    func inspectCorpus() throws {
        let folder = try #require(SharedData.url("fcs-corpus/files"), Comment(rawValue: SharedData.skipMessage))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { folder.appendingPathComponent($0).path }
        let result = run(flowstudy, ["inspect", "--json", "--data-offsets", "header"] + files)
        #expect(result.status == 65)
        let reports = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(reports.count == files.count - 2)
        #expect(result.stderr.contains("fcsparser__corrupted.fcs"))
        #expect(result.stderr.contains("fcsparser__cytek_nl_2000_sample_header.fcs"))
        let partec = try #require(reports.first { ($0["file"] as? String)?.hasSuffix("Partec_PAS.FCS") == true })
        let repairs = ((partec["data_sets"] as? [[String: Any]])?.first?["repairs"] as? [[String: Any]]) ?? []
        #expect(repairs.contains { $0["code"] as? String == "data_end_off_by_one" })
    }

    @Test("exit codes: 65 for bad input with the typed error on stderr, 64 for usage errors")
    func exitCodes() throws {
        let folder = try TemporaryDirectory()
        let broken = folder.path("broken.fcs")
        try Data("FCS3.1    garbage".utf8).write(to: URL(fileURLWithPath: broken))
        let bad = run(flowstudy, ["export", broken])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains(broken))
        #expect(bad.stderr.contains("[truncated]"))
        #expect(run(flowstudy, ["export"]).status == 64)
        #expect(run(flowstudy, ["export", broken, "--format", "xml"]).status == 64)
        #expect(run(flowstudy, ["export", broken, "--format", "fcs"]).status == 64)
        let missing = run(flowstudy, ["inspect", folder.path("nope.fcs")])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("unreadable_file"))
        let unknownChannel = run(flowstudy, ["export", try knownFile(in: folder), "--channels", "CD999"])
        #expect(unknownChannel.status == 65)
        #expect(unknownChannel.stderr.contains("CD999"))
        // An empty --channels is not "every channel"; one channel twice (CD14 is FL1,log's marker) is refused.
        let empty = run(flowstudy, ["export", try knownFile(in: folder), "--channels", ""])
        #expect(empty.status == 64 && empty.stderr.contains("--channels names no channel"), "\(empty.stderr)")
        let twice = run(flowstudy, ["export", try knownFile(in: folder), "--channels", "FL1,log", "cd14"])
        #expect(twice.status == 65 && twice.stderr.contains("each channel once, found FL1,log named twice"), "\(twice.stderr)")
        // --dataset counts from 1 for export and gate alike: a usage error.
        #expect(run(flowstudy, ["export", try knownFile(in: folder), "--dataset", "0"]).status == 64)
        let template = SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path
        #expect(run(flowstudy, ["gate", try knownFile(in: folder), "--template", template, "--dataset", "0"]).status == 64)
    }

    @Test("simulate is deterministic and writes gzip when asked")
    func simulate() throws {
        let folder = try TemporaryDirectory()
        for name in ["a.fcs", "b.fcs", "c.fcs.gz"] {
            #expect(run(flowstudy, ["simulate", "--events", "1000", "--seed", "9", "-o", folder.path(name)]).status == 0)
        }
        let a = try Data(contentsOf: folder.url.appendingPathComponent("a.fcs"))
        #expect(a == (try Data(contentsOf: folder.url.appendingPathComponent("b.fcs"))))
        let gz = try FCSFile.read(folder.path("c.fcs.gz"))
        #expect(gz.wasCompressed)
        #expect(gz.dataSets[0].columns == (try FCSFile.readSample(folder.path("a.fcs"))).columns)
        #expect(run(flowstudy, ["simulate", "--fmo", "CD999", "-o", folder.path("x.fcs")]).status == 64)
    }
}

@Suite("fcs-samples holds only files FlowStudy writes")
struct SampleFilesTests {
    @Test("each committed sample is byte-identical to what its documented simulate command writes")
    func samplesAreReproducible() throws {
        let flowstudy = try #require(flowstudyExecutable())
        let folder = try TemporaryDirectory()
        let samples = SharedData.repositoryRoot.appendingPathComponent("fcs-samples")
        let commands: [(String, [String])] = [
            ("mdm_untreated_seed1.fcs", ["--events", "10000", "--seed", "1"]),
            ("mdm_fmo_CD206_seed2.fcs", ["--events", "10000", "--seed", "2", "--fmo", "CD206"]),
        ]
        for (name, arguments) in commands {
            #expect(run(flowstudy, ["simulate"] + arguments + ["-o", folder.path(name)]).status == 0)
            let made = try Data(contentsOf: folder.url.appendingPathComponent(name))
            #expect(made == (try Data(contentsOf: samples.appendingPathComponent(name))), "\(name)")
        }
    }
}
