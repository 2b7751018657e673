import Statistics

/// One block of T6: a clinical variable's levels with n and median [Q1; Q3] of the per-patient effect, and the
/// variable's test (METHODS §5), exploratory. The effect is L = log₂(RUX/UT) of CCL18, or Δ in the
/// sensitivity table.
public struct SubgroupAnalysis: Sendable {
    /// One level's summary.
    public struct Level: Sendable {
        /// The level (`all (continuous)` for a score).
        public var name: String
        /// The patients' effects.
        public var values: [Double]
    }

    /// The variable.
    public var variable: SubgroupVariable
    /// The levels with at least one patient, in the variable's order.
    public var levels: [Level]
    /// Patients with an effect but no value (or the `sine` subset) for the variable.
    public var missingDropped: Int
    /// The test's name (`Kruskal-Wallis`, `Mann-Whitney`, `Spearman`).
    public var test: String
    /// Whether the test was run (enough patients per level).
    public var tested: Bool
    /// H, W or ρ.
    public var statistic: Double?
    /// What the statistic is.
    public var statisticName: String
    /// How p was obtained.
    public var pMethod: String
    /// The test's p.
    public var p: Double?
    /// BH q over the variables tested.
    public var q: Double?
    /// The Hodges–Lehmann shift first − second (two-level variables).
    public var shift: HodgesLehmannEstimate?
    /// Why the variable was not tested, or the shift's direction.
    public var note: String

    /// Analyses `variable` on `effects` (subject id → effect) of the subjects in `subjectOrder`.
    init(_ variable: SubgroupVariable, effects: [(subject: Subject, effect: Double)]) throws {
        self.variable = variable
        levels = []; missingDropped = 0; tested = false; statisticName = ""; pMethod = ""; note = ""
        let minimum = SubgroupVariable.minimumTestedCount
        switch variable.kind {
        case let .categorical(names, level):
            test = "Kruskal-Wallis"
            try groupLevels(names, level, effects)
            let eligible = levels.filter { $0.values.count >= minimum }
            if eligible.count >= 2 {
                let result = try KruskalWallisTest(groups: eligible.map(\.values))
                tested = true
                (statistic, p) = (result.h, result.p)
                statisticName = "H (df = \(result.degreesOfFreedom))"
                pMethod = "chi-squared approximation"
            } else {
                note = "n too small (fewer than 2 levels with n >= \(minimum))"
            }
        case let .twoLevels(first, second, level):
            test = "Mann-Whitney"
            try groupLevels([first, second], level, effects)
            let a = levels.first { $0.name == first }?.values ?? [], b = levels.first { $0.name == second }?.values ?? []
            if a.count >= minimum && b.count >= minimum {
                let result = try RankSumTest(first: a, second: b)
                tested = true
                (statistic, p, shift) = (result.w, result.p, result.shift)
                statisticName = "W (U of \(first))"
                pMethod = result.method.rawValue
                note = "shift = \(first) - \(second)"
            } else {
                note = "n too small (\(first): \(a.count), \(second): \(b.count); need >= \(minimum) each)"
            }
        case let .continuous(value):
            test = "Spearman"
            let pairs = effects.compactMap { item in value(item.subject).map { ($0, item.effect) } }
            missingDropped = effects.count - pairs.count
            if !pairs.isEmpty { levels = [Level(name: "all (continuous)", values: pairs.map(\.1))] }
            if pairs.count >= minimum {
                let result = try SpearmanCorrelation(x: pairs.map(\.0), y: pairs.map(\.1))
                tested = true
                (statistic, p) = (result.rho, result.p)
                statisticName = "rho (S = \(result.s.map(PairedOutcome.number) ?? "NA"))"
                pMethod = result.method.rawValue
            } else {
                note = "n too small (n = \(pairs.count); need >= \(minimum))"
            }
        }
    }

    /// Fills ``levels`` (non-empty ones, in `names` order) and ``missingDropped``.
    private mutating func groupLevels(_ names: [String], _ level: (Subject) -> String?, _ effects: [(subject: Subject, effect: Double)]) throws {
        var groups: [String: [Double]] = [:]
        for item in effects {
            guard let name = level(item.subject), names.contains(name) else { missingDropped += 1; continue }
            groups[name, default: []].append(item.effect)
        }
        levels = names.compactMap { name in groups[name].map { Level(name: name, values: $0) } }
    }
}
