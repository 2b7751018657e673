import Statistics

/// One readout's complete pairs in one arm: one untreated and one treated value per unit, with the counts the
/// footnotes need (censored values per side, incomplete pairs, exclusions).
///
/// The unit is the subject. In the HD arm a unit may have received several sera: values are paired within each
/// (HD donor, serum source) first, and the donor's value per condition is the median over its complete
/// serum pairs, before pairing (OUTCOMES S3). Several samples of one unit, serum and condition (replicate
/// cultures) are summarised by their median the same way.
public struct UnitPairs: Sendable {
    /// The units with both values, in sheet order.
    public var units: [String]
    /// Whether each side of a pair is (or includes) a value substituted for a censored one (< LLOQ or > ULOQ),
    /// by position in ``units``: figures draw these as open symbols.
    public var censored: [(untreated: Bool, treated: Bool)]
    /// Untreated values, by position in ``units``.
    public var untreated: [Double]
    /// Treated values, by position in ``units``.
    public var treated: [Double]
    /// Censored values among the samples used: below the LLOQ, untreated and treated.
    public var belowLLOQ: (untreated: Int, treated: Int)
    /// Censored values among the samples used: above the ULOQ, untreated and treated.
    public var aboveULOQ: (untreated: Int, treated: Int)
    /// Units with a usable value on one side only.
    public var incompleteUnits: [String]
    /// Samples left out, by reason (`CURVE_REJECTED`, `NOT_READ`).
    public var excluded: [ConcentrationResult.Exclusion: [String]]
    /// Samples of the arm whose expected result of the readout is missing (``StudyData/missing``: the same
    /// results, so the footnotes and `missing_results.csv` agree).
    public var absent: [String]
    /// Samples of the arm without a result the sheet never expected (no FCS file, no plate of the analyte).
    public var notMeasured: [String]

    /// The pairs of `readout` among the culture samples of `arm`.
    init(_ readout: Readout, arm: StudyArm, data: StudyData) {
        units = []; untreated = []; treated = []; censored = []
        belowLLOQ = (0, 0); aboveULOQ = (0, 0)
        incompleteUnits = []; excluded = [:]; absent = []; notMeasured = []
        let missing = Dictionary(grouping: data.missing, by: \.sampleID)
        // unit → serum → condition → [(value, status)]
        var values: [String: [String: [CultureCondition: [(Double, ConcentrationResult.Status)]]]] = [:]
        var order: [String] = []
        for sample in data.cultureSamples(in: arm) where sample.condition == arm.untreated || sample.condition == arm.treated {
            if values[sample.unitID] == nil { order.append(sample.unitID) }
            switch data.observation(readout, sample: sample) {
            case let .value(value, status):
                values[sample.unitID, default: [:]][sample.serumSubjectID ?? "", default: [:]][sample.condition, default: []].append((value, status))
            case .excluded(let reason):
                excluded[reason, default: []].append(sample.id)
                values[sample.unitID, default: [:]] = values[sample.unitID] ?? [:]
            case .absent:
                if data.missingResult(readout, of: sample, among: missing[sample.id] ?? []) != nil {
                    absent.append(sample.id)
                } else {
                    notMeasured.append(sample.id)
                }
                values[sample.unitID, default: [:]] = values[sample.unitID] ?? [:]
            }
        }
        for unit in order {
            let sera = values[unit] ?? [:]
            var unitUntreated: [Double] = [], unitTreated: [Double] = []
            var anyValue = false
            var unitCensored = (untreated: false, treated: false)
            for serum in sera.keys.sorted() {
                let conditions = sera[serum] ?? [:]
                anyValue = anyValue || !conditions.isEmpty
                guard let before = conditions[arm.untreated], let after = conditions[arm.treated],
                      let beforeMedian = Self.median(before.map(\.0)), let afterMedian = Self.median(after.map(\.0)) else { continue }
                unitCensored.untreated = unitCensored.untreated || before.contains { $0.1 == .belowLLOQ || $0.1 == .aboveULOQ }
                unitCensored.treated = unitCensored.treated || after.contains { $0.1 == .belowLLOQ || $0.1 == .aboveULOQ }
                unitUntreated.append(beforeMedian)
                unitTreated.append(afterMedian)
                belowLLOQ.untreated += before.filter { $0.1 == .belowLLOQ }.count
                belowLLOQ.treated += after.filter { $0.1 == .belowLLOQ }.count
                aboveULOQ.untreated += before.filter { $0.1 == .aboveULOQ }.count
                aboveULOQ.treated += after.filter { $0.1 == .aboveULOQ }.count
            }
            if let u = Self.median(unitUntreated), let t = Self.median(unitTreated) {
                units.append(unit)
                untreated.append(u)
                treated.append(t)
                censored.append(unitCensored)
            } else if anyValue {
                incompleteUnits.append(unit)
            }
        }
    }

    /// The number of complete pairs.
    public var count: Int { units.count }

    /// The type-7 median; nil for no values.
    static func median(_ values: [Double]) -> Double? {
        values.count == 1 ? values[0] : Quantile.median(sorted: values.sorted())
    }
}
