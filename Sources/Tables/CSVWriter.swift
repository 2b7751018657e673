/// CSV text as FlowStudy writes it: RFC 4180 quoting, LF line ends, shortest round-trip numbers, and text that
/// a spreadsheet will not run as a formula.
///
/// Formula injection (OWASP "CSV Injection"): a text cell that begins with `=`, `+`, `-`, `@`, a tab or a
/// carriage return and is not a number is prefixed with `'` and quoted, so Excel, LibreOffice and Sheets show
/// it as text. A cell that itself begins with `'` followed by one of those characters (or another `'`) gets one
/// more `'`, so ``CSVTable`` removes exactly one and every value reads back as it was written.

/// A CSV field: quoted when it holds a comma, a quote, CR or LF, and defused when it would start a formula.
public func csvQuoted(_ text: String) -> String {
    var text = text
    var quote = false
    if CSVFormula.needsEscape(text) {
        text = "'" + text
        quote = true
    }
    guard quote || text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacing("\"", with: "\"\"") + "\""
}

/// A number in a CSV cell: its shortest round-trip text (``shortestText(_:)``), or an empty cell for a value that
/// does not exist (NaN). Readers accept `NA` as absent too; pandas and R read the empty cell as missing.
public func csvNumber(_ value: Double) -> String {
    value.isNaN ? "" : shortestText(value)
}

/// A result that may not exist in a CSV cell: the shortest round-trip text of a finite value, and an empty cell for
/// nil, NaN or ±∞ (a table of results never holds a non-finite number; the value simply does not exist).
public func csvFiniteNumber(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "" }
    return shortestText(value)
}

/// The shortest text that reads back as the same value of its type (Swift's `description` guarantees the
/// round trip), without a trailing `.0`: `1`, `0.1`, `1e-07`, `-Inf`, `Inf`, `NaN`. The one number convention of
/// every FlowStudy output (CSV cells, JSON templates, Gating-ML, FCS keywords).
public func shortestText<T: BinaryFloatingPoint & LosslessStringConvertible>(_ value: T) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-Inf" : "Inf" }
    var text = value.description
    if text.hasSuffix(".0") { text.removeLast(2) }
    return text
}

/// Rows as CSV text with a header, LF line ends.
public func csvTable(header: [String], rows: [[String]]) -> [UInt8] {
    var text = header.map(csvQuoted).joined(separator: ",") + "\n"
    for row in rows { text += row.map(csvQuoted).joined(separator: ",") + "\n" }
    return Array(text.utf8)
}

/// The spreadsheet-formula rule shared by the writer and the reader.
enum CSVFormula {
    /// Characters that make a spreadsheet read a cell as a formula (OWASP's list).
    static func isTrigger(_ c: Character) -> Bool { c == "=" || c == "+" || c == "-" || c == "@" || c == "\t" || c == "\r" }

    /// Whether `text` must be written with a leading `'`: it would start a formula and is not a number, or it is
    /// already such an escaped value (so reading removes exactly the `'` the writer added).
    static func needsEscape(_ text: String) -> Bool {
        guard let first = text.first else { return false }
        if isTrigger(first) { return Double(text) == nil && text != "-Inf" }
        if first == "'", let second = text.dropFirst().first { return isTrigger(second) || second == "'" }
        return false
    }

    /// `text` with the writer's escape removed.
    static func unescape(_ text: String) -> String {
        guard text.first == "'", let second = text.dropFirst().first, isTrigger(second) || second == "'" else { return text }
        return String(text.dropFirst())
    }
}
