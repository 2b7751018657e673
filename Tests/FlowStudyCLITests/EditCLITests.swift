import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// `flowstudy edit` as a user starts it: problems reported before any server starts, then a server that answers
/// at the printed URL and leaves nothing but the template behind when stopped.
@Suite("flowstudy edit")
struct EditCLITests {
    let flowstudy: String
    let template = SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path
    let samples = SharedData.repositoryRoot.appendingPathComponent("fcs-samples").path

    init() throws {
        flowstudy = try #require(flowstudyExecutable())
    }

    /// Runs `flowstudy edit` under coreutils' `timeout`: a regression that starts the server fails (124) instead of
    /// hanging the test run.
    func edit(_ arguments: [String]) -> (status: Int32, stdout: String, stderr: String) {
        run("/usr/bin/timeout", ["60", flowstudy, "edit"] + arguments)
    }

    @Test("a broken template, a bad sheet, a Gating-ML template and a template open in another editor stop before the server (exit 64)")
    func problemsBeforeTheServer() throws {
        let folder = try TemporaryDirectory()
        let broken = folder.path("broken.json")
        try #"{"format": "flowstudy-gating/1", "populations": [{"id": "a", "parent": "nowhere", "gate": {"type": "rectangle", "dimensions": [{"channel": "FSC-A", "min": 1}]}}]}"#
            .write(toFile: broken, atomically: true, encoding: .utf8)
        var result = edit(["--template", broken, "--samples", samples])
        #expect(result.status == 64)
        #expect(result.stderr.contains("populations[0].parent"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: broken + ".lock"))

        let sheet = folder.path("samples.csv")
        try "sample,file\nA,missing.fcs\n".write(toFile: sheet, atomically: true, encoding: .utf8)
        let copy = folder.path("T.json")
        try FileManager.default.copyItem(atPath: template, toPath: copy)
        result = edit(["--template", copy, "--samples", sheet])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("samples.csv") && result.stderr.contains("sample_id"))

        result = edit(["--template", folder.path("T.xml"), "--samples", samples])
        #expect(result.status == 64)
        #expect(result.stderr.contains("JSON template"))

        // This test's own process holds the lock: a live editor.
        try "\(getpid())\n".write(toFile: copy + ".lock", atomically: true, encoding: .utf8)
        result = edit(["--template", copy, "--samples", samples])
        #expect(result.status == 64)
        #expect(result.stderr.contains("open in another editor (process \(getpid()))"), "\(result.stderr)")
        #expect(try String(contentsOfFile: copy + ".lock", encoding: .utf8) == "\(getpid())\n")
        try FileManager.default.removeItem(atPath: copy + ".lock")

        // A port another program listens on is named, in words, before anything is loaded.
        let (listener, port) = try Self.listening()
        defer { close(listener) }
        result = edit(["--template", copy, "--samples", samples, "--port", "\(port)"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("port \(port) on 127.0.0.1 is already in use: choose another with --port"), "\(result.stderr)")
        #expect(!result.stderr.contains("errno"))
        // A port out of range is named as such, written either way.
        for words in [["--port", "-1"], ["--port=-1"], ["--port", "70000"]] {
            result = edit(["--template", copy, "--samples", samples] + words)
            #expect(result.status == 64 && result.stderr.contains("--port must be between 0 and 65535"), "\(words): \(result.stderr)")
        }
    }

