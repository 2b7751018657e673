/// Checks shared by every test's initializer, so each one states its needs in a line.
enum Validation {
    /// Throws when `values` has fewer than `needed` entries or any entry is NaN or infinite.
    static func finite(_ values: [Double], test: String, needed: Int = 1) throws {
        guard values.count >= needed else { throw StatisticsError.tooFewValues(test: test, needed: needed, found: values.count) }
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw StatisticsError.notFinite(test: test, index: index, value: values[index])
        }
    }

    /// Throws unless 0 < level < 1.
    static func confidence(_ level: Double) throws {
        guard level > 0, level < 1 else { throw StatisticsError.confidenceLevel(level) }
    }

    /// A finite value, or nil for NaN and ±∞ (an undefined result: constant data, no non-zero difference).
    static func defined(_ value: Double) -> Double? {
        value.isFinite ? value : nil
    }
}
