// libFuzzer harness: the ELISA runs.csv reader (ELISARunSheet), with its per-plate options. Built by scripts/fuzz.sh only.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func runSheetFuzzInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    let text = String(decoding: data, as: UTF8.self)
    do {
        let sheet = try ELISARunSheet.read(text: text, path: "/nonexistent-flowstudy-fuzz/runs.csv")
        // What the reader promises of a sheet it accepts: a plate per row with its three required values, ids unique,
        // and every option within its documented range.
        var ids: Set<String> = []
        for plate in sheet.plates {
            guard !plate.analyte.isEmpty, !plate.file.isEmpty, !plate.layout.isEmpty else { fatalError("runs: an accepted plate without file, layout or analyte (line \(plate.line))") }
            if let id = plate.id, !ids.insert(id).inserted { fatalError("runs: plate id '\(id)' accepted twice") }
            guard plate.options.cvLimit.isFinite, plate.options.cvLimit > 0 else { fatalError("runs: cv_limit \(plate.options.cvLimit) accepted") }
        }
        if sheet.plates.isEmpty { fatalError("runs: a sheet without plates accepted") }
    } catch is ELISARunSheet.Problems {
    } catch {
        fatalError("runs: an error that is not ELISARunSheet.Problems: \(error)")
    }
    return 0
}
