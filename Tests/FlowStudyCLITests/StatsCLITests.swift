import Foundation
import Testing
import TestSupport

/// `flowstudy stats`: the reference cases written as the CSV a statistician would give, the JSON compared with
/// base R 4.2.2 (reference.json), and the exit codes of bad input.
@Suite("flowstudy stats")
struct StatsCLITests {
    let flowstudy: String

    init() throws {
        flowstudy = try #require(flowstudyExecutable(), "the flowstudy executable is built by swift test")
    }

    /// Runs `flowstudy stats <kind> <csv> --json` on `text` and returns the parsed object.
    func json(_ kind: String, csv text: String) throws -> [String: Any] {
        let folder = try TemporaryDirectory()
        let path = folder.path("input.csv")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let result = run(flowstudy, ["stats", kind, path, "--json"])
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    func expectClose(_ object: [String: Any], _ key: String, _ expected: Double?, rtol: Double = 1e-9,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        guard let expected else { Issue.record("no reference value for \(key)", sourceLocation: sourceLocation); return }
        let actual = jsonNumber(object, key)
        #expect(actual.map { abs($0 - expected) <= rtol * abs(expected) + 1e-12 } == true,
                "\(key): \(actual.map(String.init(describing:)) ?? "null") vs reference \(expected)", sourceLocation: sourceLocation)
    }

    func reference(_ kind: String) throws -> [StatsReferenceCase] {
        let cases = try StatsReferenceCase.all().filter { $0.test == kind }
        try #require(!cases.isEmpty, "reference.json has no '\(kind)' case")
        return cases
    }

    func rows(_ columns: [[Double]]) -> String {
        (0..<(columns.first?.count ?? 0)).map { row in columns.map { "\($0[row])" }.joined(separator: ",") }.joined(separator: "\n")
    }

    @Test("paired: every key against R (HL with ties or zeros against the Walsh values)",
          .needsShared)
    func paired() throws {
        for c in try reference("paired") {
            let untreated = try #require(jsonNumbers(c.input, "untreated")), treated = try #require(jsonNumbers(c.input, "treated"))
            let out = try json("paired", csv: "untreated,treated\n" + rows([untreated, treated]) + "\n")
            let zeros = jsonNumber(c.scipy, "n_zero_differences") ?? -1
            #expect(jsonNumber(out, "n_pairs") == Double(untreated.count) && jsonNumber(out, "zeros_dropped") == zeros, "\(c.id)")
            #expect(jsonNumber(out, "n_ratio_excluded") == 0, "\(c.id)")
            #expect(jsonNumber(out, "V") == jsonNumber(c.r, "wilcox_V"), "\(c.id)")
            let exact = (c.r["wilcox_method"] as? String)?.contains("exact") == true
            #expect(out["p_method"] as? String == (exact ? "exact" : "normal approximation with continuity correction"), "\(c.id)")
            expectClose(out, "p", jsonNumber(c.r, "wilcox_p"), rtol: exact ? 0 : 1e-9)
            let walsh = c.scipy["hodges_lehmann"]
            expectClose(out, "hl_estimate", jsonNumber(walsh, "estimate"))
            expectClose(out, "hl_ci_low", jsonNumber(walsh, "ci95", "0"))
            expectClose(out, "hl_ci_high", jsonNumber(walsh, "ci95", "1"))
            expectClose(out, "hl_achieved_confidence", jsonNumber(walsh, "achieved_confidence"))
            if zeros == 0 && c.scipy["ties_in_abs_differences"] as? Bool == false {
                expectClose(out, "hl_estimate", jsonNumber(c.r, "hl_estimate"))
                expectClose(out, "hl_ci_low", jsonNumber(c.r, "hl_ci_low"))
                expectClose(out, "hl_ci_high", jsonNumber(c.r, "hl_ci_high"))
            }
            expectClose(out, "t_log_statistic", jsonNumber(c.r, "t_log_stat"))
            expectClose(out, "t_log_p", jsonNumber(c.r, "t_log_p"))
            expectClose(out, "t_log_df", jsonNumber(c.scipy, "paired_t_log", "df"))
            expectClose(out, "gmr", jsonNumber(c.scipy, "paired_t_log", "geometric_mean_ratio"))
            expectClose(out, "gmr_ci_low", jsonNumber(c.scipy, "paired_t_log", "gmr_ci95", "0"))
            expectClose(out, "gmr_ci_high", jsonNumber(c.scipy, "paired_t_log", "gmr_ci95", "1"))
            for key in ["fc_median", "fc_q1", "fc_q3"] { expectClose(out, key, jsonNumber(c.r, key)) }
            // HL of log2 FC: its estimate is the log2 of a typical ratio, between the FC quartiles' logs.
            let hlLog2 = try #require(jsonNumber(out, "hl_log2"))
            let low = try #require(jsonNumber(out, "hl_log2_ci_low")), high = try #require(jsonNumber(out, "hl_log2_ci_high"))
            #expect(low <= hlLog2 && hlLog2 <= high, "\(c.id)")
        }
    }

