import Foundation
import Outcomes
import Plots
import Reports
import Tables
import TestSupport

/// A small study written as files: three SSc patients and one healthy donor, with one censored CCL18 value, a
/// rejected IL-6 curve result, a NOT_READ IL-6 sample, a CXCL10 result missing from concentrations.csv, text to
/// escape in the notes, and a review gallery of two images per culture sample.
struct ReportFixture {
    let folder: TemporaryDirectory
    let inputs: StudyInputs

    static let clinical = [
        "subject_id,group,age_years,sex,inclusion_date,ssc_subset,disease_duration_years,acr_eular_2013,anti_centromere,anti_topoisomerase_i,anti_rna_polymerase_iii,autoantibody_group,mrss,digital_ulcers,ild_ct,pah_echo,pah_rhc_confirmed,immunosuppressant,prednisone_mg_day,notes",
        "P1,SSc,50,F,2023-01-01,limited,2.0,yes,pos,neg,neg,ACA,8,past,yes,no,,none,0,\"<script>alert('x')</script> & more\"",
        "P2,SSc,61,M,2023-02-01,diffuse,4.0,yes,neg,pos,neg,ATA,20,never,no,no,,MMF,5,",
        "P3,SSc,45,F,2023-03-01,diffuse,1.0,yes,neg,pos,neg,ATA,25,current,yes,no,,none,0,",
        "H1,HD,30,M,2023-01-02,,,,,,,,,,,,,,,",
    ]
    static let samples: [String] = {
        var lines = ["sample_id,subject_id,arm,condition,serum_subject_id,ruxolitinib_uM,elisa_plate_ids,fcs_file,control_type,control_marker"]
        for p in ["P1", "P2", "P3"] {
            lines.append("\(p)_UT,\(p),SSC_MDM,UT,,0,CCL18_1;IL6_1;CXCL10_1,fcs/\(p)_UT.fcs,,")
            lines.append("\(p)_RUX,\(p),SSC_MDM,RUX,,1,CCL18_1;IL6_1;CXCL10_1,fcs/\(p)_RUX.fcs,,")
        }
        lines.append("H1_SERUM,H1,HD_SSCSERUM,SERUM,P1,0,CCL18_1,fcs/H1_SERUM.fcs,,")
        lines.append("H1_SERUM_RUX,H1,HD_SSCSERUM,SERUM_RUX,P1,1,CCL18_1,fcs/H1_SERUM_RUX.fcs,,")
        return lines
    }()
    /// CCL18 values (UT, RUX) per patient; P3's RUX is below the LLOQ×DF of 50 (LLOQ 2.5 in the well × DF 20; substituted 25).
    static let ccl18: [String: (Double, Double)] = ["P1": (2000, 800), "P2": (5000, 1200), "P3": (900, 25)]

    static let concentrations: [String] = {
        var lines = ["sample_id,subject_id,condition,analyte,plate,status,flags,value_for_stats,value_text,selected,units,dilution_factor"]
        for p in ["P1", "P2", "P3"] {
            let (ut, rx) = ccl18[p] ?? (0, 0)
            lines.append("\(p)_UT,\(p),UT,CCL18,CCL18_1,OK,,\(ut),\(ut),true,pg/mL,20")
            lines.append("\(p)_RUX,\(p),RUX,CCL18,CCL18_1,\(p == "P3" ? "<LLOQ" : "OK"),,\(rx),\(p == "P3" ? "<50" : "\(rx)"),true,pg/mL,20")
        }
        lines.append("P1_UT,P1,UT,IL-6,IL6_1,OK,CURVE_REJECTED,100,100,true,pg/mL,2")
        lines.append("P1_RUX,P1,RUX,IL-6,IL6_1,OK,CURVE_REJECTED,40,40,true,pg/mL,2")
        lines.append("P2_UT,P2,UT,IL-6,IL6_1,NOT_READ,,,,true,pg/mL,2")
        lines.append("P2_RUX,P2,RUX,IL-6,IL6_1,OK,,30,30,true,pg/mL,2")
        lines.append("P3_UT,P3,UT,IL-6,IL6_1,OK,,90,90,true,pg/mL,2")
        lines.append("P3_RUX,P3,RUX,IL-6,IL6_1,OK,,35,35,true,pg/mL,2")
        for p in ["P1", "P2"] {
            lines.append("\(p)_UT,\(p),UT,CXCL10,CXCL10_1,OK,,300,300,true,pg/mL,2")
            lines.append("\(p)_RUX,\(p),RUX,CXCL10,CXCL10_1,OK,,100,100,true,pg/mL,2")
        }
        lines.append("P3_RUX,P3,RUX,CXCL10,CXCL10_1,OK,,90,90,true,pg/mL,2")
        lines.append("H1_SERUM,H1,SERUM,CCL18,CCL18_1,OK,,1500,1500,true,pg/mL,20")
        lines.append("H1_SERUM_RUX,H1,SERUM_RUX,CCL18,CCL18_1,OK,,700,700,true,pg/mL,20")
        return lines
    }()