    /// A socket listening on a free port of 127.0.0.1, and that port.
    static func listening() throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 1) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        try #require(descriptor >= 0 && ready)
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    static let cellsOverride = #"{"reason": "debris edge", "gate": {"type": "polygon", "dimensions": [{"channel": "FSC-A"}, {"channel": "SSC-A"}], "vertices": [[30000, 5000], [262143, 5000], [262143, 262143], [30000, 262143]]}}"#

    @Test("a bad overrides file, beside the template or named by --overrides, stops before the server (exit 64) naming its JSON path")
    func badOverrides() throws {
        let folder = try TemporaryDirectory()
        let copy = folder.path("T.json")
        try FileManager.default.copyItem(atPath: template, toPath: copy)
        // Beside the template: read without --overrides, as the batch reads it.
        try #"{"format": "flowstudy-overrides/1", "samples": {"mdm_untreated_seed1": {"nosuch": \#(Self.cellsOverride)}}}"#
            .write(toFile: folder.path("T.overrides.json"), atomically: true, encoding: .utf8)
        var result = edit(["--template", copy, "--samples", samples])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("T.overrides.json") && result.stderr.contains("samples.mdm_untreated_seed1.nosuch"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: copy + ".lock"))

        // --overrides wins over the file beside the template: a sample not on the sheet, a missing reason.
        let other = folder.path("other.json")
        try #"{"format": "flowstudy-overrides/1", "samples": {"P99": {"cells": {"gate": {"type": "polygon", "dimensions": [{"channel": "FSC-A"}, {"channel": "SSC-A"}], "vertices": [[0, 0], [1, 0], [1, 1]]}}}}}"#
            .write(toFile: other, atomically: true, encoding: .utf8)
        result = edit(["--template", copy, "--samples", samples, "--overrides", other])
        #expect(result.status == 64)
        #expect(result.stderr.contains("other.json") && !result.stderr.contains("T.overrides.json"), "\(result.stderr)")
        #expect(result.stderr.contains("samples.P99") && result.stderr.contains("samples.P99.cells.reason"), "\(result.stderr)")

        result = edit(["--template", copy, "--samples", samples, "--overrides", folder.path("missing.json")])
        #expect(result.status == 64)
        #expect(result.stderr.contains("missing.json"), "\(result.stderr)")
    }

    @Test("a pooled gate whose group_by column the sheet lacks stops before the server (exit 64), as the batch does")
    func poolingColumnMissing() throws {
        let folder = try TemporaryDirectory()
        let adaptive = SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages-adaptive.json").path
        let text = try String(contentsOfFile: adaptive, encoding: .utf8)
        let pooled = text.replacingOccurrences(of: #""keep": "-","#, with: #""keep": "-", "group_by": ["plate"], "pool": true,"#)
        #expect(pooled != text)
        let copy = folder.path("T.json")
        try pooled.write(toFile: copy, atomically: true, encoding: .utf8)
        let result = edit(["--template", copy, "--samples", samples])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("populations[2].gate.group_by") && result.stderr.contains("'plate'"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: copy + ".lock"))
    }

    @Test("the printed URL opens the page on 127.0.0.1; Ctrl-C stops the server, exit 0, the lock file is removed")
    func servesAndStops() async throws {
        let folder = try TemporaryDirectory()
        let copy = folder.path("T.json")
        try FileManager.default.copyItem(atPath: template, toPath: copy)
        // Overrides beside the template are read and given to the gating.
        try #"{"format": "flowstudy-overrides/1", "samples": {"mdm_untreated_seed1": {"cells": \#(Self.cellsOverride)}}}"#
            .write(toFile: folder.path("T.overrides.json"), atomically: true, encoding: .utf8)
        let output = folder.path("stdout.txt")
        FileManager.default.createFile(atPath: output, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: flowstudy)
        process.arguments = ["edit", "--template", copy, "--samples", samples, "--jobs", "1"]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var url: URL?
        for _ in 0..<300 where url == nil {
            try await Task.sleep(nanoseconds: 100_000_000)
            let text = try String(contentsOfFile: output, encoding: .utf8)
            if let range = text.range(of: #"http://127\.0\.0\.1:\d+/\?token=[0-9a-f]{32}"#, options: .regularExpression) {
                url = URL(string: String(text[range]))
            }
        }
        let page = try #require(url, "no URL printed")
        #expect(FileManager.default.fileExists(atPath: copy + ".lock"))
        let (body, response) = try await URLSession.shared.data(from: page)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self).contains("Gate editor"))
        let withoutToken = try #require(URL(string: page.absoluteString.replacingOccurrences(of: #"\?token=.*"#, with: "", options: .regularExpression) + "api/state"))
        let (_, refused) = try await URLSession(configuration: .ephemeral).data(from: withoutToken)
        #expect((refused as? HTTPURLResponse)?.statusCode == 401)
        // The state (with the page's cookie) marks the override once the tube is gated.
        var request = URLRequest(url: withoutToken)
        let token = page.absoluteString.components(separatedBy: "token=").last ?? ""
        request.setValue("flowstudy_editor_\(page.port ?? 0)=\(token)", forHTTPHeaderField: "Cookie")
        var marked = false
        for _ in 0..<300 where !marked {
            let (state, _) = try await URLSession(configuration: .ephemeral).data(for: request)
            let text = String(decoding: state, as: UTF8.self)
            marked = text.contains(#""source":"override""#) && text.contains("REASON:debris edge")
            if !marked { try await Task.sleep(nanoseconds: 100_000_000) }
        }
        #expect(marked, "the override is not in /api/state")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: copy + ".lock"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted() == ["T.json", "T.overrides.json", "stdout.txt"])
    }
}
