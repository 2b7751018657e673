import Foundation
import Testing
import TestSupport
@testable import ELISA

/// The reference plates of `../shared/elisa/reference` for all four fits, with the tolerances of its README:
/// net ODs, means and CV to 1e-12; 4PL parameters 1e-4 relative (a: 1e-5 absolute); 5PL weighted SSE 1e-6 and
/// in-range values 1e-4; statuses, flags, LLOQ/ULOQ and acceptance exactly.
@Suite("ELISA reference plates")
struct ReferencePlateTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var plate: String
        var fit: String
        var testDescription: String { "\(plate) \(fit)" }
    }

    static let cases: [Case] = ["plate1_CCL18", "plate2_IL6"].flatMap { plate in
        ["4PL_unweighted", "4PL_w1y2", "5PL_unweighted", "5PL_w1y2"].map { Case(plate: plate, fit: $0) }
    }

    static func analyse(_ c: Case) throws -> (PlateAnalysis, [String: Any], [String: Any]) {
        let folder = try #require(SharedData.url("elisa/reference/\(c.plate)"))
        let read = try PlateRead.longCSV(String(contentsOf: folder.appendingPathComponent("plate.csv"), encoding: .utf8), file: "plate.csv")
        let layout = try PlateLayout.csv(String(contentsOf: folder.appendingPathComponent("layout.csv"), encoding: .utf8), file: "layout.csv")
        var options = ELISAOptions()
        options.model = c.fit.hasPrefix("5PL") ? .fiveParameter : .fourParameter
        options.weighting = c.fit.hasSuffix("w1y2") ? .inverseYSquared : .none
        let analysis = try PlateAnalysis(read: read, layout: layout, analyte: c.plate, options: options)
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("expected.json"))) as? [String: Any])
        let fit = try #require((expected["fits"] as? [String: Any])?[c.fit] as? [String: Any])
        return (analysis, expected, fit)
    }

    @Test("the reference plates are present")
    func present() throws {
        try #require(SharedData.isAvailable, Comment(rawValue: SharedData.skipMessage))
    }

    @Test("blank, standards, curve, limits and every sample", arguments: cases)
    func plate(_ c: Case) throws {
        guard SharedData.isAvailable else { return }
        let (analysis, expected, fit) = try Self.analyse(c)
        let blank = try #require(expected["blank"] as? [String: Any])
        #expect(analysis.blankMean!.isApproximatelyEqual(to: blank["mean"] as! Double, relativeTolerance: 1e-12))
        let standards = try #require(expected["standards"] as? [[String: Any]])
        #expect(analysis.standards.count == standards.count)
        for (ours, theirs) in zip(analysis.standards, standards) {
            #expect(ours.nominal == theirs["nominal"] as? Double)
            #expect(ours.meanNetOD.isApproximatelyEqual(to: theirs["mean_net_od"] as! Double, relativeTolerance: 1e-12))
            #expect(ours.cvPercent!.isApproximatelyEqual(to: theirs["cv_percent"] as! Double, relativeTolerance: 1e-12))
        }
        // The curve.
        let params = try #require(fit["params"] as? [String: Double])
        let p = analysis.fit.parameters
        if c.fit.hasPrefix("4PL") {
            #expect(abs(p.a - params["a"]!) <= 1e-5, "a \(p.a) vs \(params["a"]!)")
            for (name, value) in [("b", p.b), ("c", p.c), ("d", p.d)] {
                #expect(value.isApproximatelyEqual(to: params[name]!, relativeTolerance: 1e-4), "\(name) \(value) vs \(params[name]!)")
            }
        } else {
            #expect(analysis.fit.weightedSSE.isApproximatelyEqual(to: fit["weighted_sse"] as! Double, relativeTolerance: 1e-6),
                    "SSE \(analysis.fit.weightedSSE) vs \(fit["weighted_sse"]!)")
            for (name, value) in [("b", p.b), ("c", p.c), ("d", p.d), ("g", p.g)] {
                #expect(value.isApproximatelyEqual(to: params[name]!, relativeTolerance: 1e-3, absoluteTolerance: 1e-4), "\(name) \(value) vs \(params[name]!)")
            }
        }
        #expect(analysis.fit.rSquared.isApproximatelyEqual(to: fit["r_squared"] as! Double, relativeTolerance: 1e-6))
        #expect(analysis.lloq == fit["lloq_in_well"] as? Double)
        #expect(analysis.uloq == fit["uloq_in_well"] as? Double)
        #expect(analysis.levelsPassing == fit["levels_passing"] as? Int)
        #expect(analysis.levelsRequired == fit["levels_required"] as? Int)
        #expect(analysis.curveAccepted == fit["curve_accepted"] as? Bool)
        let table = try #require(fit["standards_table"] as? [[String: Any]])
        for (ours, theirs) in zip(analysis.standards, table) {
            #expect(ours.passes == theirs["pass"] as? Bool, "standard \(ours.nominal) pass")
        }
        // Samples.
        let samples = try #require(fit["samples"] as? [[String: Any]])
        #expect(analysis.samples.count == samples.count)
        let byID = Dictionary(uniqueKeysWithValues: analysis.samples.map { ($0.sampleID, $0) })
        for theirs in samples {
            let id = theirs["sample_id"] as! String
            let ours = try #require(byID[id], "\(id)")
            #expect(ours.status == theirs["status"] as? String, "\(id) status")
            #expect(ours.flags == theirs["flags"] as? [String], "\(id) flags \(ours.flags)")
            #expect(ours.wells.joined(separator: ";") == theirs["wells"] as? String)
            if let mean = theirs["mean_net_od"] as? Double {
                #expect(ours.meanNetOD!.isApproximatelyEqual(to: mean, relativeTolerance: 1e-12))
            } else {
                #expect(ours.meanNetOD == nil)
            }
            if let cv = theirs["cv_percent"] as? Double { #expect(ours.cvPercent!.isApproximatelyEqual(to: cv, relativeTolerance: 1e-10)) }
            if let reported = theirs["reported"] as? Double {
                #expect(ours.value!.isApproximatelyEqual(to: reported, relativeTolerance: 1e-4), "\(id) \(ours.value ?? .nan) vs \(reported)")
            } else {
                #expect(ours.value == nil)
                #expect(ours.valueText == theirs["reported_text"] as? String, "\(id) text")
            }
            let half = theirs["value_lloq_half"] as! Double
            #expect(ours.valueForStats!.isApproximatelyEqual(to: half, relativeTolerance: 1e-4), "\(id) value for stats")
        }
    }
}
