import ArgumentParser
import Statistics

extension StatisticsReport.Kind: ExpressibleByArgument {}

/// `flowstudy stats TEST FILE.csv [--json]`: one R-equivalent test on a CSV file, so a statistician can hold
/// FlowStudy against R on their own numbers. Reading and computing are the Statistics library's
/// (`StatisticsReport`); this is a shell that prints the result and maps errors to exit codes.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "R-exact tests on a CSV file: paired, rank-sum, kruskal, spearman, bh.",
        discussion: """
        R's defaults are the target (wilcox.test, t.test, kruskal.test, cor.test,
        p.adjust, quantile type 7). Tests and the CSV columns they read:
          paired    untreated,treated: Wilcoxon signed-rank on treated − untreated
                    (and Pratt), Hodges–Lehmann of the difference and of log2 FC,
                    paired t on logs, geometric mean ratio, fold-change quartiles
          rank-sum  group,value with exactly two groups (the first to appear is
                    group 1): Mann–Whitney W and p, Hodges–Lehmann shift
          kruskal   group,value: Kruskal–Wallis H (tie-corrected), df, p
          spearman  x,y: rho, S, p (AS 89: exact to n = 9, Edgeworth above;
                    t approximation with ties)
          bh        p (NA or empty = missing, left out of m): Benjamini–Hochberg
        JSON keys and conventions: docs/statistics.md. Exit status 65 for a file
        that cannot be used, 64 for a usage error.
        """
    )

    @Argument(help: "The test: paired, rank-sum, kruskal, spearman or bh.")
    var test: StatisticsReport.Kind

    @Argument(help: "The CSV file (columns as listed above).")
    var file: String

    @Flag(help: "Print the keyed JSON object (full-precision doubles, null where undefined) instead of R-like text.")
    var json = false

    func run() throws {
        let report: StatisticsReport
        do {
            report = try StatisticsReport(test, csv: file)
        } catch let error as StatisticsError {
            printError("flowstudy stats \(test.rawValue): \(error)")
            throw badInputData
        }
        print(json ? report.json() : report.text, terminator: "")
    }
}
