import FCS
import Tables

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

    /// The columns of ``populationRows()``.
    public static let populationsHeader = ["population", "parent", "count", "percent_parent", "percent_total"]

    /// The tidy population table: `population,parent,count,percent_parent,percent_total` (`root` for a
    /// population of all events; an empty cell for a percentage of nothing).
    public func populationRows() -> [[String]] {
        ids.map { id in
            [id, parents[id] ?? "root", "\(count(id))", csvNumber(percentOfParent(id)), csvNumber(percentOfTotal(id))]
        }
    }
}
