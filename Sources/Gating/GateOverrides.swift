import FCS
import Foundation
import Tables

/// Per-sample overrides: for named samples, a fixed gate that replaces the template's gate of a population, each with
/// the reason an analyst (or FlowJo's sample-specific gates) gave for it.
///
/// The project's one overrides format, `flowstudy-overrides/1`, written next to a template as
/// `<template stem>.overrides.json` (found there by the batch) or named with `--overrides FILE`:
///
/// ```json
/// {
///   "format": "flowstudy-overrides/1",
///   "template": "mdm-macrophages.json",
///   "samples": {
///     "P07_UT": {
///       "live": {"reason": "dead-cell peak 0.3 decade high", "gate": {"type": "rectangle", "dimensions": [...]}}
///     }
///   }
/// }
/// ```
///
/// A sample id is the batch's `sample_id` (the sample sheet's, or the FCS file's stem for a folder). A gate is written
/// exactly as in the template, in the template's markers, transforms and matrices. Quadrant gates are overridden by
/// the quadrant gate's own id; boolean populations have no coordinates and cannot be overridden.
public struct GateOverrides: Sendable, Equatable {
    /// The `format` value of an overrides document.
    public static let format = "flowstudy-overrides/1"

    /// One sample's replacement gate for one population.
    public struct Override: Sendable, Equatable {
        /// The sample the override applies to.
        public var sampleID: String
        /// The population (gate id) whose gate is replaced.
        public var population: String
        /// The gate used instead of the template's, for this sample only.
        public var gate: Gate
        /// Why: required, so every override says who decided what.
        public var reason: String
        /// Creates the value from its parts.
        public init(sampleID: String, population: String, gate: Gate, reason: String) {
            self.sampleID = sampleID
            self.population = population
            self.gate = gate
            self.reason = reason
        }
    }

    /// The template file the overrides were written for (informational; the reader checks against the template given).
    public var template: String?
    /// Every override, in document order (samples, then populations, as written).
    public var overrides: [Override]

    /// Creates the value from its parts.
    public init(template: String? = nil, overrides: [Override] = []) {
        self.template = template
        self.overrides = overrides
    }

    /// True when there is nothing to override.
    public var isEmpty: Bool { overrides.isEmpty }

    /// The overrides of one sample, in document order.
    public func overrides(forSample sampleID: String) -> [Override] {
        overrides.filter { $0.sampleID == sampleID }
    }

    /// The strategy with this sample's overridden gates put in place of the template's (parents, ids and order kept).
    public func strategy(_ strategy: GatingStrategy, forSample sampleID: String) -> GatingStrategy {
        let mine = overrides(forSample: sampleID)
        guard !mine.isEmpty else { return strategy }
        let gates = Dictionary(mine.map { ($0.population, $0.gate) }, uniquingKeysWith: { _, last in last })
        var result = strategy
        for index in result.populations.indices {
            if let gate = gates[result.populations[index].id] { result.populations[index].gate = gate }
        }
        return result
    }

    /// This sample's overrides as the gates given to the engine (``GatingSession``'s `given`): each gate's markers
    /// resolved to the sample's channels as the template's own are, source `override`, the reason in the flags
    /// (`REASON:…`), so `gates.csv`, `review` and `plot` say what was decided and why.
    public func decisions(forSample sampleID: String, template: GatingTemplate, sample: Sample) throws -> [String: GateDecision] {
        var given: [String: GateDecision] = [:]
        for override in overrides(forSample: sampleID) {
            let gate = try template.gate(override.gate, for: sample)
            given[override.population] = GateDecision(population: override.population, method: override.gate.typeName, gate: .gate(gate),
                                                      source: .override, flags: ["REASON:" + override.reason])
        }
        return given
    }

    /// The overrides file a command uses: `explicit` when given, else `<template stem>.overrides.json` beside the
    /// template when it exists, else none.
    public static func locate(explicit: String?, forTemplate templatePath: String) -> String? {
        if let explicit { return explicit }
        let beside = defaultPath(forTemplate: templatePath)
        return FileManager.default.fileExists(atPath: beside) ? beside : nil
    }

    /// The path `<template stem>.overrides.json` beside a template, where the batch looks for overrides.
    public static func defaultPath(forTemplate templatePath: String) -> String {
        let url = URL(fileURLWithPath: templatePath)
        let stem = url.deletingPathExtension().lastPathComponent
        return url.deletingLastPathComponent().appendingPathComponent("\(stem).overrides.json").path
    }
}

// MARK: Reading

extension GateOverrides {
    /// Reads overrides from a file, checked against `template` and, when given, the samples of the run.
    ///
    /// - Throws: ``TemplateError`` listing every problem with its JSON path and line: unknown keys, a wrong format,
    ///   a missing or empty reason, an unknown population or sample, a gate the template could not hold.
    public static func read(contentsOf path: String, template: GatingTemplate, sampleIDs: Set<String>? = nil) throws -> GateOverrides {
        let text: String
        do {
            text = try InputFile.utf8Text(path)  // JSON is UTF-8 (RFC 8259)
        } catch let error as TablesError {
            throw TemplateError(file: path, issues: [.init(path: "", line: nil, message: (error.place.isEmpty ? "" : error.place + ": ")
                                                           + "expected \(error.expected), found \(error.found)")])
        }
        return try read(text, name: path, template: template, sampleIDs: sampleIDs)
    }

