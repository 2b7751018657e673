import FCS
import Foundation
import Testing
import TestSupport
@testable import Gating

/// Every input the FlowJoWorkspace and Overrides libFuzzer harnesses (scripts/fuzz.sh) found to crash, hang, throw an
/// untyped error or break a promise, replayed through the harnesses' calls (Fuzz/FlowJoWorkspace/FlowJoFuzz.swift,
/// Fuzz/Overrides/Harness.swift): each must now end with an answer or a typed error, quickly, and what it read
/// must write back as itself.
@Suite("Fuzz regressions: FlowJo workspaces and overrides")
struct FlowJoFuzzRegressionTests {
    static func inputs(_ target: String) -> [URL] { FuzzRegressionTests.inputs(target) }

    /// Typed errors (FlowJoError, TemplateError) are answers; any other error fails the test.
    static func typed<T>(_ what: String, _ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch is FlowJoError {
        } catch is TemplateError {
        } catch {
            Issue.record("\(what): an error that is neither FlowJoError nor TemplateError: \(type(of: error)) \(error)")
        }
        return nil
    }

    /// The harness's calls: read, a template per way of choosing gates, JSON and overrides written back, export.
    static func replay(_ data: Data, _ name: String) throws {
        guard let workspace = typed(name, { try FlowJoWorkspace.read(data, name: name) }) else { return }
        let choices: [(group: String?, sample: String?)] = [(nil, nil)]
            + workspace.groups.prefix(3).map { ($0.name, nil) } + workspace.samples.prefix(3).map { (nil, $0.name) }
        for (group, sample) in choices {
            guard let imported = typed("\(name) group \(group ?? "-") sample \(sample ?? "-")", { try workspace.template(group: group, sample: sample) }) else { continue }
            let json = TemplateWriter.json(imported.template)
            let template = try TemplateReader.read(json, name: "imported.json", folder: "/nonexistent-flowstudy-fuzz")
            #expect(TemplateWriter.json(template) == json, "\(name)")
            if !imported.overrides.isEmpty {
                let back = try GateOverrides.read(GateOverrides.json(imported.overrides), name: "imported.overrides.json", template: template)
                #expect(back.overrides == imported.overrides.overrides, "\(name)")
            }
            let members = group.flatMap { g in workspace.group(named: g).map { found in workspace.samples.filter { found.sampleIDs.contains($0.id) } } }
                ?? workspace.samples.filter { sample == nil || $0.name == sample }
            var names: Set<String> = []
            let files = members.prefix(3).filter { names.insert($0.name).inserted }.map { entry in
                let parameters = entry.parameters.prefix(64).enumerated().map { Parameter(index: $0.offset + 1, name: $0.element.name, marker: $0.element.marker) }
                return FlowJoWorkspaceWriter.SampleFile(name: entry.name, uri: "file:///fuzz/sample", sample: Sample(
                    file: entry.name, keywords: Keywords(entry.keywords.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }),
                    parameters: parameters, columns: parameters.map { _ in ChannelValues([Double]()) }))
            }
            guard !files.isEmpty, let output = typed("\(name) export", {
                try FlowJoWorkspaceWriter.document(template, samples: files, group: "FlowStudy", file: "imported.json")
            }) else { continue }
            let again = try FlowJoWorkspace.read(Data(output.xml.utf8), name: "exported.wsp")
            _ = typed("\(name) export imported", { try again.template(group: "FlowStudy") })
        }
    }

    @Test("FlowJo workspaces", arguments: inputs("FlowJoWorkspace"))
    func workspace(_ input: URL) throws {
        let start = Date()
        try Self.replay(try Data(contentsOf: input), input.lastPathComponent)
        #expect(Date().timeIntervalSince(start) < 10, "\(input.lastPathComponent)")
    }

    @Test("a rectangle dimension with neither gating:min nor gating:max (no template or override can hold it) is refused at its path")
    func rectangleWithoutBounds() throws {
        let xml = FlowJoFixtures.workspace(groups: [("G", ["1"])], samples: [
            FlowJoFixtures.sample(id: "1", name: "a.fcs", count: 10, channels: [("X", nil), ("Y", nil)],
                                  nodes: [FlowJoFixtures.rectangle("r", [("X", 1, nil), ("Y", nil, nil)])]),
        ])
        let error = try #require(throws: FlowJoError.self) { try FlowJoFixtures.read(xml) }
        #expect(error.path.hasSuffix("/Population[1]/Gate[1]/RectangleGate[1]/dimension[2]"), "\(error.path)")
        #expect(error.message == "expected gating:min, gating:max or both, found neither")
    }

    @Test("a rectangle dimension with gating:min at or above gating:max (no template can hold it) is refused at its path")
    func rectangleMinAboveMax() throws {
        for (low, high) in [(163.0, 7.0), (5.0, 5.0)] {
            let xml = FlowJoFixtures.workspace(groups: [("G", ["1"])], samples: [
                FlowJoFixtures.sample(id: "1", name: "a.fcs", count: 10, channels: [("X", nil), ("Y", nil)],
                                      nodes: [FlowJoFixtures.rectangle("r", [("X", 1, 2), ("Y", low, high)])]),
            ])
            let error = try #require(throws: FlowJoError.self) { try FlowJoFixtures.read(xml) }
            #expect(error.path.hasSuffix("/Population[1]/Gate[1]/RectangleGate[1]/dimension[2]"), "\(error.path)")
            #expect(error.message == "expected gating:min < gating:max, found \(low) ≥ \(high)")
        }
    }

    @Test("FlowJo's own workspaces (the harness's seeds) keep the harness's promises", .needsShared,
          arguments: ["line_poly_rect", "line_ellipse", "diamond_quadrant", "diamond_biex_rect", "ics8_comp_logicle_parse_only"])
    func seed(_ name: String) throws {
        let url = try #require(SharedData.url("flowjo/cases/\(name)/workspace.wsp"))
        try Self.replay(try Data(contentsOf: url), name)
    }

    /// The Overrides harness's hand-written seeds, then its findings.
    static let overrideInputs = ((try? FileManager.default.contentsOfDirectory(
        at: SharedData.repositoryRoot.appendingPathComponent("Fuzz/Overrides/seeds"), includingPropertiesForKeys: nil)) ?? [])
        .sorted { $0.path < $1.path } + inputs("Overrides")

    @Test("per-sample overrides", arguments: overrideInputs)
    func overrides(_ input: URL) throws {
        let text = String(decoding: try Data(contentsOf: input), as: UTF8.self)
        // The harness's templates: the study's, and one with a quadrant and a boolean population.
        let templates = try ["gating-templates/mdm-macrophages.json", "Fuzz/Overrides/small-template.json"].map {
            try TemplateReader.read(contentsOf: SharedData.repositoryRoot.appendingPathComponent($0).path)
        }
        let start = Date()
        for template in templates {
            for sampleIDs in [nil, Set(["P07_UT", "P08_LPS", "P01_UT", "P02_UT"])] {
                guard let read = Self.typed(input.lastPathComponent, { try GateOverrides.read(text, name: "fuzz.overrides.json", template: template, sampleIDs: sampleIDs) }) else { continue }
                let written = GateOverrides.json(read)
                let back = try GateOverrides.read(written, name: "written.overrides.json", template: template, sampleIDs: sampleIDs)
                #expect(back == read, "\(input.lastPathComponent)")
                #expect(GateOverrides.json(back) == written, "\(input.lastPathComponent)")
                for sample in Set(read.overrides.map(\.sampleID)) {
                    #expect(read.strategy(template.strategy, forSample: sample).populations.map(\.id) == template.strategy.populations.map(\.id))
                }
            }
        }
        #expect(Date().timeIntervalSince(start) < 10, "\(input.lastPathComponent)")
    }
}
