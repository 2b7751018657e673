// libFuzzer harness for the FCS reader: raw bytes and gzip input, every data set, then what later stages ask of
// a sample (spillover, scale values, CSV of the first events, a write and re-read). Built by scripts/fuzz.sh,
// never by `swift build`.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFCSReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var options = FCSReadOptions()
    // The fuzzer's limits are 2 GB: keep the inflation cap well below them so a bomb is refused, not killed.
    options.maximumInflatedBytes = 256 << 20
    // The offset preference is consulted only where HEADER and TEXT both fit and disagree, which a strict read
    // refuses with `ambiguousDataOffsets`; any other outcome of the header read would repeat the strict one.
    let file: FCSFile
    do {
        file = try FCSFile.read(bytes: bytes, name: "fuzz", options: options)
    } catch let error as FCSError where error.code == .ambiguousDataOffsets {
        options.offsetPreference = .header
        guard let read = try? FCSFile.read(bytes: bytes, name: "fuzz", options: options) else { return 0 }
        file = read
    } catch {
        return 0
    }
    _ = Inspection(file, keywords: true).text
    for sample in file.dataSets {
        _ = try? sample.spillover()
        for index in sample.parameters.indices { _ = sample.scaleValues(at: index).first }
        if sample.eventCount <= 64 {
            _ = sample.csv(Array(sample.parameters.indices), values: .scale)
            if let written = try? FCSWriter().encode([sample]) {
                _ = try? FCSFile.read(bytes: written, name: "rewritten")
            }
        }
    }
    return 0
}
