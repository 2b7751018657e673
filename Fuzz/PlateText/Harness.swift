// libFuzzer harness: every text plate-export reader (long CSV, BioTek Gen5, BMG MARS, SoftMax Pro), chosen by
// content detection as `flowstudy elisa` does. Compiled into the ELISA module by scripts/fuzz.sh, never by
// `swift build`. A crash, a hang, an allocation over the limit or an error other than ELISAError is a finding.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func plateTextFuzzInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    // Text readers only: a ZIP signature goes to the xlsx harness.
    guard !data.starts(with: [0x50, 0x4B, 0x03, 0x04]) else { return 0 }
    fuzzReadPlates(data, file: "fuzz.txt")
    return 0
}
