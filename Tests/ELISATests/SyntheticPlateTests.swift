import Foundation
import Testing
import TestSupport
@testable import ELISA

/// Plates built in the test from a known 4PL, so every number is computed by hand: exact standards give back
/// the curve, and samples placed below, above and inside it get the statuses and flags METHODS.md defines.
@Suite("ELISA flags and errors on hand-built plates")
struct SyntheticPlateTests {
    static let truth = CurveParameters(a: 0.05, b: 1.2, c: 200, d: 3.0)
    static let levels: [Double] = [1000, 500, 250, 125, 62.5, 31.25, 15.625]

    /// Standards down columns 1–2 (exact ODs + blank 0.04 + reference 0.03), blanks H1/H2, samples given as
    /// (id, OD per replicate, dilution).
    static func plate(samples: [(String, [String], Double)], standardODs: [Double]? = nil) -> (String, String) {
        var plate = ["well,OD450,OD570"]
        var layout = ["well,role,sample_id,subject_id,condition,std_conc,dilution_factor"]
        let rows = ["A", "B", "C", "D", "E", "F", "G"]
        for (i, level) in levels.enumerated() {
            let od = standardODs?[i] ?? truth.response(level)
            for column in [1, 2] {
                plate.append("\(rows[i])\(column),\(od + 0.04 + 0.03),0.03")
                layout.append("\(rows[i])\(column),standard,STD\(i + 1),,,\(level),1")
            }
        }
        for column in [1, 2] {
            plate.append("H\(column),0.07,0.03")
            layout.append("H\(column),blank,BLANK,,,,1")
        }
        var well = 0
        for (id, ods, dilution) in samples {
            for od in ods {
                let name = "\(["A", "B", "C", "D", "E", "F", "G", "H"][well / 10])\(3 + well % 10)"
                well += 1
                if let value = Double(od) { plate.append("\(name),\(value + 0.07),0.03") } else { plate.append("\(name),\(od),0.03") }
                layout.append("\(name),sample,\(id),S,UT,,\(dilution)")
            }
        }
        return (plate.joined(separator: "\n") + "\n", layout.joined(separator: "\n") + "\n")
    }

    static func analyse(_ texts: (String, String), options: ELISAOptions = ELISAOptions()) throws -> PlateAnalysis {
        try PlateAnalysis(read: PlateRead.longCSV(texts.0, file: "p.csv"), layout: PlateLayout.csv(texts.1, file: "l.csv"), analyte: "X", options: options)
    }

    @Test("exact standards give the curve back; statuses, flags and substitutes by hand")
    func statusesAndFlags() throws {
        let t = Self.truth
        let inRange = t.response(100)          // 100 pg/mL in the well → 5,000 at 1:50
        let plate = Self.plate(samples: [
            ("OK", ["\(inRange)", "\(inRange)"], 50),
            ("CV", ["\(inRange * 0.8)", "\(inRange * 1.2)"], 50),   // CV = 28.3 % > 20 %
            ("LOW", ["\(t.response(5))", "\(t.response(5))"], 10),  // 5 < LLOQ 15.625
            ("BELOW", ["0.01", "0.02"], 1),                           // mean net OD below a = 0.05
            ("ABOVE", ["3.5", "3.4"], 1),                             // above d = 3
            ("HIGH", ["\(t.response(2000))", "\(t.response(2000))"], 2),
            ("SAT", ["OVRFLW", "2.9"], 1),
        ])
        let analysis = try Self.analyse(plate)
        let p = analysis.fit.parameters
        #expect(p.a.isApproximatelyEqual(to: 0.05, relativeTolerance: 1e-7) && p.b.isApproximatelyEqual(to: 1.2, relativeTolerance: 1e-7))
        #expect(p.c.isApproximatelyEqual(to: 200, relativeTolerance: 1e-7) && p.d.isApproximatelyEqual(to: 3, relativeTolerance: 1e-7))
        #expect(analysis.lloq == 15.625 && analysis.uloq == 1000 && analysis.curveAccepted)
        func sample(_ id: String) -> PlateAnalysis.SampleResult { analysis.samples.first { $0.sampleID == id }! }
        #expect(sample("OK").status == "OK" && sample("OK").flags.isEmpty)
        #expect(sample("OK").value!.isApproximatelyEqual(to: 5000, relativeTolerance: 1e-7))
        #expect(sample("CV").flags == ["HIGH_CV"])
        #expect(sample("CV").cvPercent!.isApproximatelyEqual(to: 100 * (0.2 * inRange * 2.0.squareRoot()) / inRange, relativeTolerance: 1e-12))
        #expect(sample("LOW").status == "<LLOQ" && sample("LOW").flags.isEmpty)
        #expect(sample("LOW").valueText == "<156.25" && sample("LOW").valueForStats == 78.125)
        #expect(sample("BELOW").status == "<LLOQ" && sample("BELOW").flags == ["BELOW_CURVE"])
        #expect(sample("ABOVE").status == ">ULOQ" && sample("ABOVE").flags == ["ABOVE_CURVE"])
        #expect(sample("HIGH").status == ">ULOQ" && sample("HIGH").valueText == ">2000" && sample("HIGH").valueForStats == 2000)
        #expect(sample("SAT").status == ">ULOQ" && sample("SAT").flags == ["SATURATED"] && sample("SAT").meanNetOD == nil)
    }

