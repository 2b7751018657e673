/// The Benjamini–Hochberg adjustment (R's `p.adjust(p, "BH")`): q₍ᵢ₎ = min over j ≥ i of (m/j)·p₍ⱼ₎, capped at
/// 1, in input order. Missing p-values stay missing and are left out of m, as R does.
public enum BenjaminiHochberg {
    /// The adjusted values of `pValues` (each in [0, 1], or nil for missing), in input order.
    public static func adjust(_ pValues: [Double?]) throws -> [Double?] {
        for (index, p) in pValues.enumerated() {
            if let p, !(p >= 0 && p <= 1) { throw StatisticsError.probabilityOutOfRange(index: index, value: p) }
        }
        let present = pValues.indices.compactMap { index in pValues[index].map { (index, $0) } }
        let m = Double(present.count)
        // Largest p first; the running minimum carries smaller (m/j)·p values down to larger ones. The sort is
        // stable, so tied p-values end up with equal q (the running minimum reaches them together).
        let descending = present.sorted { $0.1 > $1.1 }
        var adjusted = pValues
        var running = 1.0
        for (position, entry) in descending.enumerated() {
            let rank = Double(present.count - position)
            running = min(running, m / rank * entry.1)
            adjusted[entry.0] = running
        }
        return adjusted
    }
}
