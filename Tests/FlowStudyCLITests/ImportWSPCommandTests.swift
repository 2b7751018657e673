import Foundation
import Testing
import TestSupport
import FCS

/// `flowstudy template import-wsp --check` on a workspace and an FCS file the test writes: exit 0 when every saved
/// count agrees, 2 (each difference listed) when one does not.
@Suite("flowstudy template import-wsp --check exit codes")
struct ImportWSPCommandTests {
    /// A = 10·i, B = 90 − 10·i for i = 0…9.
    static func writeLines(_ path: String) throws {
        let ten = (0..<10).map(Double.init)
        let sample = Sample(keywords: Keywords(), parameters: [Parameter(index: 1, name: "A"), Parameter(index: 2, name: "B")],
                            columns: [ChannelValues(ten.map { 10 * $0 }), ChannelValues(ten.map { 90 - 10 * $0 })])
        try FCSWriter().write(sample, to: path)
    }

    /// lowA: A < 55 (6 events by hand), and under it mid: A ≥ 20 (4); FlowJo's saved counts as given.
    static func workspace(lowA: Int, mid: Int) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Workspace xmlns:gating="http://www.isac-net.org/std/Gating-ML/v2.0/gating" xmlns:data-type="http://www.isac-net.org/std/Gating-ML/v2.0/datatypes">
        <Groups><GroupNode name="G" owningGroup="G"><Group name="G"><SampleRefs><SampleRef sampleID="1"/></SampleRefs></Group></GroupNode></Groups>
        <SampleList><Sample><DataSet uri="file:/C:/x/lines.fcs" sampleID="1"/><Transformations/>
        <Keywords><Keyword name="$P1N" value="A"/><Keyword name="$P2N" value="B"/></Keywords>
        <SampleNode name="lines.fcs" owningGroup="" count="10" sampleID="1"><Subpopulations>
          <Population name="lowA" owningGroup="G" count="\(lowA)"><Gate gating:id="ID1"><gating:RectangleGate eventsInside="1">
            <gating:dimension gating:max="55"><data-type:fcs-dimension data-type:name="A"/></gating:dimension></gating:RectangleGate></Gate>
            <Subpopulations><Population name="mid" owningGroup="G" count="\(mid)"><Gate gating:id="ID2" gating:parent_id="ID1"><gating:RectangleGate eventsInside="1">
              <gating:dimension gating:min="20"><data-type:fcs-dimension data-type:name="A"/></gating:dimension></gating:RectangleGate></Gate></Population></Subpopulations>
          </Population>
        </Subpopulations></SampleNode></Sample></SampleList>
        </Workspace>
        """
    }

    @Test("exit 0 when FlowStudy's counts equal FlowJo's, 2 with the differences listed when one differs")
    func exitCodes() throws {
        let flowstudy = try #require(flowstudyExecutable())
        let folder = try TemporaryDirectory()
        try Self.writeLines(folder.path("lines.fcs"))
        try Self.workspace(lowA: 6, mid: 4).write(toFile: folder.path("good.wsp"), atomically: true, encoding: .utf8)
        try Self.workspace(lowA: 6, mid: 5).write(toFile: folder.path("bad.wsp"), atomically: true, encoding: .utf8)

        let good = run(flowstudy, ["template", "import-wsp", folder.path("good.wsp"), "--group", "G", "-o", folder.path("good.json"),
                                   "--check", folder.url.path])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("lines.fcs,lowA,6,6") && good.stdout.contains("lines.fcs,lowA/mid,4,4"), "\(good.stdout)")

        let bad = run(flowstudy, ["template", "import-wsp", folder.path("bad.wsp"), "--group", "G", "-o", folder.path("bad.json"),
                                  "--check", folder.url.path])
        #expect(bad.status == 2, "\(bad.stderr)")
        #expect(bad.stdout.contains("lines.fcs,lowA/mid,4,5"), "\(bad.stdout)")
        #expect(bad.stderr.contains("1 count differs from FlowJo's") && bad.stderr.contains("lines.fcs lowA/mid: FlowStudy 4, FlowJo 5"), "\(bad.stderr)")
        // The template is written either way: the check compares, it does not judge the import.
        #expect(FileManager.default.fileExists(atPath: folder.path("bad.json")))
    }

    @Test("--group writes s1's sample-specific gate to t.overrides.json, and --check applies it to s1 only (exit 0)")
    func overridesWrittenAndChecked() throws {
        let flowstudy = try #require(flowstudyExecutable())
        let folder = try TemporaryDirectory()
        try Self.writeLines(folder.path("s1.fcs"))
        try Self.writeLines(folder.path("s2.fcs"))
        // s2 carries the group's gates (6, 4); s1 its own lowA, A < 35: by hand 4 events, mid 2.
        let s2 = Self.workspace(lowA: 6, mid: 4)
        var s1 = s2.replacingOccurrences(of: #"name="lines.fcs""#, with: #"name="s1.fcs""#).replacingOccurrences(of: "file:/C:/x/lines.fcs", with: "file:/C:/x/s1.fcs")
        s1 = s1.replacingOccurrences(of: #"count="4">"#, with: #"count="2">"#)
            .replacingOccurrences(of: #"<Population name="lowA" owningGroup="G" count="6">"#, with: #"<Population name="lowA" owningGroup="" count="4">"#)
            .replacingOccurrences(of: #"gating:max="55""#, with: #"gating:max="35""#)
        func sample(_ text: String) -> String {
            guard let start = text.range(of: "<Sample>"), let end = text.range(of: "</SampleList>") else { return "" }
            return String(text[start.lowerBound..<end.lowerBound])
        }
        let two = s2.replacingOccurrences(of: #"<SampleRef sampleID="1"/>"#, with: #"<SampleRef sampleID="1"/><SampleRef sampleID="2"/>"#)
            .replacingOccurrences(of: "<SampleList>" + sample(s2), with: "<SampleList>" + sample(s1)
                                  + sample(s2).replacingOccurrences(of: "lines.fcs", with: "s2.fcs").replacingOccurrences(of: #"sampleID="1""#, with: #"sampleID="2""#))
        try two.write(toFile: folder.path("two.wsp"), atomically: true, encoding: .utf8)

        let result = run(flowstudy, ["template", "import-wsp", folder.path("two.wsp"), "--group", "G", "-o", folder.path("t.json"), "--check", folder.url.path])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("s1.fcs,lowA,4,4") && result.stdout.contains("s1.fcs,lowA/mid,2,2"), "\(result.stdout)")
        #expect(result.stdout.contains("s2.fcs,lowA,6,6") && result.stdout.contains("s2.fcs,lowA/mid,4,4"), "\(result.stdout)")
        let overrides = try String(contentsOfFile: folder.path("t.overrides.json"), encoding: .utf8)
        #expect(overrides.contains(#""format": "flowstudy-overrides/1""#) && overrides.contains(#""template": "t.json""#), "\(overrides)")
        #expect(overrides.contains(#""s1""#) && !overrides.contains(#""s2""#) && overrides.contains(#""max": 35"#), "\(overrides)")
    }

    @Test("a malformed workspace exits 64 with its XML path on stderr and writes nothing")
    func malformedExits64() throws {
        let flowstudy = try #require(flowstudyExecutable())
        let folder = try TemporaryDirectory()
        let broken = Self.workspace(lowA: 6, mid: 4).replacingOccurrences(of: #"gating:parent_id="ID1""#, with: #"gating:parent_id="ID7""#)
        try broken.write(toFile: folder.path("broken.wsp"), atomically: true, encoding: .utf8)
        let result = run(flowstudy, ["template", "import-wsp", folder.path("broken.wsp"), "--group", "G", "-o", folder.path("t.json")])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Population[1]/Subpopulations[1]/Population[1]/Gate[1]") && result.stderr.contains("ID7"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("t.json")))
    }
}
