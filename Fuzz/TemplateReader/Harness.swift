// libFuzzer harness: the JSON template reader and validator, then what FlowStudy does with a valid template
// (export with panel channels, Gating-ML and JSON writing, dependency order). Built by scripts/fuzz.sh.
import Foundation
import Gating

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTemplate(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    // Matrix files the template names are looked up in a folder that does not exist.
    guard let template = try? TemplateReader.read(text, name: "fuzz.json", folder: "/nonexistent-flowstudy-fuzz") else { return 0 }
    _ = TemplateWriter.json(template)
    if let strategy = try? template.strategyWithPanelChannels() {
        _ = try? GatingMLWriter.document(strategy, template: template)
    }
    return 0
}
