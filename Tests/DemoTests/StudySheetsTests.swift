import Demo
import Foundation
import Tables
import Testing
import TestSupport

@Suite("Demo study sheets")
struct StudySheetsTests {
    @Test("clinical.csv and samples.csv have the reference cohort's columns", .needsShared)
    func referenceHeaders() throws {
        for name in ["clinical.csv", "samples.csv"] {
            let reference = try #require(SharedData.url("study/reference-cohort/" + name))
            let expected = try CSVTable(try InputFile.text(reference.path)).header
            let generated = try CSVTable(try InputFile.text(try SmallStudy.folder() + "/" + name)).header
            #expect(generated == expected, "\(name)")
        }
    }

    @Test("clinical values are in OUTCOMES §4's vocabularies, HD lines have every SSc-only cell empty, antibodies agree")
    func clinicalVocabularies() throws {
        let rows = try SmallStudy.records("clinical.csv")
        let patients = rows.filter { $0["group"] == "SSc" }, donors = rows.filter { $0["group"] == "HD" }
        #expect(patients.count == 8 && donors.count == 3)
        let sscOnly = ["ssc_subset", "disease_duration_years", "acr_eular_2013", "anti_centromere", "anti_topoisomerase_i",
                       "anti_rna_polymerase_iii", "autoantibody_group", "mrss", "digital_ulcers", "ild_ct", "pah_echo",
                       "pah_rhc_confirmed", "immunosuppressant", "prednisone_mg_day"]
        for donor in donors { #expect(sscOnly.allSatisfy { donor[$0] == "" }, "\(donor["subject_id"] ?? "")") }
        var missing = 0
        for p in patients {
            let id = p["subject_id"] ?? ""
            #expect(["diffuse", "limited", "sine"].contains(p["ssc_subset"] ?? ""), "\(id)")
            #expect(["yes", "no"].contains(p["acr_eular_2013"] ?? ""))
            let antibodies = ["anti_centromere", "anti_topoisomerase_i", "anti_rna_polymerase_iii"].map { p[$0] ?? "" }
            #expect(antibodies.allSatisfy { $0 == "pos" || $0 == "neg" })
            let expectedGroup: [String: [String]] = ["ACA": ["pos", "neg", "neg"], "ATA": ["neg", "pos", "neg"], "ARA": ["neg", "neg", "pos"],
                                                     "none": ["neg", "neg", "neg"], "other": ["neg", "neg", "neg"]]
            #expect(expectedGroup[p["autoantibody_group"] ?? ""] == antibodies, "\(id)")
            if let text = p["mrss"], !text.isEmpty { #expect((0...51).contains(Int(text) ?? -1)) } else { missing += 1 }
            for (column, allowed) in [("digital_ulcers", ["current", "past", "never"]), ("ild_ct", ["yes", "no"]), ("pah_echo", ["yes", "no"])] {
                if let value = p[column], !value.isEmpty { #expect(allowed.contains(value), "\(id) \(column)") } else { missing += 1 }
            }
            if (p["disease_duration_years"] ?? "").isEmpty { missing += 1 }
            #expect(!(p["immunosuppressant"] ?? "").isEmpty)
            #expect(Double(p["prednisone_mg_day"] ?? "") != nil)
        }
        #expect(missing >= 1)
        #expect(Set(patients.compactMap { $0["autoantibody_group"] }).isSuperset(of: ["ACA", "ATA", "ARA", "none"]))
        #expect(Set(patients.compactMap { $0["ssc_subset"] }) == ["diffuse", "limited"])
    }

    @Test("every SSc culture has UT and RUX, every HD culture SERUM and SERUM_RUX with an SSc serum, some sera shared")
    func samplesDesign() throws {
        let rows = try SmallStudy.records("samples.csv")
        let cultures = rows.filter { ($0["control_type"] ?? "").isEmpty }
        let patients = Set(try SmallStudy.records("clinical.csv").filter { $0["group"] == "SSc" }.compactMap { $0["subject_id"] })
        for subject in Set(cultures.compactMap { $0["subject_id"] }) {
            let conditions = Set(cultures.filter { $0["subject_id"] == subject }.compactMap { $0["condition"] })
            #expect(conditions == (patients.contains(subject) ? ["UT", "RUX"] : ["SERUM", "SERUM_RUX"]), "\(subject)")
        }
        let sera = cultures.filter { $0["arm"] == "HD_SSCSERUM" && $0["condition"] == "SERUM" }.compactMap { $0["serum_subject_id"] }
        #expect(sera.count == 3 && sera.allSatisfy(patients.contains))
        #expect(Set(sera).count < sera.count)
        for row in cultures {
            #expect(row["ruxolitinib_uM"] == (["RUX", "SERUM_RUX"].contains(row["condition"] ?? "") ? "1" : "0"))
            #expect((row["elisa_plate_ids"] ?? "").split(separator: ";").count == 5)
            #expect((50...100).contains(Double(row["viability_percent"] ?? "") ?? 0))
        }
        let controls = rows.filter { $0["control_type"] == "FMO" }
        #expect(controls.count == 6 * cultures.count)
        for control in controls {
            let marker = (control["control_marker"] ?? "").replacingOccurrences(of: "-", with: "")
            let parent = (control["sample_id"] ?? "").replacingOccurrences(of: "_FMO_" + marker, with: "")
            #expect(cultures.contains { $0["sample_id"] == parent && $0["condition"] == control["condition"] }, "\(control["sample_id"] ?? "")")
            #expect(control["elisa_plate_ids"] == "")
        }
    }
}
