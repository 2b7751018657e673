import Foundation
import Testing
import TestSupport
import FCS
import Compensation
import Transforms
@testable import Gating

/// `FlowJoWorkspaceWriter`: export → import is the identity on the template; without the carried template the
/// workspace's own gates give the same counts; FlowJo's ellipse form checked by hand; what FlowJo cannot hold refused.
@Suite("FlowJo workspace export")
struct FlowJoExportTests {
    typealias F = FlowJoFixtures

    static func files(_ samples: [Sample]) -> [FlowJoWorkspaceWriter.SampleFile] {
        samples.map { .init(name: ($0.file as NSString).lastPathComponent, uri: "file:///data/" + ($0.file as NSString).lastPathComponent, sample: $0) }
    }

    /// The workspace with the carried template removed: what another tool (or FlowJo, after an edit) leaves.
    static func withoutCarried(_ xml: String) -> String {
        xml.replacingOccurrences(of: #"<Keyword name="FLOWSTUDY_TEMPLATE" value="[^"]*"/>"#, with: "", options: .regularExpression)
    }

    static func counts(_ template: GatingTemplate, _ sample: Sample) throws -> [String: Int] {
        let result = try GatingEngine.evaluate(try template.strategy(for: sample), on: sample)
        return Dictionary(uniqueKeysWithValues: result.ids.map { ($0, result.count($0)) })
    }

    static let mdmSamples = ["mdm_untreated_seed1.fcs", "mdm_fmo_CD206_seed2.fcs"].map {
        SharedData.repositoryRoot.appendingPathComponent("fcs-samples/\($0)").path
    }

    @Test("the study template over FlowStudy's two sample tubes: export → import gives the template back exactly")
    func mdmRoundTrip() throws {
        let template = try MDMTemplateTests.template()
        let samples = try Self.mdmSamples.map { try FCSFile.readSample($0) }
        let written = try FlowJoWorkspaceWriter.document(template, samples: Self.files(samples), group: "Study", file: "mdm.json")
        #expect(written.notes.first?.contains("readouts and their thresholds (6), min_events (100)") == true, "\(written.notes)")
        let workspace = try F.read(written.xml)
        #expect(workspace.samples.map(\.name) == ["mdm_untreated_seed1.fcs", "mdm_fmo_CD206_seed2.fcs"])
        #expect(workspace.samples.map(\.eventCount) == samples.map(\.eventCount))
        #expect(workspace.samples.allSatisfy { $0.matrix?.name == "Acquisition-defined" && $0.uri?.hasPrefix("file:///data/mdm_") == true })
        // The file's own matrix, as its $SPILLOVER keyword holds it.
        let spill = try #require(try samples[0].spillover())
        #expect(workspace.samples[0].matrix?.spillover.coefficients == spill.matrix)
        for group in ["Study", nil] as [String?] {
            let imported = try workspace.template(group: group, sample: group == nil ? "mdm_untreated_seed1.fcs" : nil)
            #expect(imported.warnings.isEmpty, "\(imported.warnings)")
            #expect(TemplateWriter.json(imported.template) == TemplateWriter.json(template))
            #expect(imported.paths["CD206+"] == "cells/singlets/live/macrophages/CD206+")
        }
        // Without the carried template the workspace's own gates (raw bounds, Comp- channels) count the same events.
        let bare = try F.read(Self.withoutCarried(written.xml)).template(group: "Study")
        #expect(bare.template.compensation == .file(allowMissing: false))
        for sample in samples {
            let ours = try Self.counts(template, sample)
            let theirs = try Self.counts(bare.template, sample)
            #expect(ours == theirs)
            #expect(ours["macrophages"].map { $0 > 5_000 } == true)
        }
    }

    /// Every construct on the compensation events of FlowJoConstructTests: A = 100·i, B = 50·i + 1000 (even i).
    static func constructs() throws -> GatingTemplate {
        let lin = ScaleTransform.linear(try LinearTransform(T: 1000, A: 0))
        let matrix = try SpilloverMatrix(fluorochromes: ["A", "B"], detectors: ["A", "B"], coefficients: [[1, 0.5], [0, 1]], source: "hand")
        let a = GateDimension(channel: "A"), bComp = GateDimension(channel: "B", compensation: .matrix("M"))
        let aLin = GateDimension(channel: "A", transform: "lin"), bLin = GateDimension(channel: "B", compensation: .matrix("M"), transform: "lin")
        let populations = [
            Population(id: "all", parent: nil, gate: .rectangle(RectangleGate(dimensions: [a], minimum: [-1], maximum: [nil]))),
            Population(id: "Bpos", parent: "all", gate: .rectangle(RectangleGate(dimensions: [bLin], minimum: [0.2], maximum: [nil]))),
            Population(id: "tri", parent: "all", gate: .polygon(PolygonGate(dimensions: [aLin, bLin], vertices: [[-0.05, -0.05], [0.45, -0.05], [-0.05, 1.5]]))),
            // Centre (0.4, 1), a = 0.45 along A, b = 0.3 along B (lin units): (A/1000 − 0.4)²/0.2025 + (B/1000 − 1)²/0.09 ≤ 1
            // keeps the even i with |0.1·i − 0.4| ≤ 0.45: i = 0, 2, 4, 6, 8 (5 events); odd i (B = 0) are 11 units out.
            Population(id: "oval", parent: "all", gate: .ellipsoid(EllipsoidGate(dimensions: [aLin, bLin], mean: [0.4, 1], covariance: [[0.2025, 0], [0, 0.09]], distanceSquare: 1))),
            Population(id: "quads", parent: "all", gate: .quadrant(QuadrantGate(
                dividers: [.init(id: "dA", dimension: a, cuts: [450]), .init(id: "dB", dimension: bComp, cuts: [500])],
                quadrants: [.init(id: "lowA-", positions: ["dA": 0, "dB": 0]), .init(id: "lowA+", positions: ["dA": 0, "dB": 1000]),
                            .init(id: "highA-", positions: ["dA": 900, "dB": 0]), .init(id: "highA+", positions: ["dA": 900, "dB": 1000])]))),
            Population(id: "both", parent: "all", gate: .boolean(BooleanGate(operation: .and, operands: [.init(reference: "Bpos"), .init(reference: "tri")]))),
            Population(id: "any", parent: "all", gate: .boolean(BooleanGate(operation: .or, operands: [.init(reference: "lowA+"), .init(reference: "highA-")]))),
            Population(id: "notB", parent: "all", gate: .boolean(BooleanGate(operation: .not, operands: [.init(reference: "Bpos")]))),
            Population(id: "deep", parent: "Bpos", gate: .rectangle(RectangleGate(dimensions: [aLin], minimum: [0.25], maximum: [0.85]))),
        ]
        let strategy = GatingStrategy(populations: populations, transforms: ["lin": lin], matrices: ["M": matrix], allowMissingFileMatrix: false)
        return GatingTemplate(name: "constructs", compensation: .matrix("M"), strategy: strategy, transformOrder: ["lin"], minEvents: 3)
    }

    @Test("rectangles, a polygon, an ellipse, a quadrant and boolean nodes on a custom matrix: identity, and the bare workspace's counts by hand")
    func constructsRoundTrip() throws {
        let template = try Self.constructs()
        let sample = FlowJoConstructTests.spill
        let written = try FlowJoWorkspaceWriter.document(template, samples: Self.files([sample]), group: "G", file: "constructs.json")
        let workspace = try F.read(written.xml)
        let imported = try workspace.template(group: "G")
        #expect(imported.warnings.isEmpty, "\(imported.warnings)")
        #expect(TemplateWriter.json(imported.template) == TemplateWriter.json(template))

        // The workspace's own gates (quadrants as 4 half-open rectangles, the ellipse as FlowKit's 128-gon).
        let bare = try F.read(Self.withoutCarried(written.xml)).template(group: "G")
        #expect(bare.warnings.isEmpty, "\(bare.warnings)")
        #expect(bare.template.compensation == .matrix("M"))
        #expect(bare.template.strategy.matrices["M"]?.coefficients == [[1, 0.5], [0, 1]])
        var byPath: [String: Int] = [:]
        let result = try GatingEngine.evaluate(try bare.template.strategy(for: sample), on: sample)
        for (id, path) in bare.paths { byPath[path] = result.count(id) }
        // Compensated B = 1000 (even i) or 0; A = 100·i.
        // Bpos: B_comp ≥ 200 → even i (5). tri (lin units x = A/1000, y = B_comp/1000): its edge from (0.45, −0.05) to
        // (−0.05, 1.5) is x = 0.45 − 0.5·(y + 0.05)/1.55; at y = 0: x < 0.4339 → odd i ≤ 3 (1, 3);
        // at y = 1: x < 0.1436 → even i ≤ 1 (0): tri = {0, 1, 3} (3). both = Bpos ∧ tri = {0} (1).
        // Quadrants on A (cut 450) and B_comp (cut 500): lowA- = odd i ≤ 4 {1, 3}, lowA+ = even i ≤ 4 {0, 2, 4},
        // highA- = odd i ≥ 5 {5, 7, 9}, highA+ = even i ≥ 5 {6, 8}. any = lowA+ ∨ highA- (6). notB = odd (5).
        // deep: within Bpos, 0.25 ≤ A/1000 < 0.85 → i = 4, 6, 8 (3).
        let expected = ["all": 10, "all/Bpos": 5, "all/tri": 3, "all/oval": 5, "all/lowA-": 2, "all/lowA+": 3, "all/highA-": 3,
                        "all/highA+": 2, "all/both": 1, "all/any": 6, "all/notB": 5, "all/Bpos/deep": 3]
        #expect(byPath == expected)
        // The template itself counts the same events (its quadrants and exact ellipse included).
        let ours = try Self.counts(template, sample)
        for (path, count) in expected { #expect(ours[String(path.split(separator: "/").last ?? "")] == count, "\(path)") }
    }

    @Test("FlowKit reads every construct of the export (boolean nodes, ellipse, quadrant rectangles, custom matrix) with the counts worked out by hand",
          .enabled(if: pythonWith(["flowkit"]) != nil, "no Python with flowkit (.ci/run installs it in .venv): FlowKit cross-check skipped"))
    func flowKitReadsConstructs() throws {
        let python = try #require(pythonWith(["flowkit"]))
        let folder = try TemporaryDirectory()
        var sample = FlowJoConstructTests.spill
        sample.file = folder.path("spill.fcs")
        try FCSWriter().write(sample, to: sample.file)
        let written = try FlowJoWorkspaceWriter.document(try Self.constructs(), samples: Self.files([sample]), group: "G", file: "constructs.json")
        try written.xml.write(toFile: folder.path("c.wsp"), atomically: true, encoding: .utf8)
        let script = """
        import sys, json, warnings
        warnings.simplefilter("ignore")
        import flowkit as fk
        w = fk.Workspace(sys.argv[1], fcs_samples=sys.argv[2])
        w.analyze_samples(group_name="G", use_mp=False)
        report = w.get_gating_results("spill.fcs").report
        print(json.dumps({"/".join(list(row["gate_path"])[1:] + [row["gate_name"]]): int(row["count"]) for _, row in report.iterrows()}))
        """
        let result = run(python, ["-c", script, folder.path("c.wsp"), sample.file])
        #expect(result.status == 0, "\(result.stderr)")
        let counts = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Int])
        // The counts of constructsRoundTrip, by hand.
        #expect(counts == ["all": 10, "all/Bpos": 5, "all/tri": 3, "all/oval": 5, "all/lowA-": 2, "all/lowA+": 3, "all/highA-": 3,
                           "all/highA+": 2, "all/both": 1, "all/any": 6, "all/notB": 5, "all/Bpos/deep": 3])
    }

    @Test("a $PnN with '/' is written as FlowJo's label ('FITC_GFP-A'), and FlowKit and the import read it back",
          .enabled(if: pythonWith(["flowkit"]) != nil, "no Python with flowkit (.ci/run installs it in .venv): FlowKit cross-check skipped"))
    func slashChannel() throws {
        let python = try #require(pythonWith(["flowkit"]))
        let folder = try TemporaryDirectory()
        let ten = (0..<10).map(Double.init)
        var sample = F.events([("A", nil, ten.map { 100 * $0 }), ("FITC/GFP-A", nil, ten.map { 50 * $0 + (Int($0) % 2 == 0 ? 1000 : 0) })],
                              file: folder.path("gfp.fcs"))
        sample.file = folder.path("gfp.fcs")
        try FCSWriter().write(sample, to: sample.file)
        let matrix = try SpilloverMatrix(fluorochromes: ["A", "FITC/GFP-A"], detectors: ["A", "FITC/GFP-A"], coefficients: [[1, 0.5], [0, 1]], source: "hand")
        let gate = Gate.rectangle(RectangleGate(dimensions: [GateDimension(channel: "FITC/GFP-A", compensation: .matrix("M"))], minimum: [200], maximum: [nil]))
        let template = GatingTemplate(compensation: .matrix("M"), strategy: GatingStrategy(populations: [Population(id: "comp", parent: nil, gate: gate)],
                                                                                           matrices: ["M": matrix], allowMissingFileMatrix: false))
        let written = try FlowJoWorkspaceWriter.document(template, samples: Self.files([sample]), group: "G", file: "t.json")
        #expect(written.xml.contains(#"data-type:name="Comp-FITC_GFP-A""#) && !written.xml.contains(#"data-type:name="Comp-FITC/GFP-A""#))
        try written.xml.write(toFile: folder.path("gfp.wsp"), atomically: true, encoding: .utf8)
        let bare = try F.read(Self.withoutCarried(written.xml)).template(group: "G")
        #expect(bare.template.strategy.populations[0].gate == gate)
        let script = """
        import sys, json, warnings
        warnings.simplefilter("ignore")
        import flowkit as fk
        w = fk.Workspace(sys.argv[1], fcs_samples=sys.argv[2])
        w.analyze_samples(group_name="G", use_mp=False)
        print(int(w.get_gating_results("gfp.fcs").get_gate_count("comp")))
        """
        let result = run(python, ["-c", script, folder.path("gfp.wsp"), sample.file])
        #expect(result.status == 0, "\(result.stderr)")
        // Compensated FITC/GFP-A ≥ 200 on the 5 even events.
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "5")
    }

    @Test("FlowJo's ellipse form by hand: foci at ±√(a² − b²) on the major axis, edges at the axis ends, display units = 256 × lin units")
    func ellipseForm() throws {
        let template = try Self.constructs()
        let written = try FlowJoWorkspaceWriter.document(template, samples: Self.files([FlowJoConstructTests.spill]), group: "G", file: "c.json")
        let node = try #require(try F.read(written.xml).samples[0].nodes.first { $0.name == "oval" })
        guard case .ellipse(let foci, let edges, let distance) = node.gate else { Issue.record("expected an EllipsoidGate"); return }
        // a = √0.2025 = 0.45 (along A), b = 0.3, f = √(0.2025 − 0.09) = 0.33541; centre (0.4, 1) × 256 = (102.4, 256).
        let f = (0.2025 - 0.09).squareRoot() * 256
        let close = { (x: [[Double]], y: [[Double]]) in zip(x, y).allSatisfy { zip($0, $1).allSatisfy { abs($0 - $1) < 1e-9 } } }
        #expect(close(foci, [[102.4 + f, 256], [102.4 - f, 256]]), "\(foci)")
        #expect(close(edges, [[102.4 + 115.2, 256], [102.4 - 115.2, 256], [102.4, 256 + 76.8], [102.4, 256 - 76.8]]), "\(edges)")
        #expect(abs(distance - 2 * 115.2) < 1e-9)
        #expect(node.dimensions == ["A", "Comp-B"])
        // Read back as FlowKit does (128 vertices), every vertex lies on the original ellipse.
        let polygon = try #require(FlowJoWorkspace.ellipsePolygon(foci: foci, edges: edges, ranges: [1, 1]))
        #expect(polygon.count == 128)
        for v in polygon { #expect(abs(pow(v[0] - 0.4, 2) / 0.2025 + pow(v[1] - 1, 2) / 0.09 - 1) < 1e-9) }
    }

    @Test("a gate edited in FlowJo wins over the carried template, with a warning")
    func editedWorkspace() throws {
        let template = try Self.constructs()
        let written = try FlowJoWorkspaceWriter.document(template, samples: Self.files([FlowJoConstructTests.spill]), group: "G", file: "c.json")
        // deep's upper bound moved from 850 to 650 (raw units): i = 4, 6 remain.
        let edited = written.xml.replacingOccurrences(of: #"gating:max="850""#, with: #"gating:max="650""#)
        #expect(edited != written.xml)
        let imported = try F.read(edited).template(group: "G")
        #expect(imported.warnings.contains { $0.contains("differ from the FlowStudy template it carries") }, "\(imported.warnings)")
        let result = try GatingEngine.evaluate(try imported.template.strategy(for: FlowJoConstructTests.spill), on: FlowJoConstructTests.spill)
        #expect(result.count(try #require(imported.id(forPath: "all/Bpos/deep"))) == 2)
        #expect(imported.template.readouts.isEmpty && imported.template.minEvents == 100)
    }

    @Test("a file without a spillover keyword: refused when the template needs one, its compensated gates written bare when missing is allowed")
    func missingSpillover() throws {
        var lines = FlowJoConstructTests.lines
        lines.file = "lines.fcs"
        let gate = Gate.rectangle(RectangleGate(dimensions: [GateDimension(channel: "B", compensation: .file)], minimum: [nil], maximum: [45]))
        func template(allowMissing: Bool) -> GatingTemplate {
            GatingTemplate(compensation: .file(allowMissing: allowMissing),
                           strategy: GatingStrategy(populations: [Population(id: "lowB", parent: nil, gate: gate)], allowMissingFileMatrix: allowMissing))
        }
        #expect(throws: FlowJoError.self) { try FlowJoWorkspaceWriter.document(template(allowMissing: false), samples: Self.files([lines]), file: "t.json") }
        let written = try FlowJoWorkspaceWriter.document(template(allowMissing: true), samples: Self.files([lines]), file: "t.json")
        let workspace = try F.read(written.xml)
        #expect(workspace.samples[0].matrix == nil)
        #expect(workspace.samples[0].nodes.map(\.dimensions) == [["B"]])
        // Carried back as it was: the template with its allowed-missing compensation.
        let imported = try workspace.template(group: "FlowStudy")
        #expect(TemplateWriter.json(imported.template) == TemplateWriter.json(template(allowMissing: true)))
    }

    @Test("two samples whose FCS files share a name are refused: FlowJo tells samples apart by file name")
    func duplicateFileNames() throws {
        let template = GatingTemplate(compensation: .none, strategy: GatingStrategy(populations: [
            Population(id: "all", parent: nil, gate: .rectangle(RectangleGate(dimensions: [GateDimension(channel: "B")], minimum: [nil], maximum: [45])))]))
        var first = FlowJoConstructTests.lines, second = FlowJoConstructTests.lines
        first.file = "/run1/tube.fcs"
        second.file = "/run2/tube.fcs"
        #expect {
            try FlowJoWorkspaceWriter.document(template, samples: Self.files([first, second]), file: "t.json")
        } throws: { error in
            (error as? FlowJoError)?.description.contains("found 'tube.fcs' twice") == true
        }
    }

    @Test("an FCS 2.0 $DFC matrix is written for the detectors the file records, named by $PnN, and the counts come back")
    func dfcMatrix() throws {
        // FL1 INT LOG and FL2 INT LOG recorded; the matrix also numbers FL3, which the file lacks.
        var keywords = Keywords()
        for (key, value) in [("$DFC1TO2", "10"), ("$DFC2TO1", "5"), ("$DFC1TO3", "1")] { _ = keywords.set(key, value) }
        let names = ["FS INT LIN", "FL1 INT LOG", "FL2 INT LOG"]
        let fl1: [Float] = [100, 200, 300, 400], fl2: [Float] = [20, 30, 45, 90]
        let sample = Sample(file: "navios.lmd", keywords: keywords,
                            parameters: names.enumerated().map { Parameter(index: $0 + 1, name: $1, bits: 32, rangeText: "1024") },
                            columns: [ChannelValues([Float](repeating: 500, count: 4)), ChannelValues(fl1), ChannelValues(fl2)])
        let gate = Gate.rectangle(RectangleGate(dimensions: [GateDimension(channel: "FL2 INT LOG", compensation: .file)], minimum: [nil], maximum: [40]))
        let template = GatingTemplate(compensation: .file(allowMissing: false),
                                      strategy: GatingStrategy(populations: [Population(id: "lowFL2", parent: nil, gate: gate)]))
        let written = try FlowJoWorkspaceWriter.document(template, samples: Self.files([sample]), file: "t.json")
        let workspace = try F.read(Self.withoutCarried(written.xml))
        let matrix = try #require(workspace.samples[0].matrix)
        #expect(matrix.name == "Acquisition-defined")
        #expect(matrix.spillover.detectors == ["FL1 INT LOG", "FL2 INT LOG"])
        #expect(matrix.spillover.coefficients == [[1, 0.1], [0.05, 1]])
        // Compensated FL2 by hand: solve [c1 c2] · [[1, 0.1], [0.05, 1]] = [fl1 fl2] → c2 = (fl2 − 0.1·fl1) / (1 − 0.005).
        let expected = zip(fl1, fl2).filter { (Double($1) - 0.1 * Double($0)) / 0.995 <= 40 }.count
        #expect(expected == 3)
        let imported = try workspace.template(group: "FlowStudy")
        #expect(try Self.counts(imported.template, sample)["lowFL2"] == expected)
        #expect(try Self.counts(template, sample)["lowFL2"] == expected)
        // A $DFC matrix none of whose detectors the file records: the error says so, not "found none".
        var unrecorded = sample
        unrecorded.parameters = unrecorded.parameters.map { var p = $0; p.name = p.name.replacing("FL", with: "Channel "); return p }
        let renamed = GatingTemplate(compensation: .file(allowMissing: false), strategy: GatingStrategy(populations: [Population(id: "lowFL2", parent: nil,
            gate: .rectangle(RectangleGate(dimensions: [GateDimension(channel: "Channel 2 INT LOG", compensation: .file)], minimum: [nil], maximum: [40])))]))
        #expect {
            try FlowJoWorkspaceWriter.document(renamed, samples: Self.files([unrecorded]), file: "t.json")
        } throws: { error in
            (error as? FlowJoError)?.description.contains("found a $DFC matrix none of whose detectors (FL1, FL2…) the file records") == true
        }
    }

    @Test("what FlowJo cannot hold is refused with the population: a ratio, a complemented operand, two transforms on one polygon channel")
    func refusals() throws {
        let sample = FlowJoConstructTests.spill
        func refusal(_ populations: [Population], transforms: [String: ScaleTransform] = [:]) -> FlowJoError? {
            let template = GatingTemplate(compensation: .none, strategy: GatingStrategy(populations: populations, transforms: transforms))
            do { _ = try FlowJoWorkspaceWriter.document(template, samples: Self.files([sample]), file: "t.json"); return nil } catch { return error as? FlowJoError }
        }
        let r = Population(id: "r", parent: nil, gate: .rectangle(RectangleGate(dimensions: [GateDimension(channel: "A")], minimum: [0], maximum: [nil])))
        let ratio = refusal([Population(id: "q", parent: nil, gate: .rectangle(RectangleGate(dimensions: [GateDimension(ratio: "AB")], minimum: [0], maximum: [1])))],
                            transforms: ["AB": .ratio(RatioTransform(A: 1, B: 0, C: 0), numerator: "A", denominator: "B")])
        #expect(ratio?.path == "populations[0] (q)" && ratio?.message.contains("ratio") == true, "\(String(describing: ratio))")
        let complement = refusal([r, Population(id: "n", parent: nil, gate: .boolean(BooleanGate(operation: .and, operands: [.init(reference: "r", complement: true), .init(reference: "r")])))])
        #expect(complement?.path == "populations[1] (n)")
        let square = [[0.0, 0.0], [1, 0], [1, 1]]
        let two = refusal([Population(id: "p1", parent: nil, gate: .polygon(PolygonGate(dimensions: [GateDimension(channel: "A", transform: "t1"), GateDimension(channel: "B")], vertices: square))),
                           Population(id: "p2", parent: nil, gate: .polygon(PolygonGate(dimensions: [GateDimension(channel: "A"), GateDimension(channel: "B")], vertices: square)))],
                          transforms: ["t1": .logicle(try LogicleTransform(T: 262_144, W: 0.5, M: 4.5, A: 0))])
        #expect(two?.path == "populations[1] (p2)" && two?.message.contains("one transform per FlowJo channel") == true, "\(String(describing: two))")
        // A path the import would refuse (over 4,096 bytes): 4,001 + "/" + 95 = 4,097 bytes; 94 bytes fit.
        let long = Population(id: "P" + String(repeating: "x", count: 4_000), parent: nil, gate: r.gate)
        func child(_ length: Int) -> Population { Population(id: String(repeating: "c", count: length), parent: long.id, gate: r.gate) }
        #expect(refusal([long, child(94)]) == nil)
        let deep = refusal([long, child(95)])
        #expect(deep?.path == "populations[1] (\(child(95).id))" && deep?.message.hasSuffix("of at most 4096 bytes, found 4097") == true, "\(String(describing: deep))")
    }
}
