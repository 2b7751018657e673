import Foundation
import Testing
import TestSupport
@testable import ELISA

/// METHODS.md §1.3: reader overflow is `SATURATED`; a well not read or not computable (`MISSED`, `?????`, `*`,
/// `Range?`, an empty cell, `NaN`, `inf`, an absurd number such as `-1e308`) is left out, the sample keeps its other
/// replicates, and a sample with none left is `NOT_READ`, counted. Plates built by `SyntheticPlateTests.plate`:
/// exact standards from a known 4PL, so an in-range value is known by hand (net OD = truth.response(x) → x).
@Suite("Overflowed and unread wells (METHODS.md §1.3)")
struct NonNumericWellTests {
    static let t = SyntheticPlateTests.truth
    static let od100 = "\(SyntheticPlateTests.truth.response(100))"   // 100 pg/mL in the well

    static func sample(_ analysis: PlateAnalysis, _ id: String) throws -> PlateAnalysis.SampleResult {
        try #require(analysis.samples.first { $0.sampleID == id }, "\(id)")
    }

    @Test("cells are told apart: numbers, overflow markers, and everything that is not a reading")
    func cellClasses() {
        #expect(PlateRead.cell(" 0.1234 ") == .number(0.1234))
        for overflow in ["OVRFLW", "OVER", "Overflow", ">4.000", "SAT"] { #expect(PlateRead.cell(overflow) == .overflow(overflow), "\(overflow)") }
        for unread in ["MISSED", "?????", "*", "Range?", "", "NaN", "nan", "inf", "-inf", "Infinity", "-1e308", "1e308", "abc"] {
            #expect(PlateRead.cell(unread) == .notRead(unread), "\(unread)")
        }
    }

    @Test("all wells MISSED: NOT_READ, no value, excluded from statistics, counted; not SATURATED")
    func missedSample() throws {
        let analysis = try SyntheticPlateTests.analyse(SyntheticPlateTests.plate(samples: [
            ("GONE", ["MISSED", "?????"], 50), ("OK", [Self.od100, Self.od100], 50),
        ]))
        let gone = try Self.sample(analysis, "GONE")
        #expect(gone.status == "NOT_READ")
        #expect(gone.flags.isEmpty)
        #expect(gone.value == nil && gone.valueForStats == nil && gone.meanNetOD == nil && gone.valueText == "")
        #expect(!gone.selected)
        #expect(analysis.samplesNotRead == 1)
        #expect(analysis.wellsNotRead == ["A3", "A4"])
        #expect(analysis.wellsOverflowed.isEmpty)
        let record = analysis.curveRecord()
        #expect(record["n_not_read"] as? Int == 1 && record["wells_not_read"] as? [String] == ["A3", "A4"])
        #expect(try Self.sample(analysis, "OK").value!.isApproximatelyEqual(to: 5000, relativeTolerance: 1e-6))
    }

    @Test("one replicate not read (*, Range?, NaN, -1e308): the other keeps the value with SINGLE_REPLICATE")
    func oneReplicateLeft() throws {
        let tokens = ["*", "Range?", "NaN", "-1e308", ""]
        let analysis = try SyntheticPlateTests.analyse(SyntheticPlateTests.plate(samples: tokens.map { ("S\($0)", [$0, Self.od100], 50) }))
        for token in tokens {
            let s = try Self.sample(analysis, "S\(token)")
            #expect(s.status == "OK", "\(token)")
            #expect(s.flags == ["SINGLE_REPLICATE"], "\(token): \(s.flags)")
            // Net OD = truth.response(100) exactly, so the in-well value is 100 and the value 100 × 50.
            #expect(s.value?.isApproximatelyEqual(to: 5000, relativeTolerance: 1e-6) == true, "\(token): \(s.value ?? .nan)")
            #expect(s.netOD.count == 1)
        }
        #expect(analysis.samplesNotRead == 0 && analysis.wellsNotRead.count == tokens.count)
    }

    @Test("NaN and inf samples are NOT_READ: never OK without a value, never >ULOQ")
    func nonFiniteSamples() throws {
        let analysis = try SyntheticPlateTests.analyse(SyntheticPlateTests.plate(samples: [("NAN", ["NaN", "nan"], 1), ("INF", ["inf", "inf"], 1)]))
        for id in ["NAN", "INF"] {
            let s = try Self.sample(analysis, id)
            #expect(s.status == "NOT_READ", "\(id)")
            #expect(!s.flags.contains("SATURATED") && s.value == nil && s.valueForStats == nil, "\(id)")
        }
        #expect(analysis.samplesNotRead == 2)
        #expect(JSONSerialization.isValidJSONObject(analysis.curveRecord()))
    }

    @Test("OVER and OVRFLW are SATURATED and >ULOQ; a reference overflow is not a reading")
    func overflow() throws {
        let (built, layout) = SyntheticPlateTests.plate(samples: [("SAT", ["OVER", Self.od100], 2), ("REF", [Self.od100, Self.od100], 2)])
        // The reference read of A6 overflowed: its corrected OD cannot be computed, so it is left out.
        let plate = built.split(separator: "\n").map { $0.hasPrefix("A6,") ? "A6,\(Double(Self.od100)! + 0.07),OVRFLW" : String($0) }.joined(separator: "\n") + "\n"
        let analysis = try SyntheticPlateTests.analyse((plate, layout))
        let saturated = try Self.sample(analysis, "SAT")
        #expect(saturated.status == ">ULOQ" && saturated.flags == ["SATURATED"] && saturated.valueText == ">2000")
        #expect(saturated.valueForStats == 2000)
        let reference = try Self.sample(analysis, "REF")
        #expect(reference.flags == ["SINGLE_REPLICATE"] && reference.wells == ["A5", "A6"])
        #expect(reference.value?.isApproximatelyEqual(to: 200, relativeTolerance: 1e-6) == true)
        #expect(analysis.wellsOverflowed == ["A3"] && analysis.wellsNotRead == ["A6"])
    }

    @Test("an inf or MISSED standard well is left out of the fit and named; the curve is still the true one")
    func unreadStandards() throws {
        let (built, layout) = SyntheticPlateTests.plate(samples: [("OK", [Self.od100, Self.od100], 50)])
        let plate = built.split(separator: "\n").map { line in
            if line.hasPrefix("B1,") { return "B1,inf,0.03" }
            if line.hasPrefix("C2,") { return "C2,MISSED,0.03" }
            return String(line)
        }.joined(separator: "\n") + "\n"
        let analysis = try SyntheticPlateTests.analyse((plate, layout))
        #expect(analysis.qc.contains("standard 500 well B1 excluded from the fit: not read 'inf'"), "\(analysis.qc)")
        #expect(analysis.qc.contains("standard 250 well C2 excluded from the fit: not read 'MISSED'"), "\(analysis.qc)")
        let p = analysis.fit.parameters
        #expect(p.c.isApproximatelyEqual(to: 200, relativeTolerance: 1e-6) && p.b.isApproximatelyEqual(to: 1.2, relativeTolerance: 1e-6))
        #expect(analysis.standards[5].netOD.count == 1 && analysis.standards[4].netOD.count == 1)
    }
}
