import Foundation
import Testing
import TestSupport
@testable import ELISA

/// The vendor exports of `../shared/elisa/plate-exports`: formats detected, plate counts and wavelengths
/// right, and wells spot-checked against values read by hand from the files.
@Suite("Plate-reader exports", .needsShared)
struct VendorExportTests {
    static func plates(_ path: String) throws -> [PlateRead] {
        let url = try #require(SharedData.url("elisa/plate-exports/\(path)"), Comment(rawValue: SharedData.skipMessage))
        return try PlateRead.read(contentsOf: url.path)
    }

    @Test("BioTek Gen5: two wavelengths whose order changes from row to row")
    func gen5TwoWavelengths() throws {
        let plates = try Self.plates("biotek-gen5/endpoint_two_wavelengths_row_labels.txt")
        #expect(plates.count == 1)
        let plate = plates[0]
        #expect(plate.wavelengths.measurement == 280 && plate.wavelengths.reference == 325)
        #expect(plate.wells["A1"]?.measurement == 1.8012 && plate.wells["A1"]?.reference == 0.9066)
        // Row B lists 325 first: 1.6629 is the 325 nm read, 1.0033 the 280 nm one.
        #expect(plate.wells["B1"]?.measurement == 1.0033 && plate.wells["B1"]?.reference == 1.6629)
        #expect(plate.wells.count == 96)
    }

    @Test("BioTek Gen5: non-numeric cells become flagged wells")
    func gen5NonNumeric() throws {
        let plate = try Self.plates("biotek-gen5/abs450_96well_non_numeric_values.txt")[0]
        #expect(plate.wavelengths.measurement == 450)
        let flagged = plate.wells.values.compactMap(\.text)
        #expect(!flagged.isEmpty)
        #expect(Set(flagged).isSubset(of: ["OVRFLW", "MISSED", "?????", "Range?", "*"]), "\(Set(flagged))")
        // 8 OVRFLW cells (reader overflow) and 5 MISSED (not read), counted in the file with grep.
        #expect(plate.wells.values.filter { $0.status == .overflow }.count == 8)
        #expect(plate.wells.values.filter { $0.status == .overflow }.allSatisfy { $0.text == "OVRFLW" })
        #expect(plate.wells.values.filter { $0.status == .notRead }.count == 5)
        #expect(plate.wells.values.filter { $0.status == .notRead }.allSatisfy { $0.text == "MISSED" })
    }

    @Test("BMG MARS: 450 nm grid")
    func mars() throws {
        let plate = try Self.plates("bmg-mars/mars_absorbance_450.csv")[0]
        #expect(plate.wavelengths.measurement == 450 && plate.wavelengths.reference == nil)
        #expect(plate.wells["A1"]?.measurement == 0.073 && plate.wells["H12"]?.measurement == 0.207 && plate.wells["C4"]?.measurement == 0.656)
        let phera = try Self.plates("bmg-mars/pherastar_dsRNA_elisa_450.csv")[0]
        #expect(phera.wells["A1"]?.measurement == 1.691 && phera.wells["H12"]?.measurement == 0.884)
    }

