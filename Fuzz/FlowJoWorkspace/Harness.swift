// libFuzzer harness: the FlowJo 10 workspace reader, then what `template import-wsp` and `export-wsp` do with what
// it read: a template per group and per sample (with the group's sample-specific overrides), the template and
// overrides written as JSON and read back, and the import exported as a workspace and imported again.
// Built by scripts/fuzz.sh; Tests/GatingTests/FlowJoFuzzRegressionTests.swift replays its findings the same way.
import FCS
import Foundation
import Gating

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFlowJoWorkspace(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    FlowJoFuzz.run(Data(bytes: data, count: count))
    return 0
}

/// With FLOWJO_FUZZ_SEEDS=DIR the binary writes the workspaces it builds to DIR and exits (target.sh's `seed`).
@_cdecl("LLVMFuzzerInitialize")
public func fuzzFlowJoInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    guard let folder = ProcessInfo.processInfo.environment["FLOWJO_FUZZ_SEEDS"] else { return 0 }
    for (name, xml) in FlowJoFuzzSeeds.workspaces() {
        _ = FileManager.default.createFile(atPath: folder + "/" + name, contents: Data(xml.utf8))
    }
    exit(0)
}
