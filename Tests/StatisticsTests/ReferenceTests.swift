import Foundation
import Statistics
import Testing
import TestSupport

/// Every case of ../shared/stats/reference.json against base R 4.2.2 (the `r` block), within METHODS.md's
/// tolerances: 1e-9 relative, exact p-values to 1e-12; Hodges–Lehmann with ties or zeros against the
/// Walsh-definition values (`hodges_lehmann`), since R's `uniroot` answer is a different estimator there.
@Suite("reference.json: R 4.2.2 defaults", .needsShared)
struct ReferenceTests {
    @Test("paired: Wilcoxon V, p and method, Pratt, HL of Δ, t on logs, GMR, fold-change quartiles")
    func paired() throws {
        try ReferenceCase.check("paired") { reference, deviation in
            let id = reference.id, r = reference.r, scipy = reference.scipy
            let result = try PairedComparison(untreated: try numbers(reference.input, "untreated"),
                                              treated: try numbers(reference.input, "treated"))
            let test = result.signedRank
            let zeros = Int(try number(scipy, "n_zero_differences"))
            let ties = scipy["ties_in_abs_differences"] as? Bool ?? true
            #expect(result.pairCount == Int(try number(scipy, "n")), "\(id)")
            #expect(test.zerosDropped == zeros && test.nonZeroCount == result.pairCount - zeros, "\(id)")
            #expect(test.v == (try number(r, "wilcox_V")), "\(id): V")
            let rMethod = try #require(r["wilcox_method"] as? String)
            let exact = rMethod.contains("exact")
            #expect(test.method == (exact ? .exact : .normalWithContinuityCorrection), "\(id): \(rMethod)")
            deviation.expect(test.p, try number(r, "wilcox_p"), rtol: exact ? 0 : 1e-9, "\(id) p")
            if zeros > 0 {
                let configs = try #require(scipy["configs"] as? [String: Any])
                deviation.expect(test.prattP, try number(configs, "asymptotic_pratt", "pvalue"), "\(id) Pratt p")
            } else {
                #expect(test.prattP == test.p, "\(id): Pratt equals p without zeros")
            }

            // HL of Δ: R's conf.int values without ties or zeros, the Walsh definition with them.
            let walsh = try #require(scipy["hodges_lehmann"] as? [String: Any])
            let hl = result.differenceShift
            if zeros == 0 && !ties {
                deviation.expect(hl.estimate, try number(r, "hl_estimate"), "\(id) HL")
                deviation.expect(hl.lower, try number(r, "hl_ci_low"), "\(id) HL low")
                deviation.expect(hl.upper, try number(r, "hl_ci_high"), "\(id) HL high")
            }
            deviation.expect(hl.estimate, try number(walsh, "estimate"), "\(id) HL (Walsh)")
            deviation.expect(hl.lower, try number(walsh, "ci95", "0"), "\(id) HL low (Walsh)")
            deviation.expect(hl.upper, try number(walsh, "ci95", "1"), "\(id) HL high (Walsh)")
            deviation.expect(hl.achievedConfidence, try number(walsh, "achieved_confidence"), "\(id) HL achieved confidence")

            let t = try #require(result.logTTest, "\(id)")
            let scipyT = try #require(scipy["paired_t_log"] as? [String: Any])
            deviation.expect(t.t, try number(r, "t_log_stat"), "\(id) t")
            deviation.expect(t.p, try number(r, "t_log_p"), "\(id) t p")
            #expect(t.degreesOfFreedom == (try number(scipyT, "df")), "\(id): df")
            deviation.expect(t.meanLogRatio, try number(scipyT, "mean_log_ratio"), "\(id) mean log ratio")
            deviation.expect(t.geometricMeanRatio, try number(scipyT, "geometric_mean_ratio"), "\(id) GMR")
            deviation.expect(t.lower, try number(scipyT, "gmr_ci95", "0"), "\(id) GMR low")
            deviation.expect(t.upper, try number(scipyT, "gmr_ci95", "1"), "\(id) GMR high")

            let fc = try #require(result.foldChange, "\(id)")
            deviation.expect(fc.median, try number(r, "fc_median"), "\(id) FC median")
            deviation.expect(fc.q1, try number(r, "fc_q1"), "\(id) FC Q1")
            deviation.expect(fc.q3, try number(r, "fc_q3"), "\(id) FC Q3")
            #expect(result.ratioExcludedCount == 0, "\(id): every reference value is > 0")
        }
    }

