// The calls and promises of the FlowJo workspace harness; the regression test replays inputs through a copy of
// `run` (Tests/GatingTests/FlowJoFuzzRegressionTests.swift) — keep the two in step.
import FCS
import Foundation
import Gating

enum FlowJoFuzz {
    /// Typed errors pass; anything else is a broken promise (a finding).
    static func typed<T>(_ what: String, _ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch is FlowJoError {
        } catch is TemplateError {
        } catch {
            fatalError("\(what): an error that is neither FlowJoError nor TemplateError: \(type(of: error)) \(error)")
        }
        return nil
    }

    static func run(_ data: Data) {
        guard let workspace = typed("read", { try FlowJoWorkspace.read(data, name: "fuzz.wsp") }) else { return }
        // Every way `template import-wsp` picks gates, a few of each at most (inputs may list thousands).
        let choices: [(group: String?, sample: String?)] = [(nil, nil)]
            + workspace.groups.prefix(3).map { ($0.name, nil) } + workspace.samples.prefix(3).map { (nil, $0.name) }
        for (group, sample) in choices {
            guard let imported = typed("template(group: \(group ?? "nil"), sample: \(sample ?? "nil"))", {
                try workspace.template(group: group, sample: sample)
            }) else { continue }
            check(imported, group: group, sample: sample, in: workspace)
        }
    }

    /// What `template import-wsp` writes reads back as itself, and `export-wsp` writes a workspace that imports.
    static func check(_ imported: FlowJoWorkspace.Imported, group: String?, sample: String?, in workspace: FlowJoWorkspace) {
        let json = TemplateWriter.json(imported.template)
        let template: GatingTemplate
        do {
            template = try TemplateReader.read(json, name: "imported.json", folder: "/nonexistent-flowstudy-fuzz")
        } catch {
            fatalError("the imported template does not read back: \(error)\n\(json)")
        }
        precondition(TemplateWriter.json(template) == json, "the imported template reads back as another:\n\(json)")
        if !imported.overrides.isEmpty {
            let written = GateOverrides.json(imported.overrides)
            do {
                let back = try GateOverrides.read(written, name: "imported.overrides.json", template: template)
                precondition(back.overrides == imported.overrides.overrides, "the derived overrides read back as others:\n\(written)")
            } catch {
                fatalError("the derived overrides do not read back: \(error)\n\(written)")
            }
        }
        // The import exported over its samples' parameters (keywords only, as export-wsp reads FCS files).
        let members = group.flatMap { name in workspace.group(named: name).map { g in workspace.samples.filter { g.sampleIDs.contains($0.id) } } }
            ?? workspace.samples.filter { sample == nil || $0.name == sample }
        var names: Set<String> = []
        let files = members.prefix(3).filter { names.insert($0.name).inserted }.map { entry in
            FlowJoWorkspaceWriter.SampleFile(name: entry.name, uri: "file:///fuzz/sample", sample: sampleFile(entry))
        }
        guard !files.isEmpty, let output = typed("export", {
            try FlowJoWorkspaceWriter.document(template, samples: files, group: "FlowStudy", file: "imported.json")
        }) else { return }
        let again: FlowJoWorkspace
        do {
            again = try FlowJoWorkspace.read(Data(output.xml.utf8), name: "exported.wsp")
        } catch {
            fatalError("the exported workspace does not read: \(error)\n\(output.xml)")
        }
        _ = typed("template of the export") { try again.template(group: "FlowStudy") }
    }

    /// A sample with a workspace sample's keywords and parameters, and no events.
    static func sampleFile(_ entry: FlowJoWorkspace.SampleEntry) -> Sample {
        let parameters = entry.parameters.prefix(64).enumerated().map { Parameter(index: $0.offset + 1, name: $0.element.name, marker: $0.element.marker) }
        return Sample(file: entry.name, keywords: Keywords(entry.keywords.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }),
                      parameters: parameters, columns: parameters.map { _ in ChannelValues([Double]()) })
    }
}