    @Test("the substitution rule for values below the LLOQ is configurable")
    func substitution() throws {
        let plate = Self.plate(samples: [("LOW", ["\(Self.truth.response(5))"], 10)])
        for (rule, expected) in [(ELISAOptions.Substitution.lloqHalf, 78.125), (.lloqSqrt2, 156.25 / 2.0.squareRoot()), (.lloq, 156.25), (.zero, 0)] {
            var options = ELISAOptions()
            options.substitution = rule
            #expect(try Self.analyse(plate, options: options).samples[0].valueForStats == expected)
        }
    }

    @Test("a curve whose standards fail recovery is rejected and every value flagged CURVE_REJECTED")
    func curveRejected() throws {
        // Three levels far off the curve: only 4 of 7 pass, fewer than the 6 required.
        var ods = Self.levels.map { Self.truth.response($0) }
        ods[1] *= 1.5; ods[3] *= 0.6; ods[5] *= 1.6
        let analysis = try Self.analyse(Self.plate(samples: [("S", ["1.0", "1.0"], 1)], standardODs: ods))
        #expect(!analysis.curveAccepted)
        #expect(analysis.levelsPassing < analysis.levelsRequired)
        #expect(analysis.samples[0].flags.contains("CURVE_REJECTED"))
    }

    @Test("several dilutions of one sample: the in-range one nearest the curve's midpoint is selected")
    func dilutionSelection() throws {
        let t = Self.truth
        let plate = Self.plate(samples: [("S", ["\(t.response(40))", "\(t.response(40))"], 100), ("S", ["\(t.response(400))", "\(t.response(400))"], 10)])
        let analysis = try Self.analyse(plate)
        #expect(analysis.samples.map(\.selected) == [false, true])
    }

