// libFuzzer harness: the per-sample overrides reader (`flowstudy-overrides/1`) against two fixed templates read at
// start (the study's mdm-macrophages.json, and small-template.json beside this file: a quadrant and a boolean), then
// what the batch does with what it read: written back and read again as the same values, and put in place of each
// sample's gates. Built by scripts/fuzz.sh; Tests/GatingTests/FlowJoFuzzRegressionTests.swift replays its findings.
import Foundation
import Gating

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOverrides(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    for template in OverridesFuzz.templates { OverridesFuzz.run(text, template: template) }
    return 0
}

/// Reads the templates before the first input.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzOverridesInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    OverridesFuzz.templates = OverridesFuzz.load()
    // Released before LeakSanitizer's exit check, which would take them for a leak (their logicle transforms sit in
    // enum payloads, whose pointers it does not see).
    atexit { OverridesFuzz.templates = [] }
    return 0
}

enum OverridesFuzz {
    /// The study template (scripts/fuzz.sh runs the harness from the repository).
    static let study = FileManager.default.currentDirectoryPath + "/gating-templates/mdm-macrophages.json"

    /// Two channels: a rectangle, a polygon below it, a quadrant and a boolean beside them.
    static let small = FileManager.default.currentDirectoryPath + "/Fuzz/Overrides/small-template.json"

    /// The templates, read once before the first input (LLVMFuzzerInitialize).
    nonisolated(unsafe) static var templates: [GatingTemplate] = []

    static func load() -> [GatingTemplate] {
        do {
            return [try TemplateReader.read(contentsOf: study), try TemplateReader.read(contentsOf: small)]
        } catch {
            fatalError("the harness's templates do not read: \(error)")
        }
    }

    /// The sample ids of a run, for the reader's check of unknown samples.
    static let run: Set<String> = ["P07_UT", "P08_LPS", "P01_UT", "P02_UT"]

    static func run(_ text: String, template: GatingTemplate) {
        for sampleIDs in [nil, run] {
            let overrides: GateOverrides
            do {
                overrides = try GateOverrides.read(text, name: "fuzz.overrides.json", template: template, sampleIDs: sampleIDs)
            } catch is TemplateError {
                continue
            } catch {
                fatalError("an error that is not a TemplateError: \(type(of: error)) \(error)")
            }
            // Written back, the same values; written again, the same bytes.
            let written = GateOverrides.json(overrides)
            do {
                let back = try GateOverrides.read(written, name: "written.overrides.json", template: template, sampleIDs: sampleIDs)
                precondition(back == overrides, "the overrides read back as others:\n\(written)")
                precondition(GateOverrides.json(back) == written, "the overrides write back as other text:\n\(written)")
            } catch {
                fatalError("the written overrides do not read back: \(error)\n\(written)")
            }
            // Put in place: every population keeps its id, parent and order.
            for sample in Set(overrides.overrides.map(\.sampleID)) {
                let strategy = overrides.strategy(template.strategy, forSample: sample)
                precondition(strategy.populations.map(\.id) == template.strategy.populations.map(\.id)
                             && strategy.populations.map(\.parent) == template.strategy.populations.map(\.parent), "\(sample): the populations changed")
            }
        }
    }
}
