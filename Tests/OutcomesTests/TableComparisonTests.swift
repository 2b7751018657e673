import Outcomes
import Tables
import Testing

/// The comparator itself: it must see every differing cell, and only those.
@Suite("TableComparison")
struct TableComparisonTests {
    let expected = """
    outcome,analyte,p,p_method,effect_type,note
    P1,CCL18,0.03125,exact,HL ratio,a
    S1,IL-6,0.059,normal approximation with continuity correction,HL ratio,
    """

    @Test("every differing cell, missing and extra rows; numbers within rtol·|b| + 1e-12; informational columns skipped")
    func differences() throws {
        let produced = """
        outcome,analyte,p,p_method,effect_type,note
        P1,CCL18,0.03125000000001,exact,other text,b
        S1,IL-6,0.0591,exact,HL ratio,
        S1,CXCL4,0.5,exact,HL ratio,
        """
        var comparison = TableComparison.reference("T2_soluble_SSc.csv", relativeTolerance: 1e-9)
        let found = comparison.differences(try CSVTable(produced), try CSVTable(expected), table: "T2")
        #expect(Set(found.map { "\($0.key)/\($0.column)" }) == ["IL-6/p", "IL-6/p_method", "CXCL4/"])
    }

    @Test("a missing row and a changed header are differences")
    func missingRow() throws {
        let produced = """
        outcome,analyte,p,p_method,effect_type
        P1,CCL18,0.03125,exact,HL ratio
        """
        var comparison = TableComparison.reference("T1_primary_CCL18.csv", relativeTolerance: 1e-9)
        let found = comparison.differences(try CSVTable(produced), try CSVTable(expected), table: "T1")
        #expect(found.contains { $0.key.isEmpty && $0.column.isEmpty })
        #expect(found.contains { $0.key == "IL-6" && $0.produced == "(no row)" })
    }
}
