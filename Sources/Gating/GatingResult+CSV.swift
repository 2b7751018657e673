import FCS

extension GatingResult {
    /// Membership CSV: one column per population (document order), one 0/1 row per event in file order,
    /// LF line ends, RFC 4180 quoting of ids such as `CD86+`.
    public func membershipCSV() -> [UInt8] {
        var out = Array(ids.map(csvQuoted).joined(separator: ",").utf8)
        out.append(0x0A)
        let sets = ids.map { membership[$0] ?? EventSet(eventCount: eventCount) }
        out.reserveCapacity(out.count + eventCount * ids.count * 2)
        for event in 0..<eventCount {
            for (i, set) in sets.enumerated() {
                if i > 0 { out.append(0x2C) }
                out.append(set.contains(event) ? 0x31 : 0x30)
            }
            out.append(0x0A)
        }
        return out
    }

    /// The tidy population table: `population,parent,count,percent_parent,percent_total` (`root` for a
    /// population of all events; `NA` for a percentage of nothing).
    public func populationRows() -> [[String]] {
        ids.map { id in
            [id, parents[id] ?? "root", "\(count(id))", csvNumber(percentOfParent(id)), csvNumber(percentOfTotal(id))]
        }
    }
}

/// A CSV field, quoted when it holds a comma, a quote, `+`-free text needs none.
public func csvQuoted(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacing("\"", with: "\"\"") + "\""
}

/// Shortest round-trip text for a number; `NA` for NaN (readable by pandas and R without options).
public func csvNumber(_ value: Double) -> String {
    if value.isNaN { return "NA" }
    if value.isInfinite { return value < 0 ? "-Inf" : "Inf" }
    var text = "\(value)"
    if text.hasSuffix(".0") { text.removeLast(2) }
    return text
}

/// Rows as CSV text with a header, LF line ends.
public func csvTable(header: [String], rows: [[String]]) -> [UInt8] {
    var text = header.map(csvQuoted).joined(separator: ",") + "\n"
    for row in rows { text += row.map(csvQuoted).joined(separator: ",") + "\n" }
    return Array(text.utf8)
}
