import Foundation
import Testing
import TestSupport

/// `flowstudy template import-wsp` as a user runs it, against FlowJo's saved counts in `../shared/flowjo/cases`.
@Suite("flowstudy template import-wsp")
struct FlowJoImportCLITests {
    @Test("--check prints FlowStudy's counts next to FlowJo's and exits 0 when they agree", .needsShared,
          arguments: [("line_ellipse", ["data_set_simple_line_100.fcs,ellipse1,51,51"]),
                      ("line_poly_rect", ["data_set_simple_line_100.fcs,poly1,0,\n", "data_set_simple_line_100.fcs,rect1,0,\n"])])
    func check(name: String, rows: [String]) throws {
        let flowstudy = try #require(flowstudyExecutable())
        let folder = try TemporaryDirectory()
        let caseFolder = try #require(SharedData.url("flowjo/cases/\(name)")).path
        let result = run(flowstudy, ["template", "import-wsp", caseFolder + "/workspace.wsp", "--sample", "data_set_simple_line_100.fcs",
                                     "-o", folder.path("t.json"), "--check", caseFolder])
        #expect(result.status == 0, "\(result.stderr)")
        for row in rows { #expect(result.stdout.contains(row), "\(result.stdout)") }
        #expect(try String(contentsOfFile: folder.path("t.json"), encoding: .utf8).contains("flowstudy-gating/1"))
    }
}
