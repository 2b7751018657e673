// libFuzzer harness: the sample-sheet reader (Sources/Batch/SampleSheet*.swift, compiled in with this file so the
// rest of Batch and swift-crypto are not needed), with and without a panel. Built by scripts/fuzz.sh.
import Foundation
import Gating

let panel = try? TemplateReader.read("""
    {"format": "flowstudy-gating/1", "panel": [{"marker": "HLA-DR", "aliases": ["MHCII"], "channels": ["AF700-A"]}],
     "populations": [{"id": "all", "gate": {"type": "range", "dimensions": [{"channel": "FSC-A", "min": 0}]}}]}
    """, name: "panel.json")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSampleSheet(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    _ = try? SampleSheet.read(text: text, path: "/nonexistent-flowstudy-fuzz/samples.csv")
    _ = try? SampleSheet.read(text: text, path: "samples.csv", template: panel)
    return 0
}