    @Test("rank-sum, kruskal, spearman, bh: JSON against R",
          .needsShared)
    func others() throws {
        for c in try reference("mann_whitney") {
            let first = try #require(jsonNumbers(c.input, "group1")), second = try #require(jsonNumbers(c.input, "group2"))
            let lines = first.map { "diffuse,\($0)" } + second.map { "limited,\($0)" }
            let out = try json("rank-sum", csv: "group,value\n" + lines.joined(separator: "\n") + "\n")
            #expect(jsonNumber(out, "n1") == Double(first.count) && jsonNumber(out, "n2") == Double(second.count), "\(c.id)")
            #expect(jsonNumber(out, "W") == jsonNumber(c.r, "W"), "\(c.id)")
            let exact = (c.r["method"] as? String)?.contains("exact") == true
            #expect(out["p_method"] as? String == (exact ? "exact" : "normal approximation with continuity correction"), "\(c.id)")
            expectClose(out, "p", jsonNumber(c.r, "p"), rtol: exact ? 0 : 1e-9)
            expectClose(out, "hl_shift", jsonNumber(c.scipy, "hodges_lehmann_shift", "estimate"))
            if c.scipy["ties"] as? Bool == false {
                expectClose(out, "hl_ci_low", jsonNumber(c.r, "hl_ci_low"))
                expectClose(out, "hl_ci_high", jsonNumber(c.r, "hl_ci_high"))
            }
        }
        for c in try reference("kruskal") {
            let groups = try #require(c.input["groups"] as? [String: Any])
            let lines = groups.keys.sorted().flatMap { group in (jsonNumbers(groups, group) ?? []).map { "\(group),\($0)" } }
            let out = try json("kruskal", csv: "group,value\n" + lines.joined(separator: "\n") + "\n")
            for key in ["H", "df", "p"] { expectClose(out, key, jsonNumber(c.r, key)) }
        }
        for c in try reference("spearman") {
            let x = try #require(jsonNumbers(c.input, "x")), y = try #require(jsonNumbers(c.input, "y"))
            let out = try json("spearman", csv: "x,y\n" + rows([x, y]) + "\n")
            #expect(jsonNumber(out, "n") == Double(x.count))
            for key in ["rho", "S", "p"] { expectClose(out, key, jsonNumber(c.r, key)) }
            #expect(["exact", "edgeworth", "t approximation"].contains(out["p_method"] as? String ?? ""))
        }
        for c in try reference("bh") {
            let p = try #require(jsonNumbers(c.input, "p")), expected = try #require(jsonNumbers(c.r, "adjusted"))
            let out = try json("bh", csv: "p\n" + p.map { "\($0)" }.joined(separator: "\n") + "\nNA\n")
            let adjusted = try #require(out["adjusted"] as? [Any])
            #expect(adjusted.count == p.count + 1 && adjusted.last is NSNull, "NA stays missing, out of m")
            for (index, value) in expected.enumerated() {
                let actual = (adjusted[index] as? NSNumber)?.doubleValue ?? .nan
                #expect(abs(actual - value) <= 1e-9 * value + 1e-12, "\(c.id)[\(index)]")
            }
        }
    }

