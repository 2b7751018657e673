import Foundation
import Testing
import TestSupport
import FCS

/// `flowstudy batch`, `merge` and the Snakemake workflow as a cytometry core runs them.
@Suite("flowstudy batch")
struct BatchCLITests {
    let flowstudy: String
    let template = SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path
    static let tables = ["populations.csv", "markers.csv", "qc.csv", "errors.csv", "gates.csv"]

    init() throws {
        flowstudy = try #require(flowstudyExecutable())
    }

    func cohortSheet() throws -> String {
        let sheet = try #require(SharedData.url("study/reference-cohort/samples.csv"), Comment(rawValue: SharedData.skipMessage))
        return sheet.path
    }

    func contents(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in Self.tables { files[name] = try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(name)) }
        return files
    }

    @Test("reruns write byte-identical CSVs; shards merged are identical to one run", .needsShared)
    func determinismAndMerge() throws {
        let sheet = try cohortSheet()
        let folder = try TemporaryDirectory()
        let one = folder.path("one"), two = folder.path("two")
        #expect(run(flowstudy, ["batch", "--template", template, "--samples", sheet, "--out", one, "--quiet"]).status == 0)
        #expect(run(flowstudy, ["batch", "--template", template, "--samples", sheet, "--out", two, "--jobs", "1", "--quiet"]).status == 0)
        #expect(try contents(one) == contents(two))
        var shards: [String] = []
        for k in 1...3 {
            let out = folder.path("shard\(k)")
            #expect(run(flowstudy, ["batch", "--template", template, "--samples", sheet, "--out", out, "--shard", "\(k)/3", "--quiet"]).status == 0)
            shards.append(out)
        }
        #expect(run(flowstudy, ["merge", folder.path("merged")] + shards).status == 0)
        #expect(try contents(folder.path("merged")) == contents(one))
        let runJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: one).appendingPathComponent("run.json"))) as? [String: Any]
        let inputs = runJSON?["inputs"] as? [[String: Any]] ?? []
        #expect(inputs.count == 126)
        // SHA-256 of the first input, checked against the reference's fcs_files.csv.
        let expected = try String(contentsOf: try #require(SharedData.url("study/reference-cohort/expected/fcs_files.csv")), encoding: .utf8)
        let first = try #require(inputs.first)
        #expect(expected.contains(first["sha256"] as? String ?? "missing"))
        #expect((runJSON?["template"] as? [String: Any])?["sha256"] as? String == BatchSupport.sha256(template))
    }

    @Test("a corrupt file gives exit status 2, one errors.csv line, and every other file processed")
    func exitTwo() throws {
        let folder = try TemporaryDirectory()
        let samples = SharedData.repositoryRoot.appendingPathComponent("fcs-samples")
        try FileManager.default.copyItem(at: samples.appendingPathComponent("mdm_untreated_seed1.fcs"), to: folder.url.appendingPathComponent("a.fcs"))
        try Data("FCS3.1  this is not an FCS file".utf8).write(to: folder.url.appendingPathComponent("b.fcs"))
        try FileManager.default.copyItem(at: samples.appendingPathComponent("mdm_fmo_CD206_seed2.fcs"), to: folder.url.appendingPathComponent("c.fcs"))
        let sheet = folder.path("samples.csv")
        try "sample_id,fcs_file\nA,a.fcs\nB,b.fcs\nC,c.fcs\n".write(toFile: sheet, atomically: false, encoding: .utf8)
        let result = run(flowstudy, ["batch", "--template", template, "--samples", sheet, "--out", folder.path("out"), "--quiet"])
        #expect(result.status == 2)
        let errors = try String(contentsOfFile: folder.path("out/errors.csv"), encoding: .utf8).split(separator: "\n")
        #expect(errors.count == 2)
        #expect(errors[1].hasPrefix("B,"))
        let populations = try String(contentsOfFile: folder.path("out/populations.csv"), encoding: .utf8)
        #expect(populations.contains("A,cells,root,") && populations.contains("C,cells,root,") && !populations.contains("B,cells"))
        // A sheet with problems: usage error, nothing read.
        try "sample_id,fcs_file\nA,\n".write(toFile: sheet, atomically: false, encoding: .utf8)
        let bad = run(flowstudy, ["batch", "--template", template, "--samples", sheet, "--out", folder.path("out2")])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("row 2, column fcs_file"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("out2")))
    }

    @Test("Ctrl-C during a batch leaves no output file")
    func interrupt() throws {
        let folder = try TemporaryDirectory()
        let file = SharedData.repositoryRoot.appendingPathComponent("fcs-samples/mdm_untreated_seed1.fcs").path
        let sheet = folder.path("samples.csv")
        try ("sample_id,fcs_file\n" + (0..<3000).map { "S\($0),\(file)" }.joined(separator: "\n") + "\n").write(toFile: sheet, atomically: false, encoding: .utf8)
        let out = folder.path("out")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: flowstudy)
        process.arguments = ["batch", "--template", template, "--samples", sheet, "--out", out, "--jobs", "1", "--quiet"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 1.0)
        #expect(process.isRunning, "the batch is still running when interrupted")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test("the Snakemake workflow: dry run, then a local run equal to the unsharded batch",
          .enabled(if: BatchSupport.snakemake() != nil, "snakemake is not installed (.ci/run installs it in .venv)"), .needsShared)
    func snakemake() throws {
        let snakemake = try #require(BatchSupport.snakemake())
        let sheet = try cohortSheet()
        let folder = try TemporaryDirectory()
        let snakefile = SharedData.repositoryRoot.appendingPathComponent("workflow/Snakefile").path
        let config = ["--config", "flowstudy=\(flowstudy)", "template=\(template)", "samples=\(sheet)", "out=\(folder.path("results"))", "shards=3"]
        let dry = run(snakemake, ["-s", snakefile, "--dry-run", "-j", "2", "--directory", folder.url.path] + config)
        #expect(dry.status == 0, "\(dry.stdout)\(dry.stderr)")
        #expect(dry.stdout.contains("shard") && dry.stdout.contains("merge"))
        let real = run(snakemake, ["-s", snakefile, "-j", "2", "--directory", folder.url.path] + config)
        #expect(real.status == 0, "\(real.stderr)")
        #expect(run(flowstudy, ["batch", "--template", template, "--samples", sheet, "--out", folder.path("single"), "--quiet"]).status == 0)
        #expect(try contents(folder.path("results")) == contents(folder.path("single")))
    }
}

enum BatchSupport {
    static func sha256(_ path: String) -> String {
        let result = run("/usr/bin/sha256sum", [path])
        return String(result.stdout.prefix(64))
    }

    /// snakemake next to FLOWSTUDY_PYTHON, in .venv, or on the PATH.
    static func snakemake() -> String? {
        var candidates: [String] = []
        if let python = ProcessInfo.processInfo.environment["FLOWSTUDY_PYTHON"] {
            candidates.append(URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("snakemake").path)
        }
        candidates.append(SharedData.repositoryRoot.appendingPathComponent(".venv/bin/snakemake").path)
        candidates.append("/usr/local/bin/snakemake")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
