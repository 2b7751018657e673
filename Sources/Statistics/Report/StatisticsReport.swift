/// One `flowstudy stats` result: the keyed values of its JSON (named like the outcome tables' columns, in a
/// fixed order) and a short R-like text. The key table is in docs/statistics.md.
public struct StatisticsReport: Sendable {
    /// The test families `flowstudy stats` offers, named as its subcommands.
    public enum Kind: String, CaseIterable, Sendable {
        /// Paired untreated/treated comparison (`untreated,treated`).
        case paired
        /// Two-group Mann–Whitney test (`group,value`).
        case rankSum = "rank-sum"
        /// k-group Kruskal–Wallis test (`group,value`).
        case kruskal
        /// Spearman correlation (`x,y`).
        case spearman
        /// Benjamini–Hochberg adjustment (`p`).
        case bh
    }

    /// A JSON value: an integer count, a number (nil is `null`, for undefined results), a text, or a list.
    public enum Value: Sendable, Equatable {
        /// A count.
        case integer(Int)
        /// A full-precision double; nil or non-finite is written as `null`.
        case number(Double?)
        /// A text, such as `p_method`.
        case text(String)
        /// A list of numbers, such as BH's `adjusted`.
        case numbers([Double?])
    }

    /// One key of the JSON object.
    public struct Entry: Sendable, Equatable {
        /// The key.
        public let key: String
        /// Its value.
        public let value: Value
    }

    /// The keys and values, in output order.
    public let entries: [Entry]
    /// The R-like text printed without `--json`.
    public let text: String

    /// Reads `path` as `kind` expects and computes the test (the one library entry point of `flowstudy stats`).
    public init(_ kind: Kind, csv path: String) throws {
        switch kind {
        case .paired:
            let (untreated, treated) = try StatisticsInput.pairs(csv: path)
            self.init(try PairedComparison(untreated: untreated, treated: treated))
        case .rankSum:
            let groups = try StatisticsInput.groups(csv: path)
            guard groups.count == 2 else {
                throw StatisticsError.groupCount(test: "\(path): rank-sum test", expected: "exactly 2", found: groups.map(\.label))
            }
            self.init(try RankSumTest(first: groups[0].values, second: groups[1].values), labels: (groups[0].label, groups[1].label))
        case .kruskal:
            self.init(try KruskalWallisTest(groups: try StatisticsInput.groups(csv: path).map(\.values)))
        case .spearman:
            let (x, y) = try StatisticsInput.correlationPairs(csv: path)
            self.init(try SpearmanCorrelation(x: x, y: y))
        case .bh:
            self.init(adjusted: try BenjaminiHochberg.adjust(try StatisticsInput.pValues(csv: path)))
        }
    }

    /// The paired comparison's keys: Wilcoxon on Δ, HL of Δ and of log₂ FC, t on logs, GMR, FC quartiles.
    public init(_ c: PairedComparison) {
        let test = c.signedRank, t = c.logTTest, fc = c.foldChange
        entries = [
            .init(key: "n_pairs", value: .integer(c.pairCount)),
            .init(key: "wilcoxon_n_nonzero", value: .integer(test.nonZeroCount)),
            .init(key: "zeros_dropped", value: .integer(test.zerosDropped)),
            .init(key: "n_ratio_excluded", value: .integer(c.ratioExcludedCount)),
            .init(key: "V", value: .number(test.v)),
            .init(key: "p", value: .number(test.p)),
            .init(key: "p_method", value: .text(test.method.rawValue)),
            .init(key: "p_pratt", value: .number(test.prattP)),
        ] + Self.shiftEntries(c.differenceShift, prefix: "hl", estimateKey: "hl_estimate", achieved: true)
            + Self.shiftEntries(c.log2Shift, prefix: "hl_log2", estimateKey: "hl_log2", achieved: false) + [
            .init(key: "t_log_statistic", value: .number(t?.t)),
            .init(key: "t_log_df", value: .number(t?.degreesOfFreedom)),
            .init(key: "t_log_p", value: .number(t?.p)),
            .init(key: "gmr", value: .number(t?.geometricMeanRatio)),
            .init(key: "gmr_ci_low", value: .number(t?.lower)),
            .init(key: "gmr_ci_high", value: .number(t?.upper)),
            .init(key: "fc_median", value: .number(fc?.median)),
            .init(key: "fc_q1", value: .number(fc?.q1)),
            .init(key: "fc_q3", value: .number(fc?.q3)),
        ]
        let f = { (x: Double?) in x.map { RNumberFormat.significant($0, digits: 7) } ?? "NA" }
        var lines = [
            "Wilcoxon signed rank \(test.method == .exact ? "exact test" : "test with continuity correction") (treated − untreated)",
            "n pairs = \(c.pairCount), non-zero = \(test.nonZeroCount), zeros dropped = \(test.zerosDropped)",
            "V = \(f(test.v)), p-value \(RNumberFormat.pValue(test.p)); Pratt p-value \(RNumberFormat.pValue(test.prattP))",
            Self.shiftLine("Hodges–Lehmann (pseudo)median", c.differenceShift),
            Self.shiftLine("Hodges–Lehmann log2 fold change", c.log2Shift),
        ]
        if c.ratioExcludedCount > 0 { lines.append("pairs with a value ≤ 0 left out of ratios: \(c.ratioExcludedCount)") }
        if let t {
            lines.append("paired t-test on logs: t = \(RNumberFormat.significant(t.t, digits: 5)), df = \(f(t.degreesOfFreedom)), p-value \(RNumberFormat.pValue(t.p))")
            lines.append("geometric mean ratio = \(f(t.geometricMeanRatio)), 95 percent confidence interval: \(f(t.lower)) \(f(t.upper))")
        }
        if let fc { lines.append("fold change median [Q1; Q3] = \(f(fc.median)) [\(f(fc.q1)); \(f(fc.q3))]") }
        text = lines.joined(separator: "\n") + "\n"
    }

