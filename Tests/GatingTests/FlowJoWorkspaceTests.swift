import Foundation
import Testing
import TestSupport
import FCS
import Tables
@testable import Gating

/// FlowJo 10 workspace import against `../shared/flowjo/cases`: FlowKit's counts (`expected/counts.csv`) exactly,
/// the parse-only 8-colour workspace against what it contains, and hostile or malformed workspaces refused.
@Suite("FlowJo workspace import")
struct FlowJoWorkspaceTests {
    static func casePath(_ name: String, _ file: String = "workspace.wsp") throws -> String {
        try #require(SharedData.url("flowjo/cases/\(name)/\(file)")).path
    }

    static func csv(_ path: String) throws -> CSVTable { try CSVTable(String(contentsOfFile: path, encoding: .utf8)) }

    @Test("every case with FCS files: counts equal FlowKit's expected/counts.csv exactly, and FlowJo's where saved",
          .needsShared, arguments: ["line_poly_rect", "line_ellipse", "diamond_quadrant", "diamond_biex_rect"])
    func countsMatchFlowKit(name: String) throws {
        let workspace = try FlowJoWorkspace.read(contentsOf: Self.casePath(name))
        let expected = try Self.csv(Self.casePath(name, "expected/counts.csv"))
        let flowJo = try Self.csv(Self.casePath(name, "expected/flowjo_counts.csv"))
        #expect(!expected.rows.isEmpty)
        for sampleName in Set(expected.rows.map { $0[0] }) {
            let imported = try workspace.template(sample: sampleName)
            #expect(imported.warnings.isEmpty, "\(imported.warnings)")
            let sample = try FCSFile.readSample(Self.casePath(name, sampleName))
            let result = try GatingEngine.evaluate(try imported.template.strategy(for: sample), on: sample)
            for row in expected.rows where row[0] == sampleName {
                let path = row[1] == "root" ? row[2] : String(row[1].dropFirst("root/".count)) + "/" + row[2]
                let id = try #require(imported.id(forPath: path), "no population for \(path)")
                #expect(result.count(id) == Int(row[3]), "\(name) \(path)")
            }
            for row in flowJo.rows where row[0] == sampleName && row[4] != "-1" {
                let path = row[1] == "root" ? row[2] : String(row[1].dropFirst("root/".count)) + "/" + row[2]
                let id = try #require(imported.id(forPath: path))
                #expect(result.count(id) == Int(row[4]), "\(name) \(path) against FlowJo")
            }
        }
    }

    @Test("the imported template writes as flowstudy-gating/1 JSON and reads back with the same populations", .needsShared)
    func roundTripsThroughJSON() throws {
        let imported = try FlowJoWorkspace.read(contentsOf: Self.casePath("ics8_comp_logicle_parse_only")).template(group: "DEN")
        let folder = try TemporaryDirectory()
        let path = folder.url.appendingPathComponent("t.json").path
        try AtomicFile.write(TemplateWriter.json(imported.template), to: path)
        let back = try TemplateReader.read(contentsOf: path)
        #expect(back.strategy.populations.map(\.id) == imported.template.strategy.populations.map(\.id))
        // FlowJo's Acquisition-defined matrix is each file's own spillover keyword.
        #expect(back.compensation == .file(allowMissing: false))
        #expect(back.strategy.matrices.isEmpty)
    }

