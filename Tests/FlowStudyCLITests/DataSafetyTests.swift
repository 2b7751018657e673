#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// Data safety as a careful and a hostile user meet it: outputs never replace inputs or devices, a run's outputs
/// are one set, shard merges cannot be wrong, and bytes from files never drive the terminal or a spreadsheet.
@Suite("Data safety")
struct DataSafetyTests {
    let flowstudy: String
    let template = SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path
    let samples = SharedData.repositoryRoot.appendingPathComponent("fcs-samples")
    var sample: String { samples.appendingPathComponent("mdm_untreated_seed1.fcs").path }

    init() throws {
        flowstudy = try #require(flowstudyExecutable())
    }

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// A copy of the bundled samples folder (both tubes) or of one tube, so tests may write beside them.
    func copy(_ names: [String], into folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in names { try FileManager.default.copyItem(atPath: samples.appendingPathComponent(name).path, toPath: folder + "/" + name) }
    }

    /// A small FCS 3.0 file with 16-bit integers whose TEXT holds `keywords` (values may hold anything but `|`).
    func fcs(_ keywords: [(String, String)], parameters: Int = 2, events: Int = 4) -> Data {
        var data: [UInt8] = []
        for event in 0..<events { for p in 0..<parameters { data += [0, UInt8((event * 7 + p) % 200)] } }
        var pairs: [(String, String)] = [("$BYTEORD", "1,2"), ("$DATATYPE", "I"), ("$MODE", "L"), ("$NEXTDATA", "0"),
                                         ("$PAR", "\(parameters)"), ("$TOT", "\(events)")]
        for p in 1...parameters { pairs += [("$P\(p)B", "16"), ("$P\(p)E", "0,0"), ("$P\(p)R", "1024"), ("$P\(p)N", "P\(p)")] }
        for (key, value) in keywords {
            if let index = pairs.firstIndex(where: { $0.0 == key }) { pairs[index].1 = value } else { pairs.append((key, value)) }
        }
        func text(_ start: Int) -> [UInt8] {
            var out: [UInt8] = [0x7C]
            for (key, value) in pairs + [("$BEGINDATA", "\(start)"), ("$ENDDATA", "\(start + data.count - 1)")] {
                out += Array(key.utf8) + [0x7C] + Array(value.utf8) + [0x7C]
            }
            return out
        }
        var length = text(0).count
        var body = text(58 + length)
        while body.count != length { length = body.count; body = text(58 + length) }
        func pad(_ n: Int) -> String { String(repeating: " ", count: 8 - "\(n)".count) + "\(n)" }
        let header = "FCS3.0    " + pad(58) + pad(57 + body.count) + pad(58 + body.count) + pad(57 + body.count + data.count) + pad(0) + pad(0)
        return Data(Array(header.utf8) + body + data)
    }

    // MARK: 2. Outputs that overwrite inputs

    @Test("No output may be one of the command's inputs, under any spelling: exit 64, inputs untouched")
    func outputsThatAreInputs() throws {
        let folder = try TemporaryDirectory()
        try copy(["mdm_untreated_seed1.fcs"], into: folder.url.path)
        let raw = folder.path("mdm_untreated_seed1.fcs")
        try FileManager.default.copyItem(atPath: template, toPath: folder.path("t.json"))
        #expect(link(raw, folder.path("hardlink.fcs")) == 0)
        let rawBefore = bytes(raw), templateBefore = bytes(folder.path("t.json"))
        let attempts: [[String]] = [
            ["gate", raw, "--template", folder.path("t.json"), "--stats", raw],
            ["gate", raw, "--template", folder.path("t.json"), "--events", folder.path("t.json")],
            ["gate", raw, "--template", folder.path("t.json"), "--stats", folder.path("a.csv"), "--medians", folder.path("a.csv")],
            ["export", raw, "--format", "fcs", "-o", folder.url.path + "/./mdm_untreated_seed1.fcs"],
            ["export", raw, "-o", folder.path("hardlink.fcs")],
            ["template", "convert", folder.path("t.json"), "-o", folder.path("t.json")],
            ["plot", raw, "--template", folder.path("t.json"), "--population", "macrophages", "-o", folder.path("t.json") + ".svg", "--control", folder.path("t.json") + ".svg"],
        ]
        try "x".write(toFile: folder.path("t.json") + ".svg", atomically: false, encoding: .utf8)
        for arguments in attempts {
            let result = run(flowstudy, arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("output_is_input"), "\(arguments): \(result.stderr)")
        }
        #expect(bytes(raw) == rawBefore)
        #expect(bytes(folder.path("t.json")) == templateBefore)
        #expect(!FileManager.default.fileExists(atPath: folder.path("a.csv")))
    }