    /// The rank-sum test's keys; `labels` name the groups in the text.
    public init(_ test: RankSumTest, labels: (first: String, second: String)) {
        entries = [
            .init(key: "n1", value: .integer(test.firstCount)),
            .init(key: "n2", value: .integer(test.secondCount)),
            .init(key: "W", value: .number(test.w)),
            .init(key: "p", value: .number(test.p)),
            .init(key: "p_method", value: .text(test.method.rawValue)),
        ] + Self.shiftEntries(test.shift, prefix: "hl", estimateKey: "hl_shift", achieved: true)
        text = """
        Wilcoxon rank sum \(test.method == .exact ? "exact test" : "test with continuity correction")
        \(labels.first) (n = \(test.firstCount)) vs \(labels.second) (n = \(test.secondCount))
        W = \(RNumberFormat.significant(test.w, digits: 5)), p-value \(RNumberFormat.pValue(test.p))
        \(Self.shiftLine("Hodges–Lehmann difference in location", test.shift))

        """
    }

    /// The Kruskal–Wallis test's keys.
    public init(_ test: KruskalWallisTest) {
        entries = [
            .init(key: "H", value: .number(test.h)),
            .init(key: "df", value: .number(Double(test.degreesOfFreedom))),
            .init(key: "p", value: .number(test.p)),
        ]
        let h = test.h.map { RNumberFormat.significant($0, digits: 5) } ?? "NA"
        text = "Kruskal-Wallis rank sum test\nKruskal-Wallis chi-squared = \(h), df = \(test.degreesOfFreedom), p-value \(RNumberFormat.pValue(test.p))\n"
    }

    /// The Spearman correlation's keys.
    public init(_ test: SpearmanCorrelation) {
        entries = [
            .init(key: "n", value: .integer(test.count)),
            .init(key: "rho", value: .number(test.rho)),
            .init(key: "S", value: .number(test.s)),
            .init(key: "p", value: .number(test.p)),
            .init(key: "p_method", value: .text(test.method.rawValue)),
        ]
        let s = test.s.map { RNumberFormat.significant($0, digits: 5) } ?? "NA"
        let rho = test.rho.map { RNumberFormat.significant($0, digits: 7) } ?? "NA"
        text = "Spearman's rank correlation rho (p: \(test.method.rawValue))\nn = \(test.count), S = \(s), p-value \(RNumberFormat.pValue(test.p))\nrho = \(rho)\n"
    }

    /// The Benjamini–Hochberg adjustment's key, in input order.
    public init(adjusted: [Double?]) {
        entries = [.init(key: "adjusted", value: .numbers(adjusted))]
        text = "Benjamini-Hochberg adjusted p-values (input order)\n"
            + adjusted.map { $0.map { RNumberFormat.significant($0, digits: 7) } ?? "NA" }.joined(separator: "\n") + "\n"
    }

    /// The JSON object, keys in output order, doubles at full precision (shortest text that reads back the
    /// same), `null` where undefined.
    public func json() -> String {
        let fields = entries.map { "  \"\($0.key)\": \(Self.json($0.value))" }
        return "{\n" + fields.joined(separator: ",\n") + "\n}\n"
    }

    private static func json(_ value: Value) -> String {
        switch value {
        case let .integer(count): return String(count)
        case let .number(number): return number.flatMap { $0.isFinite ? "\($0)" : nil } ?? "null"
        case let .text(text): return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case let .numbers(list): return "[" + list.map { json(.number($0)) }.joined(separator: ", ") + "]"
        }
    }

    /// estimate, `<prefix>_ci_low`, `<prefix>_ci_high` (and the achieved confidence) of a shift.
    private static func shiftEntries(_ shift: HodgesLehmannEstimate?, prefix: String, estimateKey: String, achieved: Bool) -> [Entry] {
        [.init(key: estimateKey, value: .number(shift?.estimate)),
         .init(key: prefix + "_ci_low", value: .number(shift?.lower)),
         .init(key: prefix + "_ci_high", value: .number(shift?.upper))]
            + (achieved ? [.init(key: prefix + "_achieved_confidence", value: .number(shift?.achievedConfidence))] : [])
            + [.init(key: prefix + "_ci_method", value: shift.map { .text($0.interval.rawValue) } ?? .number(nil))]
    }

    private static func shiftLine(_ name: String, _ shift: HodgesLehmannEstimate?) -> String {
        guard let shift else { return "\(name): NA" }
        let f = { RNumberFormat.significant($0, digits: 7) }
        let rule = shift.interval == .exact ? "exact k = \(shift.k)" : "k = \(shift.k) from the \(shift.interval.rawValue)"
        return "\(name) = \(f(shift.estimate)), confidence interval: \(f(shift.lower)) \(f(shift.upper)) (achieved \(f(shift.achievedConfidence)), \(rule))"
    }
}
