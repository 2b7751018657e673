import Foundation
import Testing
import FCS
@testable import Gating

/// Templates and Gating-ML documents that used to crash FlowStudy or hang it: each now gives a typed error with
/// its JSON path or element path, or an answer, quickly. Inputs are built here.
@Suite("Hostile templates and Gating-ML")
struct HostileTemplateTests {
    static func template(_ populations: String, extra: String = "") -> String {
        #"{"format": "flowstudy-gating/1", \#(extra) "populations": [\#(populations)]}"#
    }

    static let range = #"{"type": "range", "dimensions": [{"channel": "X", "min": 0}]}"#

    static func issues(_ text: String) -> [TemplateError.Issue] { TemplateValidationTests().issues(text) }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = Date()
        try body()
        return Date().timeIntervalSince(start)
    }

    @Test("min_events of 1e19 or 1e308 is a typed error, not a trap", arguments: ["1e19", "1e308", "-1", "2.5", "1e16"])
    func minEvents(_ value: String) {
        let found = Self.issues(Self.template(#"{"id": "a", "gate": \#(Self.range)}"#, extra: #""min_events": \#(value),"#))
        #expect(found.count == 1 && found.first?.path == "min_events" && found.first?.line == 1, "\(found)")
        #expect(found.first?.message.contains("expected a whole number from 0 to 2^53") == true)
    }

    @Test("min_events of 2^53 is accepted")
    func minEventsLimit() throws {
        let template = try TemplateReader.read(Self.template(#"{"id": "a", "gate": \#(Self.range)}"#, extra: #""min_events": 9007199254740992,"#), name: "t.json")
        #expect(template.minEvents == 9_007_199_254_740_992)
    }

    @Test("a long key shows in JSON paths cut to 64 characters and \"…\": each item's path under it stays short")
    func longKeysInPaths() throws {
        let id = String(repeating: "m", count: 100_000), cut = String(repeating: "m", count: 64) + "…"
        let matrix = #""matrices": {"\#(id)": {"channels": ["A", "B"], "coefficients": [[1, "x"], [0, 1]]}},"#
        let found = Self.issues(Self.template(#"{"id": "a", "gate": \#(Self.range)}"#, extra: matrix))
        #expect(found.map(\.path) == ["matrices.\(cut).coefficients[0][1]"], "\(found.map(\.path.count))")
        // A key of 80 bytes is shown whole; of 81, cut.
        #expect(StructuralLimits.shownInPath(String(repeating: "k", count: 80)) == String(repeating: "k", count: 80))
        #expect(StructuralLimits.shownInPath(String(repeating: "k", count: 81)) == String(repeating: "k", count: 64) + "…")
        // One character of "m" and 100,000 combining acute accents (U+0301) is cut to "m" and 63 accents.
        let accented = "m" + String(repeating: "\u{301}", count: 100_000)
        #expect(StructuralLimits.shownInPath(accented) == "m" + String(repeating: "\u{301}", count: 63) + "…")
        // Overrides: the sample key and the population key under it.
        let template = try TemplateReader.read(Self.template(#"{"id": "a", "gate": \#(Self.range)}"#), name: "t.json")
        let overrides = #"{"format": "flowstudy-overrides/1", "samples": {"\#(id)": {"a": {"reason": "r", "gate": {"type": "range", "dimensions": [{"channel": "X", "min": "x"}]}}}}}"#
        #expect { try GateOverrides.read(overrides, name: "o.json", template: template) } throws: { error in
            (error as? TemplateError)?.issues.map(\.path) == ["samples.\(cut).a.gate.dimensions[0].min"]
        }
    }

    @Test("a long element name shows in Gating-ML element paths cut to 64 characters and \"…\"")
    func longElementNamesInPaths() {
        let wrapper = "w" + String(repeating: "x", count: 9_999)
        let text = Self.gatingMLHeader + "<\(wrapper)>" + #"<gating:RectangleGate><gating:dimension gating:min="1"><data-type:fcs-dimension data-type:name="FSC-H"/></gating:dimension></gating:RectangleGate>"#
            + "</\(wrapper)></gating:Gating-ML>"
        #expect { try GatingMLReader.read(Data(text.utf8), name: "g.xml") } throws: { error in
            (error as? GatingMLError)?.path == "/Gating-ML/w" + String(repeating: "x", count: 63) + "…[1]/RectangleGate[1]"
        }
    }

    @Test("an unknown marker or transform names the first 20 of the panel's markers or the transform ids, then how many more")
    func longListsInMessages() throws {
        let panel = #""panel": ["# + (1...25).map { #"{"marker": "M\#($0)"}"# }.joined(separator: ", ") + "],"
        let transforms = #""transforms": {"# + (1...21).map { #""t\#($0)": {"type": "asinh", "T": 262144, "M": 4.5, "A": 0}"# }.joined(separator: ", ") + "},"
        let gate = #"{"type": "range", "dimensions": [{"marker": "CD99", "min": 0}, {"channel": "X", "transform": "nope", "min": 0}]}"#
        let found = Self.issues(Self.template(#"{"id": "a", "gate": \#(gate)}"#, extra: panel + transforms))
        let markers = (1...20).map { "M\($0)" }.joined(separator: ", ")
        // Sorted as text: t1, t10 … t19, t2, t20, t21, t3 … (20 shown, t9 the one left).
        let ids = ["t1", "t10", "t11", "t12", "t13", "t14", "t15", "t16", "t17", "t18", "t19", "t2", "t20", "t21", "t3", "t4", "t5", "t6", "t7", "t8"]
        #expect(found.map(\.message) == ["expected a marker of the panel (\(markers) and 5 more), found 'CD99'",
                                         "expected the id of a transform (\(ids.joined(separator: ", ")) and 1 more), found 'nope'"], "\(found)")
        // An override's gate is read against the template's panel and transforms, with the same lists.
        let template = try #require(try? TemplateReader.read(Self.template(#"{"id": "a", "gate": \#(Self.range)}"#, extra: panel + transforms), name: "t.json"))
        let overrides = #"{"format": "flowstudy-overrides/1", "samples": {"s1": {"a": {"reason": "r", "gate": \#(gate)}}}}"#
        #expect { try GateOverrides.read(overrides, name: "o.json", template: template) } throws: { error in
            (error as? TemplateError)?.issues.map(\.message) == found.map(\.message)
        }
    }

    static func chain(_ n: Int) -> String {
        (0..<n).map { #"{"id": "p\#($0)", "parent": \#($0 == 0 ? "null" : "\"p\($0 - 1)\""), "gate": \#(range)}"# }.joined(separator: ",\n")
    }

    @Test("a parent chain of 100,000 populations is refused by the population limit, quickly")
    func longChain() {
        let text = Self.template(Self.chain(100_000))
        var found: [TemplateError.Issue] = []
        let time = Self.seconds { found = Self.issues(text) }
        #expect(time < 10)
        #expect(found.count == 1 && found.first?.path == "populations", "\(found.prefix(3))")
        #expect(found.first?.message == "expected at most 10000 populations, found 100000")
    }

    @Test("a chain of 10,000 populations (at the population limit): one error at the first level past the depth limit")
    func deepChain() {
        let text = Self.template(Self.chain(10_000))
        var found: [TemplateError.Issue] = []
        let time = Self.seconds { found = Self.issues(text) }
        #expect(time < 10)
        // p1000 is the 1,001st level; its "parent" is on line 1,001 of the document (one population a line).
        #expect(found.map(\.path) == ["populations[1000].parent"], "\(found.prefix(3))")
        #expect(found.first?.line == 1001)
        #expect(found.first?.message == "expected at most 1000 levels of parents, found 1001")
    }

    @Test("reading is linear: 10,000 sibling populations with a cycle at the end read in well under a second each thousand")
    func linearReading() {
        let siblings = (0..<9_998).map { #"{"id": "s\#($0)", "gate": \#(Self.range)}"# }.joined(separator: ",\n")
        let cycle = #"{"id": "a", "parent": "b", "gate": \#(Self.range)}, {"id": "b", "parent": "a", "gate": \#(Self.range)}"#
        let text = Self.template(siblings + ",\n" + cycle)
        var found: [TemplateError.Issue] = []
        let time = Self.seconds { found = Self.issues(text) }
        #expect(time < 5)
        #expect(found.count == 1 && found.first?.path == "populations[9998].parent" && found.first?.message.contains("a → b → a") == true, "\(found)")
    }

    @Test("reading is linear in the panel and readouts: 5,000 markers, each with a readout and a gate")
    func wideTemplate() {
        let panel = (0..<5_000).map { #"{"marker": "M\#($0)", "channels": ["C\#($0)"]}"# }.joined(separator: ",")
        let gates = (0..<5_000).map { #"{"id": "g\#($0)", "gate": {"type": "range", "dimensions": [{"marker": "m-\#($0)", "min": 1}]}}"# }.joined(separator: ",\n")
        let readouts = (0..<5_000).map { #"{"marker": "m \#($0)", "population": "g\#($0)", "threshold": {"value": 1}}"# }.joined(separator: ",")
        let text = Self.template(gates, extra: #""panel": [\#(panel)], "readouts": [\#(readouts)],"#)
        var found: [TemplateError.Issue] = [.init(path: "not read", line: nil, message: "")]
        let time = Self.seconds { found = Self.issues(text) }
        #expect(found.isEmpty, "\(found.prefix(3))")
        #expect(time < 10)
    }

    @Test("the engine orders a 100,000-population chain without recursion")
    func engineChain() throws {
        let populations = (0..<100_000).map { i in
            Population(id: "p\(i)", parent: i == 0 ? nil : "p\(i - 1)",
                       gate: .rectangle(RectangleGate(dimensions: [GateDimension(channel: "X")], minimum: [Double(i) / 100_000], maximum: [nil])))
        }
        let sample = Sample(file: "s.fcs", keywords: Keywords(), parameters: [Parameter(index: 1, name: "X")],
                            columns: [ChannelValues([0.5, 0.99999, 1, 2] as [Double])])
        var result: GatingResult?
        let time = try Self.seconds { result = try GatingEngine.evaluate(GatingStrategy(populations: populations), on: sample) }
        #expect(time < 10)
        // Every threshold is below 1: the last population keeps 1 and 2 (0.99999 = p99999's own minimum is kept too).
        #expect(result?.count("p99999") == 3)
        #expect(result?.count("p50001") == 3)
        #expect(result?.count("p50000") == 4)  // 0.5 ≥ 50000 / 100000
    }

    static let gatingMLHeader = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n" +
        #"<gating:Gating-ML xmlns:gating="http://www.isac-net.org/std/Gating-ML/v2.0/gating" xmlns:data-type="http://www.isac-net.org/std/Gating-ML/v2.0/datatypes">"#

    static func rangeGate(_ i: Int) -> String {
        #"<gating:RectangleGate gating:id="R\#(i)"><gating:dimension gating:min="\#(i)"><data-type:fcs-dimension data-type:name="FSC-H"/></gating:dimension></gating:RectangleGate>"#
    }

    @Test("a truncated Gating-ML file is an error naming the element where it ends, not 6 of 10 populations")
    func truncated() throws {
        let whole = Self.gatingMLHeader + "\n" + (1...10).map(Self.rangeGate).joined(separator: "\n") + "\n</gating:Gating-ML>\n"
        #expect(try GatingMLReader.read(Data(whole.utf8), name: "g.xml").populations.count == 10)
        // Cut inside the seventh gate, as a partial download or full disk leaves it.
        let cut = try #require(whole.range(of: #"gating:id="R7""#))
        let truncated = String(whole[..<cut.upperBound])
        #expect { try GatingMLReader.read(Data(truncated.utf8), name: "g.xml") } throws: { error in
            guard let error = error as? GatingMLError else { return false }
            // Line 9: the XML declaration, the root element, then R1 … R7 one a line.
            return error.file == "g.xml" && error.message.contains("expected well-formed XML") && error.message.contains("line 9")
                && error.message.contains("truncated")
        }
        // Cut between gates: the root element is not closed.
        let between = String(whole[..<(try #require(whole.range(of: "\n" + Self.rangeGate(7)))).lowerBound])
        #expect { try GatingMLReader.read(Data(between.utf8), name: "g.xml") } throws: { error in
            (error as? GatingMLError)?.message.contains("truncated") == true
        }
    }

    @Test("a byte that is not UTF-8 is refused on its line; multi-byte characters before it are not")
    func notUTF8() throws {
        // Line 1 the declaration, line 2 the root, line 3 a comment with two-byte "é" and three-byte "µ", line 4 the bad byte.
        let head = Data((Self.gatingMLHeader + "\n<!-- caf\u{E9} 5 \u{B5}m -->\n").utf8)
        let whole = head + Data((1...2).map(Self.rangeGate).joined(separator: "\n").utf8) + Data("\n</gating:Gating-ML>\n".utf8)
        #expect(try GatingMLReader.read(whole, name: "u.xml").populations.count == 2)
        // 0xC3 opens a two-byte character; "R" is no continuation byte.
        let bad = head + Data("<!-- ".utf8) + Data([0xC3]) + Data("R -->\n".utf8) + whole.dropFirst(head.count)
        #expect { try GatingMLReader.read(bad, name: "u.xml") } throws: { error in
            (error as? GatingMLError)?.message == "expected UTF-8 text (the document declares no other encoding), found a byte that is not UTF-8 on line 4"
        }
    }

    @Test("deeply nested vendor wrappers are refused at a documented depth, without recursing")
    func deepNesting() throws {
        // Wrappers, plus the root, the gate, its dimension and fcs-dimension: 40 levels pass, 100,000 do not.
        for depth in [36, 100_000] {
            let text = Self.gatingMLHeader + String(repeating: "<w>", count: depth) + Self.rangeGate(1)
                + String(repeating: "</w>", count: depth) + "</gating:Gating-ML>"
            if depth < StructuralLimits.xmlDepth {
                #expect(try GatingMLReader.read(Data(text.utf8), name: "g.xml").populations.count == 1)
            } else {
                #expect { try GatingMLReader.read(Data(text.utf8), name: "g.xml") } throws: { error in
                    guard let error = error as? GatingMLError else { return false }
                    // libxml2 may stop first at its own limit (256); either way a typed error.
                    return error.message.contains("nested at most 64") || error.message.contains("expected well-formed XML")
                }
            }
        }
    }

    static func polygon(_ vertices: Int) -> String {
        let points = (0..<vertices).map { k -> String in
            let t = Double(k) / Double(vertices) * 2 * Double.pi
            return #"<gating:vertex><gating:coordinate data-type:value="\#(500 + 400 * cos(t))"/><gating:coordinate data-type:value="\#(500 + 400 * sin(t))"/></gating:vertex>"#
        }.joined()
        return Self.gatingMLHeader + #"<gating:PolygonGate gating:id="P"><gating:dimension><data-type:fcs-dimension data-type:name="FSC-H"/></gating:dimension><gating:dimension><data-type:fcs-dimension data-type:name="SSC-H"/></gating:dimension>"#
            + points + "</gating:PolygonGate></gating:Gating-ML>"
    }

    @Test("a polygon of 200,000 vertices is refused with its element path, quickly")
    func hugePolygon() {
        let data = Data(Self.polygon(200_000).utf8)
        let time = Self.seconds {
            #expect { try GatingMLReader.read(data, name: "g.xml") } throws: { error in
                guard let error = error as? GatingMLError else { return false }
                return error.path == "/Gating-ML/PolygonGate[1]" && error.message == "expected at most 10000 vertices, found more"
            }
        }
        // 28 MB of XML: most of the time is the linear screening and parsing of a debug build (the release binary
        // answers in about a second); before, every vertex was read and then tested against every event.
        #expect(time < 30)
    }

    @Test("a polygon at the vertex limit gates 13,000 events quickly, with the crossing rule's answer")
    func polygonAtLimit() throws {
        let strategy = try GatingMLReader.read(Data(Self.polygon(10_000).utf8), name: "g.xml")
        // Events on a grid; a circle of radius 400 around (500, 500) approximated by 10,000 vertices.
        var xs: [Double] = [], ys: [Double] = []
        for i in 0..<13_000 { xs.append(Double(i % 130) * 8); ys.append(Double(i / 130) * 10 + 0.5) }
        let sample = Sample(file: "s.fcs", keywords: Keywords(), parameters: [Parameter(index: 1, name: "FSC-H"), Parameter(index: 2, name: "SSC-H")],
                            columns: [ChannelValues(xs), ChannelValues(ys)])
        var result: GatingResult?
        let time = try Self.seconds { result = try GatingEngine.evaluate(strategy, on: sample) }
        #expect(time < 10)
        // Independent count: points inside the circle, away from its boundary (the polygon differs by < 0.02).
        // The chords stay within 400 (1 − cos(π / 10⁴)) ≈ 2e-5 of the circle: points closer than 1e-3 may go either way.
        let distance = zip(xs, ys).map { (($0 - 500) * ($0 - 500) + ($1 - 500) * ($1 - 500)).squareRoot() }
        let inside = distance.filter { $0 < 400 - 1e-3 }.count, near = distance.filter { abs($0 - 400) <= 1e-3 }.count
        let count = try #require(result?.count("P"))
        #expect(count >= inside && count <= inside + near && inside > 5_000)
    }

    @Test("a polygon of 10,001 vertices in a JSON template is refused with its JSON path")
    func jsonPolygonLimit() {
        let vertices = (0..<10_001).map { "[\($0), \($0 % 7)]" }.joined(separator: ",")
        let found = Self.issues(Self.template(#"{"id": "p", "gate": {"type": "polygon", "dimensions": [{"channel": "X"}, {"channel": "Y"}], "vertices": [\#(vertices)]}}"#))
        #expect(found.map(\.path) == ["populations[0].gate.vertices"])
        #expect(found.first?.message == "expected at most 10000 vertices, found 10001")
    }

    @Test("a polygon whose vertices all lie on one line (or on one point) is refused with its JSON path: no event could be inside")
    func jsonFlatPolygon() {
        for vertices in ["[0, 0], [1, 1], [2, 2], [0.5, 0.5]", "[3, 4], [3, 4], [3, 4]", "[5, 0], [5, 10], [5, 3]"] {
            let found = Self.issues(Self.template(#"{"id": "p", "gate": {"type": "polygon", "dimensions": [{"channel": "X"}, {"channel": "Y"}], "vertices": [\#(vertices)]}}"#))
            #expect(found.map(\.path) == ["populations[0].gate.vertices"], "\(vertices)")
            #expect(found.first?.message == "expected vertices that enclose an area, found them all on one line (no event could be inside)")
        }
        // One point off the line is enough.
        let found = Self.issues(Self.template(#"{"id": "p", "gate": {"type": "polygon", "dimensions": [{"channel": "X"}, {"channel": "Y"}], "vertices": [[0, 0], [1, 1], [2, 2.000001]]}}"#))
        #expect(found.isEmpty, "\(found)")
    }
}
