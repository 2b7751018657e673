/// A clinical variable of S4 (OUTCOMES S4a–S4f): how it splits or scores the SSc patients.
public struct SubgroupVariable: Sendable {
    /// How the variable is analysed.
    public enum Kind: Sendable {
        /// Several levels, Kruskal–Wallis over the levels with n ≥ 3.
        case categorical(levels: [String], level: @Sendable (Subject) -> String?)
        /// Two levels, Mann–Whitney (first − second) when both have n ≥ 3.
        case twoLevels(first: String, second: String, level: @Sendable (Subject) -> String?)
        /// A score, Spearman's ρ against the effect.
        case continuous(value: @Sendable (Subject) -> Double?)
    }

    /// `S4a` … `S4f`.
    public var id: String
    /// The table's `variable` name (the clinical column).
    public var name: String
    /// The levels and the test.
    public var kind: Kind

    /// The six variables, in table order. `sine` patients are not a level of S4f (left out, counted as
    /// missing); `multiple` and `other` antibodies form the level `other`; DU `yes` = current or past.
    public static let study: [SubgroupVariable] = [
        .init(id: "S4a", name: "autoantibody", kind: .categorical(levels: ["ACA", "ATA", "ARA", "none", "other"], level: { $0.autoantibodyLevel })),
        .init(id: "S4b", name: "mrss", kind: .continuous(value: { $0.mrss.map(Double.init) })),
        .init(id: "S4c", name: "digital_ulcers", kind: .twoLevels(first: "yes", second: "no", level: { $0.digitalUlcersEver?.rawValue })),
        .init(id: "S4d", name: "ild_ct", kind: .twoLevels(first: "yes", second: "no", level: { $0.ildCT?.rawValue })),
        .init(id: "S4e", name: "pah_echo", kind: .twoLevels(first: "yes", second: "no", level: { $0.pahEcho?.rawValue })),
        .init(id: "S4f", name: "ssc_subset", kind: .twoLevels(first: "diffuse", second: "limited", level: { subject in
            subject.subset.flatMap { $0 == .sine ? nil : $0.rawValue }
        })),
    ]

    /// The smallest level (or sample) that is tested.
    public static let minimumTestedCount = 3
}