    @Test("-o /dev/null writes through and leaves the device; a symlink is followed; permissions are kept")
    func devicesLinksPermissions() throws {
        let folder = try TemporaryDirectory()
        #expect(run(flowstudy, ["export", sample, "-o", "/dev/null"]).status == 0)
        var status = stat()
        #expect(stat("/dev/null", &status) == 0 && status.st_mode & S_IFMT == S_IFCHR)
        try "old".write(toFile: folder.path("target.csv"), atomically: false, encoding: .utf8)
        #expect(chmod(folder.path("target.csv"), 0o600) == 0)
        #expect(symlink("target.csv", folder.path("link.csv")) == 0)
        #expect(run(flowstudy, ["export", sample, "--channels", "FSC-A", "-o", folder.path("link.csv")]).status == 0)
        #expect(lstat(folder.path("link.csv"), &status) == 0 && status.st_mode & S_IFMT == S_IFLNK)
        #expect(stat(folder.path("target.csv"), &status) == 0 && status.st_mode & 0o7777 == 0o600)
        #expect(String(decoding: bytes(folder.path("target.csv")) ?? Data(), as: UTF8.self).hasPrefix("FSC-A\n"))
    }

    @Test("A FIFO given as input is refused at once by every reader, instead of blocking forever")
    func fifoInputs() throws {
        let folder = try TemporaryDirectory()
        let fifo = folder.path("tube.fcs")
        #expect(mkfifo(fifo, 0o600) == 0)
        try "sample_id,fcs_file\ns1,tube.fcs\n".write(toFile: folder.path("samples.csv"), atomically: false, encoding: .utf8)
        #expect(mkfifo(folder.path("t.json"), 0o600) == 0)
        let attempts: [[String]] = [
            ["inspect", fifo], ["gate", fifo, "--template", template],
            ["batch", "--template", template, "--samples", folder.path("samples.csv"), "--out", folder.path("out"), "--quiet"],
            ["template", "validate", folder.path("t.json")],
        ]
        for arguments in attempts {
            let result = run("/usr/bin/timeout", ["20", flowstudy] + arguments)
            #expect(result.status != 124 && result.status != 0, "\(arguments) blocked or passed: \(result.status)")
            // batch keeps going past a bad tube and lists it in errors.csv.
            let said = result.stderr + String(decoding: bytes(folder.path("out/errors.csv")) ?? Data(), as: UTF8.self)
            #expect(said.contains("FIFO"), "\(arguments): \(said)")
        }
    }

    @Test("review never deletes what it did not write: a folder with foreign images is refused, and left as it was")
    func reviewLeavesForeignFiles() throws {
        let folder = try TemporaryDirectory()
        let out = folder.path("gallery")
        try FileManager.default.createDirectory(atPath: out + "/img", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: out + "/events", withIntermediateDirectories: true)
        try "mine".write(toFile: out + "/img/poster.png", atomically: false, encoding: .utf8)
        try "mine".write(toFile: out + "/events/keep.bits", atomically: false, encoding: .utf8)
        let result = run(flowstudy, ["review", "--template", template, "--samples", samples.path, "--out", out])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(bytes(out + "/img/poster.png") == Data("mine".utf8))
        #expect(bytes(out + "/events/keep.bits") == Data("mine".utf8))
        // Into a folder of its own it works, twice, and the second run only replaces its own files.
        let own = folder.path("own")
        #expect(run(flowstudy, ["review", "--template", template, "--samples", samples.path, "--out", own]).status == 0)
        #expect(run(flowstudy, ["review", "--template", template, "--samples", samples.path, "--out", own]).status == 0)
        #expect(FileManager.default.fileExists(atPath: own + "/index.html"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted() == ["gallery", "own"])
    }

    // MARK: 3. Output sets