    @Test("R-like text without --json; exit 65 naming file, line, column and value; 64 for usage")
    func textAndErrors() throws {
        let folder = try TemporaryDirectory()
        let good = folder.path("pairs.csv")
        try "untreated,treated\n16.836,5.046\n7.893,3.16\n8.79,2.502\n33.936,10.435\n16.983,7.857\n".write(toFile: good, atomically: false, encoding: .utf8)
        let text = run(flowstudy, ["stats", "paired", good])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Wilcoxon signed rank exact test") && text.stdout.contains("V = 0, p-value = 0.0625"))

        let bad = folder.path("bad.csv")
        try "untreated,treated\n1,2\n3,4.5.6\n".write(toFile: bad, atomically: false, encoding: .utf8)
        let malformed = run(flowstudy, ["stats", "paired", bad, "--json"])
        #expect(malformed.status == 65)
        #expect(malformed.stderr.contains(bad) && malformed.stderr.contains("line 3") && malformed.stderr.contains("'treated'")
                && malformed.stderr.contains("'4.5.6'"), "\(malformed.stderr)")
        let missingColumn = run(flowstudy, ["stats", "spearman", good])
        #expect(missingColumn.status == 65 && missingColumn.stderr.contains("'x'"), "\(missingColumn.stderr)")

        let three = folder.path("three.csv")
        try "group,value\na,1\nb,2\nc,3\na,4\n".write(toFile: three, atomically: false, encoding: .utf8)
        let groups = run(flowstudy, ["stats", "rank-sum", three])
        #expect(groups.status == 65 && groups.stderr.contains("exactly 2"), "\(groups.stderr)")
        #expect(run(flowstudy, ["stats", "kruskal", three, "--json"]).status == 0)

        #expect(run(flowstudy, ["stats", "paired"]).status == 64)
        #expect(run(flowstudy, ["stats", "anova", good]).status == 64)
        #expect(run(flowstudy, ["stats", "paired", folder.path("absent.csv")]).status == 65)
    }

    @Test("large files finish: 20,000 pairs and 150 + 150 values, the interval's k from the named normal approximation")
    func largeFiles() throws {
        // Δᵢ = i: the Walsh averages of 1…n are symmetric about (n + 1)/2, so the estimate is (n + 1)/2 and the limits
        // add up to n + 1.
        let n = 20_000
        let paired = try json("paired", csv: "untreated,treated\n" + (1...n).map { "10,\(10 + $0)" }.joined(separator: "\n") + "\n")
        #expect(jsonNumber(paired, "hl_estimate") == Double(n + 1) / 2)
        let low = try #require(jsonNumber(paired, "hl_ci_low")), high = try #require(jsonNumber(paired, "hl_ci_high"))
        #expect(low + high == Double(n + 1) && low < high)
        #expect(paired["hl_ci_method"] as? String == "normal approximation with continuity and kurtosis corrections")
        #expect(paired["p_method"] as? String == "normal approximation with continuity correction")

        // 1…150 against 0.5…149.5: the differences i − j + 0.5 are symmetric about 0.5.
        let lines = (1...150).map { "a,\($0)" } + (1...150).map { "b,\(Double($0) - 0.5)" }
        let folder = try TemporaryDirectory()
        try ("group,value\n" + lines.joined(separator: "\n") + "\n").write(toFile: folder.path("g.csv"), atomically: false, encoding: .utf8)
        let text = run(flowstudy, ["stats", "rank-sum", folder.path("g.csv")])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Hodges–Lehmann difference in location = 0.5,")
                && text.stdout.contains("from the normal approximation with continuity and kurtosis corrections"), "\(text.stdout)")
    }
}
