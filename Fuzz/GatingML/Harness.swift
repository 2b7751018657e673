// libFuzzer harness: the Gating-ML importer (XML screening, parsing, gates, transforms, matrices, custom_info),
// then writing the strategy back. Built by scripts/fuzz.sh.
import Foundation
import Gating

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGatingML(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard let (strategy, embedded) = try? GatingMLReader.document(Data(bytes: data, count: count), name: "fuzz.xml") else { return 0 }
    _ = try? GatingMLWriter.document(strategy)
    if let embedded { _ = try? TemplateReader.read(embedded, name: "fuzz.xml (custom_info)", folder: "/nonexistent-flowstudy-fuzz") }
    return 0
}
