/// Which gate percentages of a batch stand out: a tube is compared only with tubes of its own kind, and flagged when
/// its % is beyond the kind's median ± 3 MAD *and* at least `minimumDifference` points from that median.
///
/// Kinds: stained samples with each other; each control type and marker (every FMO CD206 tube, every isotype
/// HLA-DR tube) with its own kind. A control's gates on its own marker are left out: an FMO tube has ≈ 0 % in its
/// marker's gate by design, which says nothing about the tube. The minimum difference keeps a tight batch (MAD
/// 0.4 points) from flagging 90.4 % against a median of 91.8 %.
public struct OutlierRule: Sendable, Equatable {
    /// One tube's % in one gate, with the kind it is compared within.
    public struct Value: Sendable, Equatable {
        /// The sample id.
        public var sample: String
        /// The kind: ``OutlierRule/stained`` or ``OutlierRule/kind(controlType:marker:)``.
        public var kind: String
        /// The gate's % of parent.
        public var percent: Double
        /// A value to compare.
        public init(sample: String, kind: String, percent: Double) {
            self.sample = sample
            self.kind = kind
            self.percent = percent
        }
    }

    /// A flagged value with the statistics of the kind it was compared within.
    public struct Outlier: Sendable, Equatable {
        /// The population whose gate % stands out.
        public var population: String
        /// The sample id.
        public var sample: String
        /// The sample's %.
        public var percent: Double
        /// The median % of its kind.
        public var median: Double
        /// The unscaled median absolute deviation of its kind.
        public var mad: Double
        /// The kind it was compared within (`stained`, `FMO CD206`, …).
        public var kind: String
        /// How many tubes of that kind had a % in this gate.
        public var compared: Int
    }

    /// The kind of every stained (non-control) sample.
    public static let stained = "stained"

    /// The kind of a control tube: its type and marker (`FMO CD206`), the marker as the template's panel keys it.
    public static func kind(controlType: String, marker: String) -> String { "\(controlType) \(marker)" }

    /// How many MADs from the median a value must be.
    public var madMultiplier: Double
    /// How many percentage points from the median a value must also be.
    public var minimumDifference: Double
    /// Kinds with fewer values than this flag nothing.
    public var minimumCount: Int

    /// The rule: beyond `madMultiplier` MADs and at least `minimumDifference` points from the kind's median.
    public init(madMultiplier: Double = 3, minimumDifference: Double = 2, minimumCount: Int = 3) {
        self.madMultiplier = madMultiplier
        self.minimumDifference = minimumDifference
        self.minimumCount = minimumCount
    }

    /// The outliers among `values` (one gate), in the order given. Non-finite %s are not compared.
    public func outliers(of population: String, _ values: [Value]) -> [Outlier] {
        var byKind: [String: [Double]] = [:]
        for value in values where value.percent.isFinite { byKind[value.kind, default: []].append(value.percent) }
        var statistics: [String: (median: Double, mad: Double, count: Int)] = [:]
        for (kind, percents) in byKind where percents.count >= minimumCount {
            let median = Self.median(percents)
            statistics[kind] = (median, Self.median(percents.map { abs($0 - median) }), percents.count)
        }
        return values.compactMap { value in
            guard value.percent.isFinite, let s = statistics[value.kind] else { return nil }
            let difference = abs(value.percent - s.median)
            // With a MAD of 0 the minimum difference alone decides: one control at 5 % among controls at 0 % stands out.
            guard difference > madMultiplier * s.mad, difference >= minimumDifference else { return nil }
            return Outlier(population: population, sample: value.sample, percent: value.percent, median: s.median, mad: s.mad,
                           kind: value.kind, compared: s.count)
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