    @Test("malformed plates and layouts are typed errors naming the file and the place")
    func malformed() throws {
        let good = Self.plate(samples: [("S", ["1.0", "1.0"], 1)])
        func code(_ plate: String, _ layout: String, _ options: ELISAOptions = ELISAOptions()) -> ELISAError.Code? {
            do { _ = try Self.analyse((plate, layout), options: options); return nil } catch let error as ELISAError { return error.code } catch { return nil }
        }
        // Missing standards.
        let noStandards = good.1.split(separator: "\n").filter { !$0.contains(",standard,") }.joined(separator: "\n")
        #expect(code(good.0, noStandards) == .missingStandards)
        // Duplicate wells in the read and in the layout.
        #expect(code(good.0 + "A1,1.0,0.03\n", good.1) == .duplicateWell)
        #expect(code(good.0, good.1 + "A1,sample,X,,,,1\n") == .badLayout)
        // Plate/layout mismatch: the layout uses a well the read lacks.
        #expect(code(good.0, good.1 + "H12,sample,Y,,,,1\n") == .layoutMismatch)
        // Too few levels.
        let threeLevels = good.1.split(separator: "\n").filter { !($0.contains(",standard,") && ($0.hasPrefix("D") || $0.hasPrefix("E") || $0.hasPrefix("F") || $0.hasPrefix("G"))) }.joined(separator: "\n")
        #expect(code(good.0, threeLevels) == .tooFewLevels)
        // An all-blank plate: no standards at all.
        let allBlank = "well,role,sample_id,subject_id,condition,std_conc,dilution_factor\n" + (1...2).map { "H\($0),blank,BLANK,,,,1" }.joined(separator: "\n")
        #expect(code(good.0, allBlank) == .missingStandards)
        // No readable blank with blank subtraction.
        let noBlank = good.1.split(separator: "\n").filter { !$0.contains(",blank,") }.joined(separator: "\n")
        #expect(code(good.0, noBlank) == .noBlank)
        // A header that is not a plate read, a bad well name, a bad dilution.
        #expect(throws: ELISAError.self) { try PlateRead.longCSV("plate,value\nA1,1\n", file: "x.csv") }
        #expect { try PlateRead.longCSV("well,OD450\nZ9,1\n", file: "x.csv") } throws: { ($0 as? ELISAError)?.place == "line 2" }
        #expect { try PlateLayout.csv("well,role,sample_id,std_conc,dilution_factor\nA1,sample,S,,1/50\n", file: "l.csv") } throws: {
            "\($0)".contains("well A1: dilution_factor")
        }
    }

    @Test("layout numbers are finite decimals up to 1e100, so a value in range times its dilution stays finite")
    func layoutNumberLimits() throws {
        func problem(_ row: String) -> String? {
            do { _ = try PlateLayout.csv("well,role,sample_id,std_conc,dilution_factor\n" + row + "\n", file: "l.csv"); return nil }
            catch { return "\(error)" }
        }
        // 1e308 used to pass as a finite dilution and give a value of inf with status OK.
        #expect(problem("A1,sample,S,,1e308")?.contains("well A1: dilution_factor expected a number from 1 to 1e100") == true)
        #expect(problem("A1,standard,STD1,1e101,1")?.contains("well A1: std_conc expected a positive concentration up to 1e100") == true)
        for text in ["0x1p3", "inf", "nan", "+50", "1/50"] { #expect(problem("A1,sample,S,,\(text)") != nil, "\(text)") }
        #expect(problem("A1,sample,S,,1e100") == nil && problem("A1,standard,STD1,2.5e3,1") == nil)
        // At the limit, the in-range sample of the hand-built plate gets the curve's answer × 1e100, finite.
        let x = 200.0  // the truth's c: the OD half-way between a and d
        let analysis = try Self.analyse(Self.plate(samples: [("S", ["\(Self.truth.response(x))", "\(Self.truth.response(x))"], 1e100)]))
        let sample = try #require(analysis.samples.first { $0.sampleID == "S" })
        #expect(sample.status == "OK")
        #expect(try #require(sample.value).isApproximatelyEqual(to: x * 1e100, relativeTolerance: 1e-3), "\(String(describing: sample.value))")
    }

    @Test("1/y² weights refuse level means ≤ 0")
    func weightsNeedPositiveMeans() throws {
        var ods = Self.levels.map { Self.truth.response($0) }
        ods[6] = -0.05
        var options = ELISAOptions()
        options.weighting = .inverseYSquared
        #expect { try Self.analyse(Self.plate(samples: [], standardODs: ods), options: options) } throws: { ($0 as? ELISAError)?.code == .badWeights }
    }
}

@Suite("Masked wells and dilution linearity")
struct MaskAndDilutionTests {
    @Test("one of two wells masked: the sample keeps its value with SINGLE_REPLICATE; the mask is recorded")
    func singleReplicate() throws {
        let t = SyntheticPlateTests.truth
        let od = t.response(100)
        let plate = SyntheticPlateTests.plate(samples: [("S", ["\(od)", "\(od * 3)"], 1)])
        var options = ELISAOptions()
        options.masks = ["A4": "bubble in the well"]
        let analysis = try SyntheticPlateTests.analyse(plate, options: options)
        let sample = analysis.samples[0]
        #expect(sample.flags == ["SINGLE_REPLICATE"])
        #expect(sample.value!.isApproximatelyEqual(to: 100, relativeTolerance: 1e-7))
        #expect(sample.cvPercent == nil)
        #expect(analysis.qc.contains("well A4 masked: bubble in the well"))
        options.masks["A3"] = "also masked"
        #expect(try SyntheticPlateTests.analyse(plate, options: options).samples[0].status == "MASKED")
    }