    /// Reads overrides text; `name` is the file name used in errors.
    public static func read(_ text: String, name: String, template: GatingTemplate, sampleIDs: Set<String>? = nil) throws -> GateOverrides {
        let root: JSONValue
        do {
            root = try JSONParser.parse(text)
        } catch let error as JSONSyntaxError {
            throw TemplateError(file: name, issues: [.init(path: "", line: error.line, message: "invalid JSON at column \(error.column): \(error.message)")])
        }
        var reader = TemplateReader.Reader(folder: ".")
        let overrides = reader.overrides(root, template: template, sampleIDs: sampleIDs)
        guard reader.issues.isEmpty else { throw TemplateError(file: name, issues: reader.issues) }
        return overrides
    }
}

extension TemplateReader.Reader {
    /// An overrides document, each gate read as a template gate in the template's own markers and transforms.
    mutating func overrides(_ root: JSONValue, template: GatingTemplate, sampleIDs: Set<String>?) -> GateOverrides {
        guard let root = object(root, "") else { return GateOverrides() }
        keys(root, "", allowed: ["format", "template", "samples"])
        if let format = string(root["format"], "format", parent: root), format != GateOverrides.format {
            issue("format", root["format"], "expected \"\(GateOverrides.format)\", found \"\(format)\"")
        }
        let templateName = string(root["template"], "template", parent: root, required: false)
        // Populations whose gate has coordinates: a quadrant gate by its own id, never a boolean population.
        var overridable: [String: Gate] = [:]
        let populationIDs = Set(template.strategy.populations.map(\.id))
        for population in template.strategy.populations {
            if case .boolean = population.gate { continue }
            overridable[population.id] = population.gate
        }
        let context = Context(panel: template.panel, transforms: template.strategy.transforms,
                              transformIDs: Set(template.transformOrder).union(template.strategy.transforms.keys),
                              matrices: template.strategy.matrices, compensation: template.compensation)
        var result: [GateOverrides.Override] = []
        guard let samples = object(root["samples"], "samples", parent: root) else { return GateOverrides(template: templateName) }
        var seenSamples: Set<String> = []
        for sample in samples.members ?? [] {
            let samplePath = "samples.\(StructuralLimits.shownInPath(sample.key))"
            if !seenSamples.insert(sample.key).inserted {
                issue(samplePath, sample.value, "expected each sample once, found '\(sample.key)' again")
                continue
            }
            if let sampleIDs, !sampleIDs.contains(sample.key) {
                issue(samplePath, sample.value, "expected a sample id of the run, found '\(sample.key)'")
            }
            guard let populations = object(sample.value, samplePath) else { continue }
            var seenPopulations: Set<String> = []
            for member in populations.members ?? [] {
                let path = "\(samplePath).\(StructuralLimits.shownInPath(member.key))"
                if !seenPopulations.insert(member.key).inserted {
                    issue(path, member.value, "expected each population once per sample, found '\(member.key)' again")
                    continue
                }
                guard let entry = object(member.value, path) else { continue }
                keys(entry, path, allowed: ["reason", "gate"])
                guard overridable[member.key] != nil else {
                    let isBoolean = populationIDs.contains(member.key)
                    issue(path, member.value, isBoolean
                          ? "expected a population with a gate of coordinates, found boolean population '\(member.key)'"
                          : "expected a population (gate id) of the template, found '\(member.key)'")
                    continue
                }
                let reason = string(entry["reason"], "\(path).reason", parent: entry)
                if let reason, reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    issue("\(path).reason", entry["reason"], "expected a reason, found an empty string")
                }
                guard let gate = readGate(entry["gate"], "\(path).gate", parent: entry, context: context) else { continue }
                if case .boolean = gate {
                    issue("\(path).gate.type", entry["gate"]?["type"], "expected a gate of coordinates (rectangle, polygon, ellipse, quadrant), found boolean")
                    continue
                }
                if case .quadrant(let replacement) = gate, case .quadrant(let original)? = overridable[member.key],
                   Set(replacement.quadrants.map(\.id)) != Set(original.quadrants.map(\.id)) {
                    issue("\(path).gate.quadrants", entry["gate"]?["quadrants"], "expected the template's quadrants \(original.quadrants.map(\.id).sorted()), found \(replacement.quadrants.map(\.id).sorted())")
                    continue
                }
                if let reason { result.append(.init(sampleID: sample.key, population: member.key, gate: gate, reason: reason)) }
            }
        }
        return GateOverrides(template: templateName, overrides: result)
    }
}

// MARK: Writing

extension GateOverrides {
    /// The overrides as a `flowstudy-overrides/1` document (samples and populations in document order).
    public static func json(_ overrides: GateOverrides) -> String {
        var samples: [(String, [Override])] = []
        var position: [String: Int] = [:]  // sample id → its index in `samples`
        for override in overrides.overrides {
            if let index = position[override.sampleID] { samples[index].1.append(override) }
            else { position[override.sampleID] = samples.count; samples.append((override.sampleID, [override])) }
        }
        let q = TemplateWriter.quote
        var text = "{\n  \"format\": \(q(format)),\n"
        if let template = overrides.template { text += "  \"template\": \(q(template)),\n" }
        text += "  \"samples\": {"
        text += samples.map { sample, entries in
            "\n    \(q(sample)): {" + entries.map { entry in
                "\n      \(q(entry.population)): {\"reason\": \(q(entry.reason)), \"gate\": \(TemplateWriter.gate(entry.gate))}"
            }.joined(separator: ",") + "\n    }"
        }.joined(separator: ",")
        text += samples.isEmpty ? "}\n}\n" : "\n  }\n}\n"
        return text
    }
}
