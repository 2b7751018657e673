// libFuzzer harness: the plate-layout reader (tidy well map CSV). Built by scripts/fuzz.sh only.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func layoutFuzzInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    do {
        _ = try PlateLayout.csv(String(decoding: data, as: UTF8.self), file: "fuzz-layout.csv")
    } catch is ELISAError {
    } catch {
        fatalError("layout: an error that is not an ELISAError: \(error)")
    }
    return 0
}