    @Test("in-range dilutions disagreeing by more than 20 % are DILUTION_NONLINEAR")
    func nonlinear() throws {
        let t = SyntheticPlateTests.truth
        // 1:100 gives 40 in the well → 4,000; 1:10 gives 200 → 2,000: a factor of two apart.
        let plate = SyntheticPlateTests.plate(samples: [("S", ["\(t.response(40))", "\(t.response(40))"], 100), ("S", ["\(t.response(200))", "\(t.response(200))"], 10)])
        let analysis = try SyntheticPlateTests.analyse(plate)
        #expect(analysis.samples.allSatisfy { $0.flags.contains("DILUTION_NONLINEAR") })
        // Agreeing dilutions (40 at 1:100 and 400 at 1:10 → 4,000 both) are not flagged.
        let agreeing = try SyntheticPlateTests.analyse(SyntheticPlateTests.plate(samples: [("S", ["\(t.response(40))", "\(t.response(40))"], 100), ("S", ["\(t.response(400))", "\(t.response(400))"], 10)]))
        #expect(agreeing.samples.allSatisfy { !$0.flags.contains("DILUTION_NONLINEAR") })
    }
}

@Suite("The sample sheet is authoritative")
struct SheetReconciliationTests {
    @Test("empty layout cells are filled, contradictions and unknown samples are errors naming the well")
    func reconcile() throws {
        let text = "well,role,sample_id,subject_id,condition,std_conc,dilution_factor\nA3,sample,P1_UT,,,,50\nA4,sample,P1_UT,P1,RUX,,50\nA5,sample,P9_UT,P9,UT,,50\nA6,control,MEDIUM,,,,1\n"
        var layout = try PlateLayout.csv(text, file: "layout.csv")
        let sheet: [String: (subject: String, condition: String)] = ["P1_UT": ("P1", "UT")]
        #expect { try layout.reconcile(with: sheet, file: "layout.csv", sheetName: "samples.csv") } throws: { error in
            let text = "\(error)"
            return text.contains("well A4: condition 'RUX' contradicts samples.csv") && text.contains("well A5: sample 'P9_UT' is not in samples.csv")
                && !text.contains("A6")
        }
        var fine = try PlateLayout.csv("well,role,sample_id,subject_id,condition,std_conc,dilution_factor\nA3,sample,P1_UT,,,,50\n", file: "l.csv")
        try fine.reconcile(with: sheet, file: "l.csv", sheetName: "samples.csv")
        #expect(fine.entries["A3"]?.subjectID == "P1" && fine.entries["A3"]?.condition == "UT")
    }
}

@Suite("Plate QC notes")
struct PlateQCTests {
    @Test("an overflowed standard well is left out of the fit and named; a high blank raises a plate warning")
    func qcNotes() throws {
        var (plate, layout) = SyntheticPlateTests.plate(samples: [("S", ["1.0", "1.0"], 1)])
        plate = plate.replacingOccurrences(of: "A2,", with: "A2,OVRFLW,0.03\nX,")
            .split(separator: "\n").filter { !$0.hasPrefix("X,") }.joined(separator: "\n") + "\n"
        let analysis = try SyntheticPlateTests.analyse((plate, layout))
        #expect(analysis.qc.contains("standard 1000 well A2 excluded from the fit: overflow 'OVRFLW'"), "\(analysis.qc)")
        #expect(analysis.standards.last?.netOD.count == 1)
        // Blank wells reading 0.3 above the reference: corrected blank mean 0.3 > 0.2.
        layout = layout.replacingOccurrences(of: "H1,blank", with: "H1,blank")
        let highBlank = plate.replacingOccurrences(of: "H1,0.07,0.03", with: "H1,0.33,0.03").replacingOccurrences(of: "H2,0.07,0.03", with: "H2,0.33,0.03")
        let warned = try SyntheticPlateTests.analyse((highBlank, layout))
        #expect(warned.qc.contains { $0.contains("> 0.2: substrate or washing problem") })
    }
}