    static let markers: [String] = {
        var lines = ["sample_id,subject_id,condition,marker,n_events,mfi,percent_positive,threshold,control_sample_id,control_mfi,flags"]
        let conditions = [("P1_UT", "P1", "UT"), ("P1_RUX", "P1", "RUX"), ("P2_UT", "P2", "UT"), ("P2_RUX", "P2", "RUX"), ("P3_UT", "P3", "UT"),
                          ("P3_RUX", "P3", "RUX"), ("H1_SERUM", "H1", "SERUM"), ("H1_SERUM_RUX", "H1", "SERUM_RUX")]
        for (index, (sample, subject, condition)) in conditions.enumerated() {
            lines.append("\(sample),\(subject),\(condition),CD206,3000,\(1000 + 100 * index),\(60 - index),700,,250,GEOMEAN_EXCLUDED")
        }
        return lines
    }()

    init() throws {
        folder = try TemporaryDirectory("report-fixture")
        let files = [("clinical.csv", Self.clinical), ("samples.csv", Self.samples), ("flow/markers.csv", Self.markers),
                     ("elisa/concentrations.csv", Self.concentrations)]
        try FileManager.default.createDirectory(atPath: folder.path("flow"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder.path("elisa"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder.path("review/img"), withIntermediateDirectories: true)
        for (name, lines) in files {
            try (lines.joined(separator: "\n") + "\n").write(toFile: folder.path(name), atomically: false, encoding: .utf8)
        }
        // A gallery: two cells per culture sample, each a small PNG.
        var cells: [[String: Any]] = []
        for line in Self.samples.dropFirst() {
            let sample = String(line.split(separator: ",")[0])
            for population in ["macrophages", "CD206+"] {
                let key = "\(sample)-\(population == "macrophages" ? "m" : "c")"
                try Data(PNGEncoder.encode(Bitmap(width: 8, height: 8))).write(to: URL(fileURLWithPath: folder.path("review/img/\(key).png")))
                cells.append(["sample": sample, "population": population, "key": key, "image": "img/\(key).png", "percent": 42.5, "drawn": true])
            }
        }
        let manifest = try JSONSerialization.data(withJSONObject: ["template_sha256": "abc", "cells": cells])
        try manifest.write(to: URL(fileURLWithPath: folder.path("review/manifest.json")))
        inputs = StudyInputs(clinical: folder.path("clinical.csv"), samples: folder.path("samples.csv"), flow: folder.path("flow"),
                             elisa: folder.path("elisa"), review: folder.path("review"))
    }

    /// The outcomes of the fixture.
    func outcomes() throws -> StudyOutcomes {
        try StudyOutcomes(StudyData.load(clinical: inputs.clinical, samples: inputs.samples, markers: inputs.markers, concentrations: inputs.concentrations, panel: [.cd206]))
    }

    /// The report written (and committed) into `out`, without Chromium.
    func writeReport(to out: String, chromium: HeadlessChromium? = nil) throws -> (StudyReport, StudyReport.Written) {
        let report = StudyReport(outcomes: try outcomes(), provenance: Provenance(inputs: inputs, flowstudyVersion: "test"),
                                 gallery: try GalleryImages(review: folder.path("review")))
        let output = try OutputFolder(out)
        for file in report.outcomes.files { try output.write(file.bytes, to: file.name) }
        let written = try report.write(into: output, chromium: chromium, png: chromium != nil, pdf: false)
        try output.commit()
        return (report, written)
    }
}
