import Testing
@testable import FCS

@Suite("Keywords: case-insensitive lookup in file order")
struct KeywordsTests {
    @Test("removeAll(where:) drops the matches, keeps the others in file order, and lookups find what is left")
    func removeAllWhere() {
        var keywords = Keywords([("$BEGINDATA", "0"), ("$P1N", "FSC-A"), ("$par", "2"), ("$p2s", "CD206"), ("$FIL", "a.fcs"), ("$P2N", "PE-A")])
        keywords.removeAll { $0.key.uppercased().hasPrefix("$P") && $0.key.dropFirst(2).first?.isNumber == true }
        #expect(keywords.entries.map(\.key) == ["$BEGINDATA", "$par", "$FIL"])
        // The index was rebuilt: `$FIL` moved from position 4 to 2, and the removed keys are gone.
        #expect(keywords["$fil"] == "a.fcs" && keywords["$PAR"] == "2" && keywords["$BEGINDATA"] == "0")
        #expect(keywords["$P1N"] == nil && keywords["$P2S"] == nil && !keywords.contains("$p2n"))
        keywords.set("$P1N", "SSC-A")
        #expect(keywords.entries.map(\.key) == ["$BEGINDATA", "$par", "$FIL", "$P1N"] && keywords["$p1n"] == "SSC-A")
    }

    @Test("a predicate that throws part-way leaves the keywords as they were")
    func removeAllThrowing() {
        struct Stop: Error {}
        var keywords = Keywords([("A", "1"), ("B", "2"), ("C", "3"), ("D", "4")])
        #expect(throws: Stop.self) {
            try keywords.removeAll { entry in
                if entry.key == "C" { throw Stop() }
                return entry.key == "A"
            }
        }
        #expect(keywords.entries.map(\.key) == ["A", "B", "C", "D"] && keywords["D"] == "4" && keywords["A"] == "1")
    }

    @Test("a sample cut to some channels keeps none of the old $Pn keywords and all of its other keywords")
    func selectingDropsParameterKeywords() {
        let sample = WriterTests.floatSample(events: 4)
        var keywords = sample.keywords
        for (i, name) in ["FSC-A", "SSC-A", "FITC-A", "PE-A", "Time"].enumerated() {
            keywords.set("$P\(i + 1)N", name)
            keywords.set("$P\(i + 1)B", "32")
        }
        var full = sample
        full.keywords = keywords
        let cut = full.selecting([3, 2], values: .stored)
        #expect(cut.parameters.map(\.name) == ["PE-A", "FITC-A"] && cut.parameters.map(\.index) == [1, 2])
        #expect(cut.keywords.entries.map(\.key) == ["$CYT", "$FIL", "EXPERIMENT", "$SPILLOVER"])
        #expect(cut.columns == [sample.columns[3], sample.columns[2]])
    }
}
