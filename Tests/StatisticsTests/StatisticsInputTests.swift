import Foundation
import Statistics
import Testing
import TestSupport

/// The CSV inputs of `flowstudy stats`: tolerant reading, and errors naming file, line, column and value.
@Suite("stats CSV inputs")
struct StatisticsInputTests {
    @Test("quoted cells, CRLF, a byte-order mark, blank lines and extra columns")
    func tolerant() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("groups.csv")
        try "\u{FEFF}id,group,value\r\n1,\"limited, early\",0.5\r\n\r\n2,diffuse,-1e-3\r\n3,\"limited, early\",\"2\"\r\n"
            .write(toFile: path, atomically: false, encoding: .utf8)
        let groups = try StatisticsInput.groups(csv: path)
        #expect(groups.map(\.label) == ["limited, early", "diffuse"])
        #expect(groups.map(\.values) == [[0.5, 2], [-0.001]])
    }

    @Test("a non-numeric cell is named by file, line, column and value; a missing column by the header")
    func malformed() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("pairs.csv")
        try "untreated,treated\n1,2\n\n3,n/a\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: StatisticsError.malformedCell(file: path, line: 4, column: "treated", value: "n/a", expected: "a finite number, e.g. 3.7 or 1e-07")) {
            try StatisticsInput.pairs(csv: path)
        }
        #expect(throws: StatisticsError.missingColumn(file: path, column: "x", header: ["untreated", "treated"])) {
            try StatisticsInput.correlationPairs(csv: path)
        }
        try "p\n0.01\nNA\n\n0.2\ninf\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: StatisticsError.malformedCell(file: path, line: 6, column: "p", value: "inf", expected: "a finite number, e.g. 3.7 or 1e-07")) {
            try StatisticsInput.pValues(csv: path)
        }
    }

    /// Found by hand after the mutation campaign on the outcomes inputs: `stats paired` stopped with "value 1 is
    /// inf", naming neither file nor line.
    @Test("a pair whose difference overflows is named by its line, with both values")
    func differenceOverflow() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("pairs.csv")
        try "untreated,treated\n1,2\n-1.7e308,1.7e308\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: StatisticsError.malformedCell(file: path, line: 3, column: "treated", value: "1.7e+308",
                                                      expected: "a value whose difference from untreated (-1.7e+308) is finite")) {
            try StatisticsInput.pairs(csv: path)
        }
        // The largest finite difference is a value.
        try "untreated,treated\n1,2\n-0.85e308,0.85e308\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try StatisticsInput.pairs(csv: path).treated == [2, 0.85e308])
    }

    @Test("NA and empty p-values are missing, not errors")
    func missingP() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("p.csv")
        try "test,p\na,0.01\nb,NA\nc,\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try StatisticsInput.pValues(csv: path) == [0.01, nil, nil])
    }

    @Test("20,000 groups of one value and 3 interleaved groups: order of first appearance, values in file order")
    func manyGroups() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("groups.csv")
        let lines = (0..<20_000).map { "g\($0),\($0)" } + (0..<9).map { "g\($0 % 3),\(-$0)" }
        try ("group,value\n" + lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        let groups = try StatisticsInput.groups(csv: path)
        #expect(groups.count == 20_000)
        #expect(groups.prefix(3).map(\.values) == [[0, 0, -3, -6], [1, -1, -4, -7], [2, -2, -5, -8]])
        #expect(groups.map(\.label) == (0..<20_000).map { "g\($0)" })
        #expect(groups.dropFirst(3).allSatisfy { $0.values.count == 1 })
    }

    @Test("a wrong number of groups names up to 8 of them, then how many more: 20,000 groups make one short line")
    func groupCountMessage() {
        let many = StatisticsError.groupCount(test: "rank-sum test", expected: "exactly 2", found: (0..<20_000).map { "g\($0)" })
        #expect(many.description == "rank-sum test: expected exactly 2 groups, found 20000 (g0, g1, g2, g3, g4, g5, g6, g7 and 19992 more)")
        let three = StatisticsError.groupCount(test: "rank-sum test", expected: "exactly 2", found: ["UT", "RUX", "LPS"])
        #expect(three.description == "rank-sum test: expected exactly 2 groups, found 3 (UT, RUX, LPS)")
    }
}
