import Foundation
import Testing
import TestSupport
import FCS
import Gating
@testable import Batch

/// Events whose readout value is NaN or ±∞ are left out of the readout's statistics and counted in a flag, in the
/// stained tube and in its FMO; rCV and the MFI ratio are not defined for non-positive medians; no cell is ever
/// `Inf`, `NaN` or `-0`. Every expected number is worked out by hand on the finite values.
@Suite("Readouts over non-finite values")
struct NonFiniteReadoutTests {
    /// TLR4 on APC-A, a channel outside the file's one-channel $SPILLOVER (so its values are not compensated).
    static let template = """
    {"format": "flowstudy-gating/1",
     "panel": [{"marker": "CD206", "channels": ["FITC-A"]}, {"marker": "TLR4", "channels": ["APC-A"]}],
     "compensation": {"source": "file"},
     "populations": [{"id": "all", "parent": null, "gate": {"type": "rectangle", "dimensions": [{"channel": "FSC-A", "min": 0}]}}],
     "readouts": [{"marker": "TLR4", "population": "all", "threshold": {"control": "FMO", "percentile": 99}}],
     "min_events": 5}
    """

    static let nan = Double.nan, inf = Double.infinity
    /// Each subject's stained and FMO APC-A values.
    static let tubes: [(subject: String, stained: [Double], fmo: [Double])] = [
        ("P1", [1, 2, nan, 3, 4, inf, 5, 6, 7, -inf, 8, 9, 10], [1, inf, 2, 3, nan, 4, 5, inf]),
        ("P2", (1...10).map(Double.init), [-5, -4, -3, -2, -1]),
        ("P3", [nan, inf, -inf, nan, inf, nan], [inf, inf, nan, -inf, nan, inf]),
        ("P4", Array(repeating: -0.0, count: 6), Array(repeating: -0.0, count: 6)),
        // 13 events but 4 finite (< min_events 5); its FMO: 7 events, 3 finite.
        ("P5", [nan, 1, inf, 2, nan, 3, -inf, nan, 4, inf, nan, nan, inf], [1, nan, 2, inf, 3, nan, -inf]),
        ("P6", (1...10).map(Double.init), [1, nan, 2, inf, 3, nan, -inf]),
    ]

