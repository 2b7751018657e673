/// The one number reader of FlowStudy's tables (clinical and sample sheets, layouts, statistics inputs, result
/// files read back). `Double(text)` would also take `0x4`, `0x1.8p1`, `+4`, `inf` and `nan`, none of which a
/// person means in a sheet; an absent value (an empty cell, or `NA`) is the caller's to recognise first.
public enum NumberText {
    /// Which texts are numbers.
    public enum Syntax: Sendable {
        /// A sheet typed by people (clinical.csv, samples.csv): `-?digits(.digits)?`; an integer's fraction, if any, is zeros.
        case plain
        /// A result file FlowStudy wrote (markers.csv, concentrations.csv, qc.csv…): plain, or with the exponent of
        /// the shortest round-trip text (`1e-07`, `2.5e+20`).
        case written

        /// How the accepted texts look, for problems.
        public func describe(integer: Bool) -> String {
            switch (self, integer) {
            case (.plain, true): return "written as a whole number: digits with an optional leading '-' (e.g. 4, 12 or 12.0)"
            case (.plain, false): return "written as a plain decimal number: digits with an optional leading '-' and fraction (e.g. 4 or 3.7)"
            case (.written, true): return "written as a whole number: digits with an optional leading '-'"
            case (.written, false): return "written as a decimal number, optionally with an exponent (e.g. 3.7 or 1e-07)"
            }
        }
    }

    /// The value of `text` when it is a number of `syntax` (an integer when `integer`), finite; nil otherwise.
    public static func parse(_ text: String, syntax: Syntax, integer: Bool) -> Double? {
        let bytes = Array(text.utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
            return i - start
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard digits() > 0 else { return nil }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            guard digits() > 0 else { return nil }
            // An integer may carry a zero fraction: pandas writes 57.0 for an integer column with a missing value.
            if integer && !bytes[start..<i].allSatisfy({ $0 == UInt8(ascii: "0") }) { return nil }
        }
        if syntax == .written, !integer, i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
            guard digits() > 0 else { return nil }
        }
        guard i == bytes.count, let value = Double(text), value.isFinite else { return nil }
        return value
    }
}