    @Test("SoftMax Pro: UTF-16 plate and time formats, two plates each (##BLOCKS counts groups too), same values")
    func softMaxFormats() throws {
        let plate = try Self.plates("softmax-pro/absorbance_endpoint_4plates_plateformat_utf16.txt")
        let time = try Self.plates("softmax-pro/absorbance_endpoint_4plates_timeformat_utf16.txt")
        #expect(plate.count == 2 && time.count == 2)
        #expect(plate[0].name.hasSuffix("#1") && plate[1].name.hasSuffix("#2"))
        #expect(plate[1].wells["A1"]?.measurement == 3.43082333333333)
        #expect(plate[0].wells["A1"]?.measurement == 3.41797666666667)
        #expect(plate[0].wells["B1"]?.measurement == 1.13885666666667)
        #expect(time[0].wells["A1"]?.measurement == 3.41797666666667)
        for (p, t) in zip(plate, time) {
            for well in ["A1", "D7", "H12"] { #expect(p.wells[well]?.measurement == t.wells[well]?.measurement, "\(p.name) \(well)") }
        }
    }

    @Test("SoftMax Pro: a Reduced plate (OD450 − OD650 already) and a Raw two-wavelength plate")
    func softMaxReducedAndRaw() throws {
        let reduced = try Self.plates("softmax-pro/elisa_reduced_450-650_acceptance_ascii.txt")
        #expect(reduced.count == 1 && reduced[0].wavelengths.reference == nil)
        let raw = try Self.plates("softmax-pro/hcp_elisa_450-650_groups_utf16.txt")[0]
        #expect(raw.wavelengths.measurement == 450 && raw.wavelengths.reference == 650)
        #expect(raw.wells["A1"]?.measurement == 0.1003 && raw.wells["A1"]?.reference == 0.0338)
    }

    @Test("Tecan Magellan: a well list in column-major order at 595 nm, and a 384-well list whose two labels pair up")
    func magellan() throws {
        let list = try Self.plates("tecan-magellan/magellan_96_raw_list.xlsx")
        #expect(list.count == 1)
        // 'Measurement wavelength: 595 nm' in the sheet's footer.
        #expect(list[0].wavelengths.measurement == 595 && list[0].wavelengths.reference == nil)
        #expect(list[0].wells["A1"]?.measurement == 0.1462 && list[0].wells["B1"]?.measurement == 0.2118 && list[0].wells["A2"]?.measurement == 0.1418)
        // Label1 at 485 nm and Label2 at 560 nm (Measurement 1 and 2 in the footer): one plate, measurement and reference.
        let two = try Self.plates("tecan-magellan/magellan_384_two_labels.xlsx")
        #expect(two.count == 1)
        let plate = try #require(two.first)
        #expect(plate.wavelengths.measurement == 485 && plate.wavelengths.reference == 560)
        #expect(plate.wells["A1"]?.measurement == 0.0557 && plate.wells["A1"]?.reference == 0.0509)
        #expect(plate.wells["A2"]?.measurement == 0.064 && plate.wells["A2"]?.reference == 0.049)
        #expect(plate.wells["P24"]?.measurement == 0.0356 && plate.wells["P24"]?.reference == 0.05)
        #expect(plate.wells.count == 384)
    }

    @Test("Tecan i-control: a kinetic read gives one plate per label and cycle, at the wavelengths of its actions")
    func iControl() throws {
        let plates = try Self.plates("tecan-icontrol/icontrol_infinite200pro_kinetic.xlsx")
        // Two labels of 990 planned cycles, of which the run recorded 131 (the well rows end at column EB, 1 + 131
        // cells, read from the sheet XML with Python; the file's warnings list cycles up to 131): absorbance at
        // 600 nm, and fluorescence (excitation 481, emission 507 nm), which is not a reference read and stays apart.
        // Cycles without a single value are no plates.
        #expect(plates.count == 262)
        #expect(plates.prefix(131).allSatisfy { $0.wavelengths.measurement == 600 && $0.wavelengths.reference == nil && $0.wells.count == 96 })
        #expect(plates.suffix(131).allSatisfy { $0.wavelengths.measurement == 507 && $0.wavelengths.reference == nil && $0.wells.count == 96 })
        #expect(plates[0].label == "OD 600 nm, cycle 1" && plates[131].label == "Fluorescence 507 nm, cycle 1")
        let first = try #require(plates.first { $0.wells["A1"]?.measurement == 25382 })
        #expect(first.wells["H12"]?.measurement == 27193 && first.wells["A2"]?.measurement == 24916)
        #expect(plates.contains { $0.wells["A1"]?.measurement == 29682 && $0.wells["H12"]?.measurement == 30708 })
    }

    @Test("Thermo SkanIt: the Abs grid at 450 nm")
    func skanIt() throws {
        let plate = try Self.plates("thermo-skanit/skanit7_apoe_elisa_4pl.xlsx")
        #expect(plate.count == 1 && plate[0].wavelengths.measurement == 450)
        #expect(plate[0].wells["A1"]?.measurement == 1.7455 && plate[0].wells["H12"]?.measurement == 0.1032 && plate[0].wells["D3"]?.measurement == 0.9125)
        #expect(plate[0].wells.count == 96)
    }

    @Test("cross-check with SkanIt's own 4PL: labelled concentrations, blank subtracted")
    func skanItCrossCheck() throws {
        let plate = try Self.plates("thermo-skanit/skanit7_apoe_elisa_4pl.xlsx")[0]
        // Standards A–G in columns 1–2 as labelled in the workbook (µg/mL), blanks H1/H2.
        let concentrations = ["1", "0.5", "0.25", "0.125", "0.063", "0.031", "0.016"]
        var layout = "well,role,sample_id,subject_id,condition,std_conc,dilution_factor\n"
        for (i, row) in ["A", "B", "C", "D", "E", "F", "G"].enumerated() {
            for column in [1, 2] { layout += "\(row)\(column),standard,Std\(i + 1),,,\(concentrations[i]),1\n" }
        }
        layout += "H1,blank,Blank1,,,,1\nH2,blank,Blank1,,,,1\n"
        let analysis = try PlateAnalysis(read: plate, layout: PlateLayout.csv(layout, file: "layout.csv"), analyte: "APOE")
        let p = analysis.fit.parameters
        // plate-exports/README.md: a = −0.067791, b = 0.789884, c = 0.748804, d = 2.897384 (SkanIt within 0.035 %).
        #expect(p.a.isApproximatelyEqual(to: -0.067791, relativeTolerance: 1e-4))
        #expect(p.b.isApproximatelyEqual(to: 0.789884, relativeTolerance: 1e-4))
        #expect(p.c.isApproximatelyEqual(to: 0.748804, relativeTolerance: 1e-4))
        #expect(p.d.isApproximatelyEqual(to: 2.897384, relativeTolerance: 1e-4))
        #expect(p.a.isApproximatelyEqual(to: -0.0678141, relativeTolerance: 3.5e-4) && p.c.isApproximatelyEqual(to: 0.748878, relativeTolerance: 3.5e-4))
    }

    @Test("cross-check with SoftMax Pro's own fit: zero standard as a curve point, no blank subtraction")
    func softMaxCrossCheck() throws {
        let raw = try Self.plates("softmax-pro/hcp_elisa_450-650_groups_utf16.txt")[0]
        // The standards, taken by hand from the file's Group: Standards 1 block.
        let standards: [(String, Double)] = [("A", 0), ("B", 2), ("C", 10), ("D", 25), ("E", 75), ("F", 200)]
        var layout = "well,role,sample_id,subject_id,condition,std_conc,dilution_factor\n"
        for (row, conc) in standards {
            for column in [1, 2] {
                layout += conc == 0 ? "\(row)\(column),blank,STD A,,,,1\n" : "\(row)\(column),standard,STD \(row),,,\(Int(conc)),1\n"
            }
        }
        var options = ELISAOptions()
        options.blank = .fitAsZeroStandard
        let analysis = try PlateAnalysis(read: raw, layout: PlateLayout.csv(layout, file: "layout.csv"), analyte: "HCP", options: options)
        let p = analysis.fit.parameters
        // plate-exports/README.md: a = 0.07461, b = 1.10011, c = 448.739, d = 7.98778.
        #expect(p.a.isApproximatelyEqual(to: 0.07461, relativeTolerance: 2e-4))
        #expect(p.b.isApproximatelyEqual(to: 1.10011, relativeTolerance: 2e-4))
        #expect(p.c.isApproximatelyEqual(to: 448.739, relativeTolerance: 2e-4))
        #expect(p.d.isApproximatelyEqual(to: 7.98778, relativeTolerance: 2e-4))
        // SoftMax's Result column for B1…F2 (3 decimals), back-calculated per well from the reduced value.
        let results: [String: Double] = ["B1": 2.224, "B2": 2.452, "C1": 9.431, "C2": 9.486, "D1": 24.510, "D2": 26.167,
                                         "E1": 75.372, "E2": 74.476, "F1": 197.516, "F2": 202.524]
        for (well, expected) in results {
            let reading = try #require(raw.wells[well])
            let value = try #require(p.concentration(reading.measurement! - reading.reference!))
            #expect(abs(value - expected) <= 0.0005 + 1.4e-4 * expected, "\(well): \(value) vs \(expected)")
        }
    }
}

@Suite("Truncated exports never crash", .needsShared)
struct TruncatedExportTests {
    @Test("every vendor text export cut at many places is read or refused with a typed error")
    func truncations() throws {
        let folder = try #require(SharedData.url("elisa/plate-exports"), Comment(rawValue: SharedData.skipMessage))
        let files = ["biotek-gen5/endpoint_two_wavelengths_row_labels.txt", "biotek-gen5/abs450_96well_non_numeric_values.txt",
                     "bmg-mars/mars_absorbance_450.csv", "softmax-pro/absorbance_endpoint_4plates_plateformat_utf16.txt",
                     "softmax-pro/absorbance_endpoint_4plates_timeformat_utf16.txt", "softmax-pro/hcp_elisa_450-650_groups_utf16.txt"]
        for file in files {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            for fraction in stride(from: 0.02, to: 1.0, by: 0.02) {
                let cut = data.prefix(Int(Double(data.count) * fraction))
                do { _ = try PlateRead.read(cut, file: file) } catch is ELISAError {}
            }
        }
    }
}
