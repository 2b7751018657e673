import Foundation
import Testing
@testable import Gating

/// Workspaces that are broken, or hold what FlowStudy cannot express: a typed ``FlowJoError`` with the XML path,
/// or a warning with the XML path and the population skipped (never a silent drop).
@Suite("Malformed FlowJo workspaces")
struct FlowJoMalformedTests {
    typealias F = FlowJoFixtures
    static let channels: [(name: String, marker: String?)] = [("A", nil), ("B", nil)]

    static func error(_ xml: String, group: String? = "G") -> FlowJoError? {
        do {
            _ = try F.read(xml).template(group: group)
            return nil
        } catch {
            return error as? FlowJoError
        }
    }

    static func one(_ nodes: [F.Node], matrix: String = "", matrices: String = "", extra: String = "") -> String {
        F.workspace(groups: [("G", ["1"])], matrices: matrices,
                    samples: [F.sample(id: "1", name: "a.fcs", count: 10, channels: channels, matrix: matrix, extra: extra, nodes: nodes)])
    }

    static let samplePath = "/Workspace/SampleList[1]/Sample[1]"
    static let topPath = samplePath + "/SampleNode[1]/Subpopulations[1]"

    @Test("truncated XML: an error naming the line, before anything is read")
    func truncated() throws {
        let whole = Self.one([F.rectangle("r", [("A", 0, 5)])])
        let error = try #require(Self.error(String(whole.prefix(whole.count / 2))))
        #expect(error.message.contains("well-formed") || error.message.contains("line"), "\(error)")
        #expect(error.file == "hand.wsp")
    }

    @Test("a population path over 4,096 bytes is refused at the population that passes it")
    func longPopulationPath() throws {
        // "P" + 4,000 bytes, then a child of 95 bytes: 4,001 + 1 + 95 = 4,097 bytes ("/" between them).
        let parent = "P" + String(repeating: "x", count: 4_000)
        let fits = F.rectangle(String(repeating: "c", count: 94), [("A", 0, 5)])
        let passes = F.rectangle(String(repeating: "c", count: 95), [("A", 0, 5)])
        #expect(Self.error(Self.one([F.rectangle(parent, [("A", 0, 5)], children: [fits])])) == nil)
        let error = try #require(Self.error(Self.one([F.rectangle(parent, [("A", 0, 5)], children: [passes])])))
        #expect(error.path == Self.topPath + "/Population[1]/Subpopulations[1]/Population[1]", "\(error.path)")
        #expect(error.message.hasSuffix("of at most 4096 bytes, found 4097"), "\(error.message)")
    }

