import Foundation
import Testing
import TestSupport

/// `flowstudy simulate`: the cap on events, and where it may write the tube and its truth sidecar.
@Suite("flowstudy simulate: limits and outputs")
struct SimulateCLITests {
    let flowstudy: String

    init() throws {
        flowstudy = try #require(flowstudyExecutable(), "the flowstudy executable is built by swift test")
    }

    @Test("--events above 10,000,000 (the cap demo shares) is a usage error naming the flag and the limit, nothing written")
    func eventCap() throws {
        let folder = try TemporaryDirectory()
        for events in ["10000001", "1000000000", "99999999999999"] {
            let result = run(flowstudy, ["simulate", "--events", events, "--seed", "1", "-o", folder.path("a.fcs")])
            #expect(result.status == 64, "\(events): \(result.stderr)")
            #expect(result.stderr.contains("--events") && result.stderr.contains("10,000,000"), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path("a.fcs")))
    }

    @Test("--truth with -o /dev/null or a folder is refused before anything is written; without --truth /dev/null is written through")
    func truthNeedsARegularFile() throws {
        let folder = try TemporaryDirectory()
        let sidecar = "/dev/null.truth.csv"
        let existed = FileManager.default.fileExists(atPath: sidecar)
        let device = run(flowstudy, ["simulate", "--events", "10", "--seed", "1", "--truth", "-o", "/dev/null"])
        #expect(device.status == 64, "\(device.stderr)")
        #expect(device.stderr.contains("/dev/null") && device.stderr.contains("a character device"), "\(device.stderr)")
        if !existed { #expect(!FileManager.default.fileExists(atPath: sidecar)) }

        try FileManager.default.createDirectory(atPath: folder.path("tube.fcs"), withIntermediateDirectories: false)
        let directory = run(flowstudy, ["simulate", "--events", "10", "--truth", "-o", folder.path("tube.fcs")])
        #expect(directory.status == 64 && directory.stderr.contains("a folder"), "\(directory.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("tube.truth.csv")))

        // A folder where the sidecar goes is refused the same way, and the tube is not written either.
        try FileManager.default.createDirectory(atPath: folder.path("other.truth.csv"), withIntermediateDirectories: false)
        let taken = run(flowstudy, ["simulate", "--events", "10", "--truth", "-o", folder.path("other.fcs")])
        #expect(taken.status == 64, "\(taken.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("other.fcs")))

        #expect(run(flowstudy, ["simulate", "--events", "10", "-o", "/dev/null"]).status == 0)
    }

    @Test("the tube is written before its sidecar: when the tube cannot be written, no sidecar appears")
    func tubeFirst() throws {
        let folder = try TemporaryDirectory()
        // tube.fcs is a link into a folder that does not exist: the tube's write fails, the sidecar's folder is fine.
        try FileManager.default.createSymbolicLink(atPath: folder.path("tube.fcs"), withDestinationPath: folder.path("missing/tube.fcs"))
        let result = run(flowstudy, ["simulate", "--events", "10", "--truth", "-o", folder.path("tube.fcs")])
        #expect(result.status == 65, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("tube.truth.csv")))

        let good = run(flowstudy, ["simulate", "--events", "50", "--truth", "-o", folder.path("good.fcs")])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.path("good.fcs")) && FileManager.default.fileExists(atPath: folder.path("good.truth.csv")))
    }
}