    /// Runs the batch over `tubes` and returns each stained sample's markers.csv row by column name.
    static func rows() throws -> [String: [String: String]] {
        let folder = try TemporaryDirectory()
        var lines = ["sample_id,subject_id,condition,fcs_file,control_type,control_marker"]
        for tube in tubes {
            for (id, values, fmo) in [("\(tube.subject)_UT", tube.stained, false), ("\(tube.subject)_UT_FMO", tube.fmo, true)] {
                let sample = Sample(keywords: Keywords([("$SPILLOVER", "1,FITC-A,1")]),
                                    parameters: [Parameter(index: 1, name: "FSC-A"), Parameter(index: 2, name: "FITC-A"), Parameter(index: 3, name: "APC-A")],
                                    columns: [ChannelValues(values.map { _ in 1.0 }), ChannelValues(values.map { _ in 0.0 }), ChannelValues(values)])
                try FCSWriter().write(sample, to: folder.path("\(id).fcs"))
                lines.append("\(id),\(tube.subject),UT,\(id).fcs,\(fmo ? "FMO,TLR4" : ",")")
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: folder.path("samples.csv"), atomically: false, encoding: .utf8)
        let template = try TemplateReader.read(Self.template, name: "t.json")
        let result = BatchRunner(template: template, sheet: try SampleSheet.read(csv: folder.path("samples.csv"), template: template),
                                 options: BatchOptions(jobs: 1, quiet: true)).run()
        #expect(result.errors.isEmpty, "\(result.errors)")
        return Dictionary(uniqueKeysWithValues: result.markers.map { ($0[0], Dictionary(uniqueKeysWithValues: zip(MarkerReadout.header, $0))) })
    }

    static func number(_ row: [String: String], _ column: String) -> Double? { row[column].flatMap { Double($0) } }

    @Test("NaN and ±∞ events are left out of the MFI, rCV, FMO threshold and % positive, and counted in flags")
    func leftOut() throws {
        let rows = try Self.rows()
        let p1 = try #require(rows["P1_UT"])
        #expect(p1["n_events"] == "13", "n_events stays the population's count")
        // Finite stained values 1…10: median 5.5, mean 5.5, geometric mean (10!)^(1/10).
        #expect(p1["mfi"] == "5.5" && p1["mean"] == "5.5")
        let geomean = try #require(Self.number(p1, "geomean"))
        #expect(abs(geomean - pow(3_628_800, 0.1)) < 1e-12 * geomean)
        // Type 7 over 1…10: P15.87 at h = 9 · 0.1587 = 1.4283 → 2.4283; P84.13 at h = 7.5717 → 8.5717.
        let rcv = try #require(Self.number(p1, "rcv"))
        #expect(abs(rcv - 0.5 * (8.5717 - 2.4283) / 5.5 * 100) < 1e-9)
        // FMO finite values 1…5: p99 at h = 4 · 0.99 = 3.96 → 4.96 (two +∞ among 8 no longer make it NaN); median 3.
        let threshold = try #require(Self.number(p1, "threshold"))
        #expect(abs(threshold - 4.96) < 1e-12)
        #expect(p1["control_mfi"] == "3" && p1["delta_mfi"] == "2.5")
        let ratio = try #require(Self.number(p1, "mfi_ratio"))
        #expect(abs(ratio - 5.5 / 3) < 1e-15)
        // 5…10 above 4.96: 6 of the 10 finite events.
        #expect(p1["percent_positive"] == "60")
        #expect(p1["flags"] == "NONFINITE_EXCLUDED=3;CONTROL_NONFINITE_EXCLUDED=3")
    }

    @Test("min_events holds for the finite values: fewer (none at all, or 4 of 13) give no statistics and TOO_FEW_EVENTS; an FMO with 3 finite of 7 gives no threshold")
    func tooFewFinite() throws {
        let rows = try Self.rows()
        for (id, events, excluded) in [("P3_UT", "6", 6), ("P5_UT", "13", 9)] {
            let row = try #require(rows[id])
            #expect(row["n_events"] == events)
            for column in ["mfi", "mean", "geomean", "rcv", "threshold", "control_mfi", "delta_mfi", "mfi_ratio", "percent_positive"] {
                #expect(row[column] == "", "\(id) \(column)")
            }
            #expect(row["flags"] == "NONFINITE_EXCLUDED=\(excluded);TOO_FEW_EVENTS", "\(id)")
        }
        // P6: ten finite stained values (MFI 5.5), but its FMO has 3 finite of 7 (< 5): no threshold from it.
        let p6 = try #require(rows["P6_UT"])
        #expect(p6["mfi"] == "5.5" && p6["threshold"] == "" && p6["control_mfi"] == "" && p6["percent_positive"] == "")
        #expect(p6["control_sample_id"] == "P6_UT_FMO")
        #expect(p6["flags"] == "CONTROL_NONFINITE_EXCLUDED=4;CONTROL_TOO_FEW_EVENTS", "\(p6)")
    }

    @Test("the MFI ratio over a negative control median, and rCV over a zero median, are empty and flagged; −0 is written 0")
    func undefinedRatios() throws {
        let rows = try Self.rows()
        // P2: FMO −5…−1: p99 = −2 + 0.96 = −1.04, median −3; every stained value is above.
        let p2 = try #require(rows["P2_UT"])
        #expect(p2["control_mfi"] == "-3" && p2["delta_mfi"] == "8.5" && p2["mfi_ratio"] == "" && p2["percent_positive"] == "100")
        #expect(p2["flags"] == "MFI_RATIO_UNDEFINED")
        // P4: every value −0: the medians, threshold and difference are 0; no geometric mean, rCV or ratio.
        let p4 = try #require(rows["P4_UT"])
        #expect(p4["mfi"] == "0" && p4["mean"] == "0" && p4["threshold"] == "0" && p4["control_mfi"] == "0" && p4["delta_mfi"] == "0")
        #expect(p4["geomean"] == "" && p4["rcv"] == "" && p4["mfi_ratio"] == "" && p4["percent_positive"] == "0")
        #expect(p4["flags"] == "GEOMEAN_EXCLUDED=6;RCV_UNDEFINED;MFI_RATIO_UNDEFINED")
        for (id, row) in rows {
            for (column, cell) in row where cell.contains("Inf") || cell.contains("NaN") || cell == "-0" {
                Issue.record("\(id) \(column) = \(cell)")
            }
        }
    }

    @Test("rCV is not defined for a median ≤ 0; the ratio needs two positive medians and a finite quotient")
    func definitions() {
        let negative = ChannelSummary(values: [-3, -2, -1], events: .all(3), threshold: nil)
        #expect(negative.median == -2 && negative.rcv.isNaN && negative.flags == ["GEOMEAN_EXCLUDED=3", "RCV_UNDEFINED"])
        // 1, 2, 3: P15.87 at h = 0.3174 → 1.3174, P84.13 at h = 1.6826 → 2.6826; rCV = 0.5 · 1.3652 / 2 · 100.
        let positive = ChannelSummary(values: [3, 1, 2], events: .all(3), threshold: nil)
        #expect(abs(positive.rcv - 34.13) < 1e-9 && positive.flags.isEmpty)
        #expect(MarkerReadout.ratio(6, over: 3) == 2)
        #expect(MarkerReadout.ratio(6, over: -3) == nil && MarkerReadout.ratio(6, over: 0) == nil && MarkerReadout.ratio(-1, over: 2) == nil)
        #expect(MarkerReadout.ratio(1e308, over: 1e-10) == nil, "the quotient overflows")
        #expect(MarkerReadout.number(-0.0) == "0" && MarkerReadout.number(.infinity) == "" && MarkerReadout.number(-.infinity) == "")
        #expect(MarkerReadout.number(.nan) == "" && MarkerReadout.number(-0.25) == "-0.25")
        // Values near ±1.8e308: the sum overflows, the mean does not.
        let huge = ChannelSummary(values: [1.5e308, 1.5e308, 1.5e308], events: .all(3), threshold: nil)
        #expect(huge.mean == 1.5e308)
        // The median of an even count: neither ∞ between two values near 1.8e308 nor 0 between two subnormals.
        // 2¹⁰²³ and 1.5 · 2¹⁰²³ (their sum overflows): 1.25 · 2¹⁰²³, exactly.
        #expect(ChannelSummary(values: [0x1p1023, 0x1.8p1023], events: .all(2), threshold: nil).median == 0x1.4p1023)
        #expect(ChannelSummary(values: [5e-324, 5e-324], events: .all(2), threshold: nil).median == 5e-324)
        #expect(OrderStatistics.midpoint(-0x1p1023, -0x1.8p1023) == -0x1.4p1023 && OrderStatistics.midpoint(1, 2) == 1.5)
    }
}