    @Test("SIGKILL at any moment of a batch leaves the previous run's set or the new one whole, never a mix")
    func batchOutputSet() throws {
        let folder = try TemporaryDirectory()
        try copy(["mdm_untreated_seed1.fcs"], into: folder.path("one"))
        try copy(["mdm_untreated_seed1.fcs", "mdm_fmo_CD206_seed2.fcs"], into: folder.path("two"))
        let out = folder.path("out")
        func batch(_ input: String, _ out: String) -> [String] {
            ["batch", "--template", template, "--samples", folder.path(input), "--out", out, "--quiet", "--jobs", "1"]
        }
        let tables = ["populations.csv", "markers.csv", "qc.csv", "errors.csv"]
        #expect(run(flowstudy, batch("two", folder.path("reference-two"))).status == 0)
        let setTwo = tables.map { bytes(folder.path("reference-two/" + $0)) }
        #expect(run(flowstudy, batch("one", out)).status == 0)
        let setOne = tables.map { bytes(out + "/" + $0) }
        #expect(setOne != setTwo)
        for delay in stride(from: 0.0, through: 0.6, by: 0.05) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: flowstudy)
            process.arguments = batch("two", out)
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let now = tables.map { bytes(out + "/" + $0) }
            #expect(now == setOne || now == setTwo, "a mix after SIGKILL at \(delay) s")
            let runData = try #require(bytes(out + "/run.json"))
            let run = try JSONSerialization.jsonObject(with: runData) as? [String: Any]
            let inputs = (run?["inputs"] as? [Any])?.count
            #expect(inputs == (now == setOne ? 1 : 2), "run.json of another run than the tables at \(delay) s")
            #expect(try FileManager.default.contentsOfDirectory(atPath: out).allSatisfy { !$0.hasSuffix(".tmp") })
        }
    }

    @Test("SIGTERM and SIGHUP stop a review like Ctrl-C: exit 130, the previous gallery whole")
    func reviewSignals() throws {
        let folder = try TemporaryDirectory()
        let out = folder.path("gallery")
        #expect(run(flowstudy, ["review", "--template", template, "--samples", samples.path, "--out", out, "--jobs", "1"]).status == 0)
        let index = bytes(out + "/index.html"), manifest = bytes(out + "/manifest.json")
        // A larger set of tubes, so the signal arrives while samples are being drawn.
        let many = folder.path("many")
        try FileManager.default.createDirectory(atPath: many, withIntermediateDirectories: true)
        for i in 0..<40 { try FileManager.default.copyItem(atPath: sample, toPath: many + "/tube\(i).fcs") }
        for signal in [SIGTERM, SIGHUP, SIGINT] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: flowstudy)
            process.arguments = ["review", "--template", template, "--samples", many, "--out", out, "--jobs", "1"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: 0.4)
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            #expect(process.terminationStatus == 130, "signal \(signal): exit \(process.terminationStatus)")
            #expect(bytes(out + "/index.html") == index && bytes(out + "/manifest.json") == manifest)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted() == ["gallery", "many"])
        }
    }

    @Test("--out that is an existing file is refused before any tube is gated")
    func outIsAFile() throws {
        let folder = try TemporaryDirectory()
        try "keep".write(toFile: folder.path("results"), atomically: false, encoding: .utf8)
        for command in ["batch", "review"] {
            let result = run(flowstudy, [command, "--template", template, "--samples", samples.path, "--out", folder.path("results")])
            #expect(result.status == 64, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("foreign_output_folder"))
        }
        #expect(bytes(folder.path("results")) == Data("keep".utf8))
    }

    // MARK: 4. Shard merges

    @Test("merge takes exactly the shards 1…n of one run and carries the provenance over")
    func shardMerges() throws {
        let folder = try TemporaryDirectory()
        try copy(["mdm_untreated_seed1.fcs", "mdm_fmo_CD206_seed2.fcs"], into: folder.path("tubes"))
        func batch(_ out: String, _ extra: [String], template: String? = nil) {
            let result = run(flowstudy, ["batch", "--template", template ?? self.template, "--samples", folder.path("tubes"),
                                         "--out", folder.path(out), "--quiet"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
        }
        batch("s1", ["--shard", "1/2"])
        batch("s2", ["--shard", "2/2"])
        batch("whole", [])
        var edited = try String(contentsOfFile: template, encoding: .utf8)
        edited = edited.replacingOccurrences(of: "\"min_events\": 100", with: "\"min_events\": 101")
        try edited.write(toFile: folder.path("edited.json"), atomically: false, encoding: .utf8)
        batch("other2", ["--shard", "2/2"], template: folder.path("edited.json"))
        let cases: [([String], String)] = [
            (["s1"], "missing shard 2/2"),
            (["s1", "s1"], "given twice"),
            (["s1", "other2"], "another run"),
            (["s1", "s2", "whole"], "unsharded"),
        ]
        for (shards, message) in cases {
            let result = run(flowstudy, ["merge", folder.path("merged")] + shards.map { folder.path($0) })
            #expect(result.status == 64, "\(shards): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(shards): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.path("merged")))
        }
        #expect(run(flowstudy, ["merge", folder.path("merged"), folder.path("s2"), folder.path("s1")]).status == 0)
        for table in ["populations.csv", "markers.csv", "qc.csv", "errors.csv"] {
            #expect(bytes(folder.path("merged/" + table)) == bytes(folder.path("whole/" + table)))
        }
        let mergedData = try #require(bytes(folder.path("merged/run.json")))
        let wholeData = try #require(bytes(folder.path("whole/run.json")))
        let merged = try #require(try JSONSerialization.jsonObject(with: mergedData) as? [String: Any])
        let whole = try #require(try JSONSerialization.jsonObject(with: wholeData) as? [String: Any])
        #expect((merged["template"] as? [String: Any])?["sha256"] as? String == (whole["template"] as? [String: Any])?["sha256"] as? String)
        #expect((merged["samples"] as? [String: Any])?["sha256"] as? String == (whole["samples"] as? [String: Any])?["sha256"] as? String)
        #expect((merged["options"] as? [String: Any])?["data_offsets"] as? String == "strict")
        #expect((merged["inputs"] as? [Any])?.count == 2)
    }

    @Test("merge refuses a shard whose tables were changed after its batch wrote them (truncated, a row doubled or moved, a file gone), naming each file; exit 64, nothing written")
    func shardTablesAreTheBatchs() throws {
        let folder = try TemporaryDirectory()
        try copy(["mdm_untreated_seed1.fcs", "mdm_fmo_CD206_seed2.fcs"], into: folder.path("tubes"))
        for shard in ["1/2", "2/2"] {
            let result = run(flowstudy, ["batch", "--template", template, "--samples", folder.path("tubes"), "--out", folder.path("s" + shard.prefix(1)),
                                         "--quiet", "--shard", shard])
            #expect(result.status == 0, "\(result.stderr)")
        }
        // run.json records each table's SHA-256, as sha256sum computes it.
        let markers = folder.path("s1/markers.csv")
        let runJSON = try #require(bytes(folder.path("s1/run.json")))
        let document = try #require(try JSONSerialization.jsonObject(with: runJSON) as? [String: Any])
        let sum = run("/usr/bin/sha256sum", [markers]).stdout.split(separator: " ").first.map(String.init)
        #expect((document["outputs"] as? [String: String])?["markers.csv"] == sum)

        let original = try #require(bytes(markers))
        let text = String(decoding: original, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count > 3, "\(text)")
        let edits: [(String, (String) throws -> Void)] = [
            ("truncated", { try String(text.prefix(text.count / 2)).write(toFile: $0, atomically: false, encoding: .utf8) }),
            ("a row doubled", { try (text + lines[1] + "\n").write(toFile: $0, atomically: false, encoding: .utf8) }),
            ("rows swapped", { try ([lines[0], lines[2], lines[1]] + lines.dropFirst(3)).joined(separator: "\n").write(toFile: $0, atomically: false, encoding: .utf8) }),
            ("gone", { try FileManager.default.removeItem(atPath: $0) }),
        ]
        for (name, edit) in edits {
            try edit(markers)
            let result = run(flowstudy, ["merge", folder.path("merged"), folder.path("s1"), folder.path("s2")])
            #expect(result.status == 64, "\(name): \(result.stderr)")
            #expect(result.stderr.contains("a shard's tables are not as its batch wrote them") && result.stderr.contains("s1/markers.csv"), "\(name): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.path("merged")), "\(name)")
            try Data(original).write(to: URL(fileURLWithPath: markers))
        }
        // A run.json without the hash of one table, or of any.
        var withoutOne = document
        withoutOne["outputs"] = (document["outputs"] as? [String: String] ?? [:]).filter { $0.key != "markers.csv" }
        for (edited, message) in [(withoutOne, "records no SHA-256 of markers.csv"), (document.filter { $0.key != "outputs" }, "records no SHA-256 of the shard's tables")] {
            try JSONSerialization.data(withJSONObject: edited).write(to: URL(fileURLWithPath: folder.path("s1/run.json")))
            let result = run(flowstudy, ["merge", folder.path("merged"), folder.path("s1"), folder.path("s2")])
            #expect(result.status == 64 && result.stderr.contains(message), "\(result.stderr)")
        }
        try Data(runJSON).write(to: URL(fileURLWithPath: folder.path("s1/run.json")))
        #expect(run(flowstudy, ["merge", folder.path("merged"), folder.path("s1"), folder.path("s2")]).status == 0)
    }

    // MARK: 5. The terminal and the tables

    @Test("Control characters from FCS keywords never reach the terminal raw; long values are cut in the table only")
    func terminalAndLongValues() throws {
        let folder = try TemporaryDirectory()
        let long = String(repeating: "L", count: 5_000_000)
        try fcs([("$P1N", "FSC\u{1B}]0;owned\u{07}\u{1B}[2J"), ("$P2N", long)]).write(to: folder.url.appendingPathComponent("hostile.fcs"))
        let text = run(flowstudy, ["inspect", folder.path("hostile.fcs")])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(!text.stdout.contains("\u{1B}") && !text.stdout.contains("\u{07}"))
        #expect(text.stdout.contains("FSC\\x1B]0;owned\\x07\\x1B[2J"))
        #expect(text.stdout.utf8.count < 20_000, "the table printed \(text.stdout.utf8.count) bytes")
        #expect(text.stdout.contains("… (5000000 characters)"))
        let json = run(flowstudy, ["inspect", "--json", folder.path("hostile.fcs")])
        #expect(json.stdout.contains(long))
        // An error message quoting a keyword value.
        try fcs([("$PAR", "2\u{1B}[2J")]).write(to: folder.url.appendingPathComponent("bad.fcs"))
        let bad = run(flowstudy, ["inspect", folder.path("bad.fcs")])
        #expect(bad.status == 65)
        #expect(!bad.stderr.contains("\u{1B}"), "\(bad.stderr)")
    }

    @Test("A NUL in a sheet path is refused with its line and column, never cut short")
    func nulInSheet() throws {
        let folder = try TemporaryDirectory()
        try copy(["mdm_untreated_seed1.fcs"], into: folder.url.path)
        try "sample_id,fcs_file\ns1,mdm_untreated_seed1.fcs\ns2,mdm_untreated_seed1.fcs\0.txt\n".write(toFile: folder.path("samples.csv"), atomically: false, encoding: .utf8)
        let result = run(flowstudy, ["batch", "--template", template, "--samples", folder.path("samples.csv"), "--out", folder.path("out"), "--quiet"])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("line 3, column 2") && result.stderr.contains("NUL"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("out")))
    }

    @Test("Text that a spreadsheet would run as a formula is written quoted with a leading apostrophe")
    func formulaCells() throws {
        let folder = try TemporaryDirectory()
        try copy(["mdm_untreated_seed1.fcs"], into: folder.url.path)
        try "sample_id,fcs_file\n\"=HYPERLINK(\"\"http://127.0.0.1/x\"\",\"\"y\"\")\",mdm_untreated_seed1.fcs\n".write(toFile: folder.path("samples.csv"), atomically: false, encoding: .utf8)
        let result = run(flowstudy, ["batch", "--template", template, "--samples", folder.path("samples.csv"), "--out", folder.path("out"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        for table in ["populations.csv", "markers.csv", "qc.csv"] {
            let text = String(decoding: bytes(folder.path("out/" + table)) ?? Data(), as: UTF8.self)
            #expect(text.contains("\"'=HYPERLINK(\"\"http://127.0.0.1/x\"\",\"\"y\"\")\""), "\(table)")
            #expect(!text.split(separator: "\n").contains { $0.hasPrefix("=") || $0.hasPrefix("\"=") })
        }
    }

    @Test("FlowKit still reads a Gating-ML export that carries FlowStudy's fields in custom_info",
          .enabled(if: pythonWith(["flowkit"]) != nil, "FlowKit is not installed (.ci/run installs it in .venv): cross-check skipped"))
    func flowKitReadsCustomInfo() throws {
        let folder = try TemporaryDirectory()
        #expect(run(flowstudy, ["template", "convert", template, "-o", folder.path("t.xml")]).status == 0)
        let python = try #require(pythonWith(["flowkit"]))
        let result = run(python, ["-c", "import flowkit, sys; print(len(flowkit.parse_gating_xml(sys.argv[1]).get_gate_ids()))", folder.path("t.xml")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "10")
    }

    @Test("JSON → Gating-ML → JSON is the identity; a foreign Gating-ML file gets a warning")
    func templateRoundTrip() throws {
        let folder = try TemporaryDirectory()
        #expect(run(flowstudy, ["template", "convert", template, "-o", folder.path("direct.json")]).status == 0)
        #expect(run(flowstudy, ["template", "convert", template, "-o", folder.path("t.xml")]).status == 0)
        let back = run(flowstudy, ["template", "convert", folder.path("t.xml"), "-o", folder.path("back.json")])
        #expect(back.status == 0 && !back.stderr.contains("warning"), "\(back.stderr)")
        let direct = try String(contentsOfFile: folder.path("direct.json"), encoding: .utf8)
        #expect(try String(contentsOfFile: folder.path("back.json"), encoding: .utf8) == direct)
        for field in ["\"panel\"", "\"readouts\"", "\"description\"", "\"name\"", "\"allow_missing\": false"] {
            #expect(direct.contains(field), "the study template lacks \(field)")
        }
        let foreign = """
        <?xml version="1.0" encoding="UTF-8"?>
        <gating:Gating-ML xmlns:gating="http://www.isac-net.org/std/Gating-ML/v2.0/gating" xmlns:data-type="http://www.isac-net.org/std/Gating-ML/v2.0/datatypes">
          <gating:RectangleGate gating:id="cells"><gating:dimension gating:min="1000"><data-type:fcs-dimension data-type:name="FSC-A"/></gating:dimension></gating:RectangleGate>
        </gating:Gating-ML>
        """
        try foreign.write(toFile: folder.path("foreign.xml"), atomically: false, encoding: .utf8)
        let converted = run(flowstudy, ["template", "convert", folder.path("foreign.xml"), "-o", folder.path("foreign.json")])
        #expect(converted.status == 0)
        #expect(converted.stderr.contains("warning") && converted.stderr.contains("without FlowStudy's fields"), "\(converted.stderr)")
    }

    @Test("Gating-ML that a template cannot hold (a polygon on one line, a rectangle with min ≥ max) is refused by convert, naming each population; nothing is written")
    func convertRefusesWhatTemplatesRefuse() throws {
        let folder = try TemporaryDirectory()
        func vertex(_ x: Int, _ y: Int) -> String {
            #"<gating:vertex><gating:coordinate data-type:value="\#(x)"/><gating:coordinate data-type:value="\#(y)"/></gating:vertex>"#
        }
        func dimension(_ name: String, _ bounds: String = "") -> String {
            #"<gating:dimension\#(bounds)><data-type:fcs-dimension data-type:name="\#(name)"/></gating:dimension>"#
        }
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <gating:Gating-ML xmlns:gating="http://www.isac-net.org/std/Gating-ML/v2.0/gating" xmlns:data-type="http://www.isac-net.org/std/Gating-ML/v2.0/datatypes">
          <gating:RectangleGate gating:id="cells">\(dimension("FSC-A", #" gating:min="1000""#))</gating:RectangleGate>
          <gating:PolygonGate gating:id="line" gating:parent_id="cells">\(dimension("FSC-A"))\(dimension("SSC-A"))\(vertex(1, 1))\(vertex(2, 2))\(vertex(3, 3))</gating:PolygonGate>
          <gating:RectangleGate gating:id="empty">\(dimension("FSC-A", #" gating:min="5" gating:max="2""#))</gating:RectangleGate>
        </gating:Gating-ML>
        """
        try xml.write(toFile: folder.path("flat.xml"), atomically: false, encoding: .utf8)
        let result = run(flowstudy, ["template", "convert", folder.path("flat.xml"), "-o", folder.path("flat.json")])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("flat.xml as a FlowStudy template: 2 problems"), "\(result.stderr)")
        #expect(result.stderr.contains("populations[1] (population 'line').gate.vertices: expected vertices that enclose an area"), "\(result.stderr)")
        #expect(result.stderr.contains("populations[2] (population 'empty').gate.dimensions[0]: expected min < max, found 5.0 ≥ 2.0"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("flat.json")))
        // Gating-ML itself defines such gates (they hold no event): the file still gates, and converts to Gating-ML.
        #expect(run(flowstudy, ["template", "convert", folder.path("flat.xml"), "-o", folder.path("again.xml")]).status == 0)
    }
}
