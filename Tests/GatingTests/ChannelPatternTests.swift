import Testing
import FCS
@testable import Gating

/// A panel marker's `channels` are globs on `$PnN` (`*` for any run of characters, case ignored), used when no
/// parameter carries the marker in `$PnS`.
@Suite("Panel channel patterns")
struct ChannelPatternTests {
    @Test("'*' stands for any run of characters, and case is ignored", arguments: [
        ("BV421-A", "BV421-A", true), ("*421-A", "Comp-BV421-A", true), ("*421-A", "BV421-H", false),
        ("fl*", "FL1 INT LOG", true), ("a*b*c", "aXbYc", true), ("a*b*c", "aXbY", false), ("a*b*c", "abc", true),
        ("*", "", true), ("", "", true), ("", "x", false), ("**x", "x", true), ("*ab", "aab", true),
        ("*a*a*b", "aaaaaaab", true), ("*a*a*b", "aaaaaaa", false), ("CD14", "cd14", true), ("CD1", "CD14", false),
    ])
    func glob(_ pattern: String, _ name: String, _ expected: Bool) {
        #expect(GatingTemplate.matches(pattern, name) == expected)
    }

    @Test("a 1 MB $PnN is matched without recursion (it used to overflow the stack) and the marker is found")
    func megabyteChannelName() throws {
        let template = try TemplateReader.read(#"""
            {"format": "flowstudy-gating/1", "panel": [{"marker": "CD14", "channels": ["*421-A"]}],
             "populations": [{"id": "all", "gate": {"type": "range", "dimensions": [{"channel": "FSC-A", "min": 0}]}}]}
            """#, name: "t.json")
        let long = String(repeating: "x", count: 1_000_000)
        let sample = Sample(keywords: Keywords(),
                            parameters: [Parameter(index: 1, name: "FSC-A"), Parameter(index: 2, name: long),
                                         Parameter(index: 3, name: long + "421-A")],
                            columns: [ChannelValues([Float(1)]), ChannelValues([Float(2)]), ChannelValues([Float(3)])])
        #expect(try template.parameterIndex(forMarker: "CD14", in: sample) == 2)
    }

    @Test("a 1 MB $PnS that does not name the marker is passed over, and one that does is found")
    func megabyteMarkerName() throws {
        let template = try TemplateReader.read(#"""
            {"format": "flowstudy-gating/1", "panel": [{"marker": "HLA-DR"}],
             "populations": [{"id": "all", "gate": {"type": "range", "dimensions": [{"channel": "FSC-A", "min": 0}]}}]}
            """#, name: "t.json")
        let long = String(repeating: "é-", count: 500_000)
        let sample = Sample(keywords: Keywords(),
                            parameters: [Parameter(index: 1, name: "FSC-A", marker: long),
                                         Parameter(index: 2, name: "B", marker: "hla dr")],
                            columns: [ChannelValues([Float(1)]), ChannelValues([Float(2)])])
        #expect(try template.parameterIndex(forMarker: "HLA-DR", in: sample) == 1)
        #expect(GatingTemplate.normalised(long).count == 500_000)
    }
}