    @Test("a boolean imported before an operand elsewhere in the tree is skipped is dropped too, with what sits under it (fuzzing)")
    func booleanBeforeSkippedOperand() throws {
        func point(_ x: Double, _ y: Double) -> String {
            #"<gating:vertex><gating:coordinate data-type:value="\#(x)"/><gating:coordinate data-type:value="\#(y)"/></gating:vertex>"#
        }
        // An ellipse on channels without a transform: FlowStudy cannot place its display-space points, so it is skipped.
        let blob = F.Node(name: "blob", owner: "G", body: #"<gating:EllipsoidGate eventsInside="1" gating:distance="1">"# + F.dimension("A") + F.dimension("B")
                          + "<gating:foci>" + point(3, 5) + point(7, 5) + "</gating:foci><gating:edge>" + point(1, 5) + point(9, 5) + point(5, 7) + point(5, 3)
                          + "</gating:edge></gating:EllipsoidGate>")
        // "either" (under "first") comes before "second/blob" in tree order and names it. Under it, a rectangle and a
        // complement (eventsInside="0": imported as a helper population and its NOT).
        var outside = F.rectangle("outside", [("A", 0, 2)])
        outside.body = outside.body.replacingOccurrences(of: #"eventsInside="1""#, with: #"eventsInside="0""#)
        let either = F.boolean("OrNode", "either", ["first/x", "second/blob"], children: [F.rectangle("under", [("A", 0, 1)]), outside])
        let xml = Self.one([F.rectangle("first", [("A", 0, 5)], children: [F.rectangle("x", [("A", 1, 2)]), either]),
                            F.rectangle("second", [("A", 5, 9)], children: [blob])])
        let imported = try F.read(xml).template(group: "G")
        #expect(imported.template.strategy.populations.map(\.id) == ["first", "second", "x"])  // level by level, parents first
        #expect(imported.paths.keys.sorted() == ["first", "second", "x"])
        let dropped = imported.warnings.filter { $0.contains("which is not imported; skipped") }
        // Each warning starts with its node's XML path; then what depends on what, level by level.
        let orNode = Self.topPath + "/Population[1]/Subpopulations[1]/OrNode[1]"
        #expect(dropped == [orNode + ": 'first/either' depends on 'second/blob', which is not imported; skipped",
                            orNode + "/Subpopulations[1]/Population[1]: 'first/either/under' depends on 'first/either', which is not imported; skipped",
                            orNode + "/Subpopulations[1]/Population[2]: 'outside (inside)' depends on 'first/either', which is not imported; skipped",
                            orNode + "/Subpopulations[1]/Population[2]: 'first/either/outside' depends on 'first/either', which is not imported; skipped"],
                "\(imported.warnings)")
        // What is imported reads back as a template.
        #expect(throws: Never.self) { try TemplateReader.read(TemplateWriter.json(imported.template), name: "t.json") }
    }

    @Test("an unknown gate type is refused at its element")
    func unknownGate() throws {
        let curly = F.Node(name: "q", owner: "G", body: #"<gating:CurlyQuad eventsInside="1"/>"#)
        let error = try #require(Self.error(Self.one([curly])))
        #expect(error.path == Self.topPath + "/Population[1]/Gate[1]/CurlyQuad[1]")
        #expect(error.message.contains("CurlyQuad"))
    }

    @Test("an unknown gate element with a long name and many dimensions is refused at once, its name cut in the path")
    func longUnknownGate() throws {
        let name = "Q" + String(repeating: "x", count: 200)
        let dimensions = String(repeating: #"<gating:dimension><data-type:fcs-dimension data-type:name="A"/></gating:dimension>"#, count: 1_000)
        let error = try #require(Self.error(Self.one([F.Node(name: "q", owner: "G", body: "<gating:\(name)>\(dimensions)</gating:\(name)>")])))
        let shown = "Q" + String(repeating: "x", count: 63) + "…"
        #expect(error.path == Self.topPath + "/Population[1]/Gate[1]/\(shown)[1]", "\(error.path)")
        #expect(error.message == "expected RectangleGate, PolygonGate or EllipsoidGate, found '\(shown)' (not supported)")
    }

    @Test("a polygon whose vertices lie on one line in the transforms' units is refused at its population; on a log axis the same raw points enclose an area")
    func flatPolygon() throws {
        let diagonal: [[Double]] = [[10, 10], [100, 100], [1000, 1000]]
        let error = try #require(Self.error(Self.one([F.polygon("flat", "A", "B", diagonal)])))
        #expect(error.path == Self.topPath + "/Population[1]")
        #expect(error.message == FlowJoWorkspace.flatPolygon)
        // FlowJo draws A on a 4-decade log: log10(x)/4 puts the points at 0.25, 0.5, 0.75 against B = 10, 100, 1000,
        // which bends the line (slopes 360 and 3600), so the gate encloses an area and is imported.
        let log = #"<transforms:log transforms:offset="1" transforms:decades="4"><data-type:parameter data-type:name="A"/></transforms:log>"#
        let xml = F.workspace(groups: [("G", ["1"])], samples: [
            F.sample(id: "1", name: "a.fcs", count: 10, channels: Self.channels, transforms: log, nodes: [F.polygon("bent", "A", "B", diagonal)])])
        let imported = try F.read(xml).template(group: "G")
        guard case .polygon(let polygon)? = imported.template.strategy.populations.first?.gate else {
            Issue.record("expected the polygon imported")
            return
        }
        #expect(polygon.vertices.map { $0[0] } == [0.25, 0.5, 0.75] && polygon.vertices.map { $0[1] } == [10, 100, 1000], "\(polygon.vertices)")
    }

    @Test("a polygon that a transform sends to infinity (a logicle M of 4.2e8) is refused at its population (fuzzing)")
    func infiniteVertices() throws {
        // Logicle's top decade is 10^M: with M = 4.2e8 the transform overflows, and the raw vertices on B land at
        // ±inf, which a template cannot hold (the import wrote "-Inf" into JSON that did not read back).
        func logicle(_ m: String) -> String {
            #"<transforms:logicle transforms:T="262144" transforms:W="0.5" transforms:M="\#(m)" transforms:A="0"><data-type:parameter data-type:name="B"/></transforms:logicle>"#
        }
        let vertices: [[Double]] = [[0, -110.87], [500, -9.93], [500, 93080.76], [0, 33093.15]]
        func xml(_ m: String) -> String {
            F.workspace(groups: [("G", ["1"])], samples: [
                F.sample(id: "1", name: "a.fcs", count: 10, channels: Self.channels, transforms: logicle(m), nodes: [F.polygon("core", "A", "B", vertices)])])
        }
        let error = try #require(Self.error(xml("422222222.5")))
        #expect(error.path == Self.topPath + "/Population[1]")
        #expect(error.message.hasPrefix("expected gate coordinates that are finite in the channel transforms' units, found ") && error.message.contains("on 'B'"), "\(error.message)")
        // The usual M = 4.5 imports the same polygon, every vertex finite.
        let imported = try F.read(xml("4.5")).template(group: "G")
        guard case .polygon(let polygon)? = imported.template.strategy.populations.first?.gate else {
            Issue.record("expected the polygon imported")
            return
        }
        #expect(polygon.vertices.allSatisfy { $0.allSatisfy(\.isFinite) } && polygon.vertices.map { $0[0] } == [0, 500, 500, 0])
    }

    @Test("a matrix reference whose transforms:id is not in /Workspace/Matrices")
    func missingMatrix() throws {
        let reference = #"<transforms:spilloverMatrix prefix="Comp-" name="MyComp" suffix="" transforms:id="gone"/>"#
        let error = try #require(Self.error(Self.one([], matrix: reference)))
        #expect(error.path == Self.samplePath + "/spilloverMatrix[1]")
        #expect(error.message.contains("'gone'"))
    }

    @Test("a boolean Dependent naming no population")
    func missingDependent() throws {
        let error = try #require(Self.error(Self.one([F.rectangle("r", [("A", 0, 50)]), F.boolean("AndNode", "x", ["r", "nowhere"])])))
        #expect(error.path == Self.topPath + "/AndNode[1]")
        #expect(error.message.contains("nowhere"))
    }

    @Test("a gating:parent_id that is not the enclosing population's gate")
    func wrongParent() throws {
        var child = F.rectangle("c", [("A", 0, 50)])
        child.body = child.body.replacingOccurrences(of: "<gating:RectangleGate ", with: #"<gating:RectangleGate gating:parent_id="ID999" "#)
        let error = try #require(Self.error(Self.one([F.rectangle("p", [("A", 0, 90)], children: [child])])))
        #expect(error.path == Self.topPath + "/Population[1]/Subpopulations[1]/Population[1]/Gate[1]/RectangleGate[1]")
        #expect(error.message.contains("ID1001") && error.message.contains("ID999"), "\(error)")
    }

    @Test("boolean dependents in a cycle, and a boolean node depending on its own child")
    func cycles() throws {
        let loop = try #require(Self.error(Self.one([F.boolean("OrNode", "x", ["y", "y"]), F.boolean("NotNode", "y", ["x"])])))
        #expect(loop.path == Self.topPath + "/OrNode[1]")
        #expect(loop.message.contains("x → y → x"), "\(loop)")
        let own = try #require(Self.error(Self.one([F.rectangle("r", [("A", 0, 50)]),
                                                    F.boolean("NotNode", "n", ["n/c"], children: [F.rectangle("c", [("A", 0, 20)])])])))
        #expect(own.message.contains("cycle"), "\(own)")
    }

    @Test("a derived parameter and a gate on something that is not a parameter are listed with their XML path and skipped")
    func derivedAndKeywordGates() throws {
        let derived = #"<DerivedParameters><DerivedParameter name="ratio A/B" type="Ratio"/></DerivedParameters>"#
        let xml = Self.one([F.rectangle("keep", [("A", 0, 50)]),
                            F.rectangle("onRatio", [("ratio A/B", 0, 1)], children: [F.rectangle("under", [("A", 0, 20)])]),
                            F.rectangle("onKeyword", [("$BTIM", 0, 100)]),
                            F.boolean("OrNode", "mixed", ["keep", "onRatio"])], extra: derived)
        let imported = try F.read(xml).template(group: "G")
        #expect(imported.paths.values.sorted() == ["keep"])
        let warnings = imported.warnings.joined(separator: "\n")
        #expect(warnings.contains(Self.samplePath + "/DerivedParameters[1]/DerivedParameter[1]: derived parameter 'ratio A/B'"), "\(warnings)")
        #expect(warnings.contains(Self.topPath + "/Population[2]: 'onRatio' gates derived parameter 'ratio A/B'"))
        #expect(warnings.contains(Self.topPath + "/Population[2]/Subpopulations[1]/Population[1]: 'onRatio/under' is skipped with its parent"))
        #expect(warnings.contains(Self.topPath + "/Population[3]: 'onKeyword' gates '$BTIM', which is not a parameter"))
        #expect(warnings.contains(Self.topPath + "/OrNode[1]: 'mixed' depends on 'onRatio', which is not imported"))
    }

    @Test("a chain of 5,000 boolean dependents is checked without deep recursion; more populations than the limit are refused")
    func largeWorkspaces() throws {
        let chain = (0..<5_000).map { F.boolean("NotNode", "n\($0)", ["n\($0 + 1)"]) } + [F.rectangle("n5000", [("A", 0, 50)])]
        let imported = try F.read(Self.one(chain)).template(group: "G")
        #expect(imported.template.strategy.populations.count == 5_001)
        let looped = (0..<5_000).map { F.boolean("NotNode", "n\($0)", ["n\(($0 + 1) % 5_000)"]) }
        #expect(Self.error(Self.one(looped))?.message.contains("cycle") == true)
        let many = (0...StructuralLimits.populations).map { F.rectangle("r\($0)", [("A", 0, 50)]) }
        let error = try #require(Self.error(Self.one(many)))
        #expect(error.path == Self.topPath + "/Population[\(StructuralLimits.populations + 1)]", "\(error)")
    }

    @Test("two spillover matrices in one sample are refused (FlowJo applies one)")
    func twoMatrices() throws {
        let m = F.matrix(name: "M", detectors: ["A", "B"], rows: [[1, 0], [0, 1]])
        let error = try #require(Self.error(Self.one([], matrix: m + m)))
        #expect(error.path == Self.samplePath + "/spilloverMatrix[2]")
    }
}
