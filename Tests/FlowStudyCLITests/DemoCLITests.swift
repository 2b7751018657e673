import Foundation
import Testing
import TestSupport

@Suite("flowstudy demo generate")
struct DemoCLITests {
    @Test("writes the study, reruns into its own folder, refuses a foreign folder (64) and bad settings (64)")
    func generate() throws {
        let flowstudy = try #require(flowstudyExecutable())
        let folder = try TemporaryDirectory()
        let options = ["--patients", "2", "--donors", "1", "--events", "300", "--fmo-events", "200"]
        let first = run(flowstudy, ["demo", "generate", "--out", folder.path("demo")] + options)
        #expect(first.status == 0, "\(first.stderr)")
        for name in ["clinical.csv", "samples.csv", "truth.json", "demo.json", "elisa/runs.csv", "fcs/SSC01_UT.fcs", "fcs/HD01_SERUM_RUX_FMO_HLADR.fcs"] {
            #expect(FileManager.default.fileExists(atPath: folder.path("demo/" + name)), "\(name)")
        }
        #expect(run(flowstudy, ["demo", "generate", "--out", folder.path("demo"), "--seed", "2"] + options).status == 0)
        // The whole demo inside that run's folder is refused before it writes anything there.
        let inside = run(flowstudy, ["demo", "--out", folder.path("demo/again")] + options)
        #expect(inside.status == 64 && inside.stderr.contains("inside '\(folder.url.standardizedFileURL.path)/demo'"), "\(inside.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("demo/again")))
        try "mine".write(toFile: folder.path("mine.txt"), atomically: false, encoding: .utf8)
        let foreign = run(flowstudy, ["demo", "generate", "--out", folder.path("")] + options)
        #expect(foreign.status == 64)
        #expect(foreign.stderr.contains("not a demo") || foreign.stderr.contains("did not write"), "\(foreign.stderr)")
        #expect(try String(contentsOfFile: folder.path("mine.txt"), encoding: .utf8) == "mine")
        #expect(run(flowstudy, ["demo", "generate", "--out", folder.path("x"), "--patients", "1"]).status == 64)
    }
}