    @Test("ics8 (parse only): gate tree, 8×8 Comp- matrix, transforms, groups and FlowJo counts", .needsShared)
    func parsesEightColour() throws {
        let workspace = try FlowJoWorkspace.read(contentsOf: Self.casePath("ics8_comp_logicle_parse_only"))
        #expect(workspace.groups.map(\.name) == ["All Samples", "Beads", "Compensation", "DEN"])
        #expect(workspace.group(named: "DEN")?.sampleIDs == ["1", "2", "3"])
        #expect(workspace.group(named: "Beads")?.sampleIDs == [])

        // samples.csv: id, name, FlowJo total, matrix name|prefix.
        let samples = try Self.csv(Self.casePath("ics8_comp_logicle_parse_only", "expected/samples.csv"))
        #expect(workspace.samples.map(\.name) == samples.rows.map { $0[1] })
        for row in samples.rows {
            let sample = try #require(workspace.sample(named: row[1]))
            #expect(sample.id == row[0])
            #expect(sample.eventCount == Int(row[2]))
            let matrix = try #require(sample.matrix)
            #expect("\(matrix.name)|prefix=\(matrix.prefix)|suffix=\(matrix.suffix)|spectral=0" == row[3])
        }

        // compensation.csv: the spillover in long form, as the workspace writes it.
        let compensation = try Self.csv(Self.casePath("ics8_comp_logicle_parse_only", "expected/compensation.csv"))
        let first = try #require(workspace.samples.first?.matrix)
        #expect(first.spillover.detectors.count == 8 && first.spillover.coefficients.count == 8)
        let header = compensation.header
        let sampleColumn = header.firstIndex(of: "sample")
        for row in compensation.rows where sampleColumn.map({ row[$0] == workspace.samples[0].name }) ?? true {
            let from = try #require(header.firstIndex(of: "from_detector")), to = try #require(header.firstIndex(of: "to_detector"))
            let value = try #require(header.firstIndex(of: "spillover"))
            let i = try #require(first.spillover.detectors.firstIndex(of: row[from])), j = try #require(first.spillover.detectors.firstIndex(of: row[to]))
            #expect(abs(first.spillover.coefficients[i][j] - (Double(row[value]) ?? .nan)) <= 1e-12)
        }

        // transforms.csv: class and parameters per channel, Comp- names included.
        let transforms = try Self.csv(Self.casePath("ics8_comp_logicle_parse_only", "expected/transforms.csv"))
        for row in transforms.rows {
            let sample = try #require(workspace.sample(named: row[0]))
            let transform = try #require(sample.transforms[row[1]], "no transform for \(row[1])")
            let params = Dictionary(uniqueKeysWithValues: row[3].split(separator: ";").map { pair in
                let parts = pair.split(separator: "=")
                return (String(parts[0]), Double(parts[1]) ?? .nan)
            })
            switch transform {
            case .logicle(let t):
                #expect(row[2] == "LogicleTransform")
                #expect([t.T, t.W, t.M, t.A] == [params["param_t"], params["param_w"], params["param_m"], params["param_a"]])
            case .linear(let t):
                #expect(row[2] == "LinearTransform")
                #expect([t.T, t.A] == [params["param_t"], params["param_a"]])
            default:
                Issue.record("unexpected transform for \(row[1])")
            }
        }

        // gates.csv: tree, types, compensated dimensions, vertex counts; flowjo_counts.csv: the saved counts.
        let gates = try Self.csv(Self.casePath("ics8_comp_logicle_parse_only", "expected/gates.csv"))
        let counts = try Self.csv(Self.casePath("ics8_comp_logicle_parse_only", "expected/flowjo_counts.csv"))
        for sample in workspace.samples {
            let rows = gates.rows.filter { $0[0] == sample.name }
            #expect(sample.nodes.map(\.path) == rows.map { ($0[1] == "root" ? "" : String($0[1].dropFirst("root/".count)) + "/") + $0[2] })
            for (node, row) in zip(sample.nodes, rows) {
                #expect(node.gateType == row[3])
                #expect(node.owningGroup == "DEN")
                let dimensions = row[4].components(separatedBy: " ; ").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
                #expect(node.dimensions.map { sample.matrix?.detector(of: $0) ?? $0 } == dimensions.map { $0[0] })
                #expect(node.dimensions.map { $0.hasPrefix("Comp-") } == dimensions.map { $0[1] == "comp=Acquisition-defined" })
                if case .polygon(let vertices) = node.gate { #expect("vertices=\(vertices.count)" == row[5]) }
                let saved = try #require(counts.rows.first { $0[0] == sample.name && $0[1] == row[1] && $0[2] == row[2] })
                #expect(node.count == Int(saved[4]))
            }
        }

        // The DEN template: Comp- channels become detectors compensated by each file's own matrix (FlowJo's
        // Acquisition-defined), on logicle.
        let imported = try workspace.template(group: "DEN")
        #expect(imported.warnings.isEmpty, "\(imported.warnings)")
        #expect(imported.template.strategy.populations.map(\.id) == ["Time", "Singlets", "aAmine-", "CD3+"])
        #expect(imported.template.strategy.populations.map(\.parent) == [nil, "Time", "Singlets", "aAmine-"])
        let cd3 = try #require(imported.template.strategy.populations.last)
        #expect(cd3.gate.dimensions.first == GateDimension(channel: "CD3 APC-H7 FLR-A", compensation: .file,
                                                           transform: "Comp-CD3 APC-H7 FLR-A"))
        guard case .logicle = imported.template.strategy.transforms["Comp-CD3 APC-H7 FLR-A"] else {
            Issue.record("expected a logicle transform on Comp-CD3 APC-H7 FLR-A"); return
        }
    }

    @Test("--group takes the group's gates; a group without samples or an unknown one is an error", .needsShared)
    func groupSelection() throws {
        let workspace = try FlowJoWorkspace.read(contentsOf: Self.casePath("line_poly_rect"))
        let mine = try workspace.template(group: "my_group")
        #expect(Set(mine.template.strategy.populations.map(\.id)) == ["poly1", "rect1"])
        let all = try workspace.template(group: "All Samples")
        #expect(all.template.strategy.populations.isEmpty)
        #expect(all.warnings.count == 2, "\(all.warnings)")
        #expect(all.warnings.allSatisfy { $0.contains("owned by group 'my_group'") })
        #expect(throws: FlowJoError.self) { try workspace.template(group: "nope") }
    }

    @Test("a DOCTYPE with an external entity is refused before parsing")
    func hostileWorkspaceRefused() throws {
        let xml = """
        <?xml version="1.0"?>
        <!DOCTYPE Workspace [<!ENTITY x SYSTEM "file:///etc/passwd">]>
        <Workspace><SampleList>&x;</SampleList></Workspace>
        """
        #expect(throws: FlowJoError.self) { try FlowJoWorkspace.read(Data(xml.utf8), name: "hostile.wsp") }
    }

    @Test("malformed workspaces give a FlowJoError with the XML path")
    func malformedWorkspaces() throws {
        func error(_ xml: String) -> FlowJoError? {
            do { _ = try FlowJoWorkspace.read(Data(xml.utf8), name: "bad.wsp"); return nil } catch { return error as? FlowJoError }
        }
        let sample = { (gate: String) in
            """
            <Workspace xmlns:gating="g" xmlns:data-type="d"><SampleList><Sample><SampleNode name="a.fcs" count="10" sampleID="1">
            <Subpopulations><Population name="P" count="3"><Gate>\(gate)</Gate></Population></Subpopulations>
            </SampleNode></Sample></SampleList></Workspace>
            """
        }
        let badNumber = error(sample("""
            <gating:RectangleGate><gating:dimension gating:min="abc"><data-type:fcs-dimension data-type:name="A"/></gating:dimension></gating:RectangleGate>
            """))
        #expect(badNumber?.path == "/Workspace/SampleList[1]/Sample[1]/SampleNode[1]/Subpopulations[1]/Population[1]/Gate[1]/RectangleGate[1]/dimension[1]")
        #expect(badNumber?.message.contains("abc") == true)
        let unknown = error(sample("<gating:CurlyQuadGate/>"))
        #expect(unknown?.path.hasSuffix("Population[1]/Gate[1]/CurlyQuadGate[1]") == true)
        let truncated = error("<Workspace><SampleList><Sample>")
        #expect(truncated != nil)
        #expect(truncated?.message.contains("well-formed") == true)
        let noCount = error("<Workspace><SampleList><Sample><SampleNode name=\"a\"/></Sample></SampleList></Workspace>")
        #expect(noCount?.path == "/Workspace/SampleList[1]/Sample[1]/SampleNode[1]")
    }

    @Test("a FlowJo name is matched to a $PnN first, then a $PnS, then FlowJo's label ('/' written '_'); the first parameter wins")
    func parameterNames() {
        let names = FlowJoWorkspace.ParameterNames([("FITC-A", "CD4"), ("PE/Cy7-A", "CD4"), ("CD4", "x"), ("APC-A", nil)])
        #expect(names.pnn("CD4") == "CD4")             // a $PnN, though FITC-A's $PnS is CD4 too
        #expect(names.pnn("x") == "CD4")               // CD4's $PnS
        #expect(names.pnn("PE_Cy7-A") == "PE/Cy7-A")   // FlowJo's label of PE/Cy7-A
        #expect(names.pnn("APC-A") == "APC-A" && names.pnn("CD8") == nil)
        let repeated = FlowJoWorkspace.ParameterNames([("A", "M"), ("B", "M")])
        #expect(repeated.pnn("M") == "A")
    }
}