    @Test("Mann–Whitney: W, p and method, HL shift (R's CI without ties; Walsh estimate, R within uniroot's 1e-3, with ties)")
    func rankSum() throws {
        try ReferenceCase.check("mann_whitney") { reference, deviation in
            let id = reference.id, r = reference.r
            let result = try RankSumTest(first: try numbers(reference.input, "group1"), second: try numbers(reference.input, "group2"))
            let ties = reference.scipy["ties"] as? Bool ?? true
            let (n1, n2) = (Int(try number(reference.scipy, "n1")), Int(try number(reference.scipy, "n2")))
            #expect(result.firstCount == n1 && result.secondCount == n2, "\(id)")
            #expect(result.hasTies == ties, "\(id)")
            #expect(result.w == (try number(r, "W")), "\(id): W")
            let rMethod = try #require(r["method"] as? String)
            let exact = rMethod.contains("exact")
            #expect(result.method == (exact ? .exact : .normalWithContinuityCorrection), "\(id): \(rMethod)")
            deviation.expect(result.p, try number(r, "p"), rtol: exact ? 0 : 1e-9, "\(id) p")
            let walsh = try #require(reference.scipy["hodges_lehmann_shift"] as? [String: Any])
            deviation.expect(result.shift.estimate, try number(walsh, "estimate"), "\(id) HL shift (all differences)")
            let tolerance = ties ? (rtol: 0.0, atol: 1e-3) : (rtol: 1e-9, atol: 1e-12)
            deviation.expect(result.shift.estimate, try number(r, "hl_shift"), rtol: tolerance.rtol, atol: tolerance.atol, "\(id) HL shift (R)")
            deviation.expect(result.shift.lower, try number(r, "hl_ci_low"), rtol: tolerance.rtol, atol: tolerance.atol, "\(id) HL low (R)")
            deviation.expect(result.shift.upper, try number(r, "hl_ci_high"), rtol: tolerance.rtol, atol: tolerance.atol, "\(id) HL high (R)")
        }
    }

    @Test("Kruskal–Wallis: H, df, p")
    func kruskal() throws {
        try ReferenceCase.check("kruskal") { reference, deviation in
            let id = reference.id
            let groups = try #require(reference.input["groups"] as? [String: Any])
            let values = try groups.keys.sorted().map { try numbers(groups, $0) }
            let result = try KruskalWallisTest(groups: values)
            deviation.expect(result.h, try number(reference.r, "H"), "\(id) H")
            #expect(Double(result.degreesOfFreedom) == (try number(reference.r, "df")), "\(id): df")
            deviation.expect(result.p, try number(reference.r, "p"), "\(id) p")
        }
    }

    @Test("Spearman: ρ, S, p (AS 89 exact for n ≤ 9, against R and the full permutation count)")
    func spearman() throws {
        try ReferenceCase.check("spearman") { reference, deviation in
            let id = reference.id
            let result = try SpearmanCorrelation(x: try numbers(reference.input, "x"), y: try numbers(reference.input, "y"))
            let ties = reference.scipy["ties"] as? Bool ?? true
            let expectedMethod: PValueMethod = ties ? .tApproximation : (result.count <= 9 ? .exact : .edgeworth)
            #expect(result.method == expectedMethod, "\(id)")
            deviation.expect(result.rho, try number(reference.r, "rho"), "\(id) rho")
            deviation.expect(result.s, try number(reference.r, "S"), "\(id) S")
            deviation.expect(result.p, try number(reference.r, "p"), rtol: result.method == .exact ? 0 : 1e-9, "\(id) p")
            if let configs = reference.scipy["configs"] as? [String: Any], configs["exact_permutation"] != nil {
                deviation.expect(result.p, try number(configs, "exact_permutation", "pvalue"), rtol: 0, "\(id) p (permutations)")
            }
        }
    }

    @Test("Benjamini–Hochberg: adjusted values in input order")
    func bh() throws {
        try ReferenceCase.check("bh") { reference, deviation in
            let adjusted = try BenjaminiHochberg.adjust(try numbers(reference.input, "p"))
            let expected = try numbers(reference.r, "adjusted")
            #expect(adjusted.count == expected.count)
            for (index, (q, e)) in zip(adjusted, expected).enumerated() { deviation.expect(q, e, "\(reference.id)[\(index)]") }
        }
    }

    @Test("every case of reference.json is of a kind these tests check")
    func coverage() throws {
        let kinds: Set = ["paired", "mann_whitney", "kruskal", "spearman", "bh"]
        let cases = try ReferenceCase.all()
        #expect(cases.count >= 10)
        for reference in cases { #expect(kinds.contains(reference.test), "\(reference.id): unchecked kind \(reference.test)") }
    }
}
