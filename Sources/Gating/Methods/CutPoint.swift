/// A one-dimensional cut computed from data, and how it was found.
public struct CutPoint: Sendable, Equatable {
    /// The cut, in the values' (transformed) units.
    public var value: Double
    /// The method that produced it (`mindensity`, `tailgate`, `quantile`): `tailgate` when mindensity fell back.
    public var method: String
    /// What happened on the way (e.g. `ONE_PEAK_TAILGATE`).
    public var flags: [String]
    /// Creates the value from its parts.
    public init(value: Double, method: String, flags: [String] = []) {
        self.value = value
        self.method = method
        self.flags = flags
    }
}
