import Foundation
import Outcomes
import Plots
import Reports
import Tables

/// `flowstudy outcomes` on a simulated 150-subject cohort (120 SSc patients, 30 healthy donors): sheets,
/// markers.csv (6 markers × 300 culture samples), concentrations.csv (5 analytes, some censored, one rejected
/// curve) and a review gallery of 10 gate plots per culture sample, then the tables, the figures and the report
/// (gallery images linked), as the command does them. Target < 2 s (release). Chromium's PNG copies are timed
/// apart: they cost a browser start per figure.
func outcomesBenchmark(repeats: Int) throws {
    let folder = NSTemporaryDirectory() + "flowstudy-bench-outcomes-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let inputs = try writeCohort(folder, patients: 120, donors: 30)
    var report: StudyReport?
    let seconds = try best(repeats) {
        let data = try StudyData.load(clinical: inputs.clinical, samples: inputs.samples, markers: inputs.markers, concentrations: inputs.concentrations,
                                      panel: StudyMarker.allCases)
        let outcomes = try StudyOutcomes(data)
        let made = StudyReport(outcomes: outcomes, provenance: Provenance(inputs: inputs, flowstudyVersion: "bench"),
                               gallery: try GalleryImages(review: folder + "/review"))
        let output = try OutputFolder(folder + "/out")
        for file in outcomes.files { try output.write(file.bytes, to: file.name) }
        try output.write(made.provenance.json, to: Provenance.fileName)
        _ = try made.write(into: output, chromium: nil, png: false, pdf: false)
        try output.commit()
        report = made
    }
    let images = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/out/report/img").count) ?? 0
    print(String(format: "outcomes: 150 subjects (%d subject pages, %d gate plots linked, 7 figures): %.3f s best of %d (tables, figures, report; target < 2 s)",
                 report?.subjectIDs.count ?? 0, images, seconds, repeats))
    if let chromium = HeadlessChromium.find(), let report {
        let start = now()
        let output = try OutputFolder(folder + "/png")
        _ = try report.write(into: output, chromium: chromium, png: true, pdf: false)
        try output.commit()
        print(String(format: "  with the PNG copies by headless Chromium (7 figures, 2 at a time): %.2f s", now() - start))
    } else {
        print("  Chromium not found: PNG copies not timed")
    }
}

/// Writes the cohort's files into `folder` and returns where they are.
func writeCohort(_ folder: String, patients: Int, donors: Int) throws -> StudyInputs {
    for sub in ["flow", "elisa", "review/img"] { try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true) }
    var random = SystemRandomNumberGenerator()
    func noise(_ sd: Double) -> Double { exp(sd * (Double.random(in: -1...1, using: &random) + Double.random(in: -1...1, using: &random))) }
    var clinical = ["subject_id,group,age_years,sex,ssc_subset,anti_centromere,anti_topoisomerase_i,anti_rna_polymerase_iii,autoantibody_group,mrss,digital_ulcers,ild_ct,pah_echo,notes"]
    var samples = ["sample_id,subject_id,arm,condition,serum_subject_id,ruxolitinib_uM,elisa_plate_ids,fcs_file"]
    var culture: [(id: String, subject: String, condition: String, treated: Bool)] = []
    for i in 1...patients {
        let id = String(format: "SSC%03d", i)
        let antibodies = [("ACA", "pos,neg,neg"), ("ATA", "neg,pos,neg"), ("ARA", "neg,neg,pos"), ("none", "neg,neg,neg")][i % 4]
        clinical.append("\(id),SSc,\(30 + i % 50),\(i % 3 == 0 ? "M" : "F"),\(["diffuse", "limited", "sine"][i % 3]),\(antibodies.1),\(antibodies.0),\(i % 52),\(["current", "past", "never"][i % 3]),\(i % 2 == 0 ? "yes" : "no"),\(i % 5 == 0 ? "yes" : "no"),")
        for (condition, dose) in [("UT", 0), ("RUX", 1)] {
            samples.append("\(id)_\(condition),\(id),SSC_MDM,\(condition),,\(dose),CCL18_1;PDGFBB_1;IL6_1;CXCL10_1;CXCL4_1,fcs/\(id)_\(condition).fcs")
            culture.append(("\(id)_\(condition)", id, condition, dose == 1))
        }
    }
    for i in 1...donors {
        let id = String(format: "HD%03d", i), serum = String(format: "SSC%03d", i)
        clinical.append("\(id),HD,\(25 + i),F,,,,,,,,,,")
        for (condition, dose) in [("SERUM", 0), ("SERUM_RUX", 1)] {
            samples.append("\(id)_\(condition),\(id),HD_SSCSERUM,\(condition),\(serum),\(dose),CCL18_1;PDGFBB_1;IL6_1;CXCL10_1;CXCL4_1,fcs/\(id)_\(condition).fcs")
            culture.append(("\(id)_\(condition)", id, condition, dose == 1))
        }
    }
    var markers = ["sample_id,subject_id,condition,marker,n_events,mfi,percent_positive,threshold,control_sample_id,control_mfi,flags"]
    var concentrations = ["sample_id,subject_id,condition,analyte,plate,status,flags,value_for_stats,value_text,selected,units"]
    var cells: [[String: Any]] = []
    let png = PNGEncoder.encode(Bitmap(width: 160, height: 160))
    let analytes = [("CCL18", "CCL18_1", 20000.0, 0.4), ("PDGF-BB", "PDGFBB_1", 300.0, 0.95), ("IL-6", "IL6_1", 60.0, 0.35),
                    ("CXCL10", "CXCL10_1", 3000.0, 0.25), ("CXCL4", "CXCL4_1", 600.0, 0.75)]
    for sample in culture {
        for (index, marker) in ["CD204", "CD206", "CD163", "CD86", "HLA-DR", "TLR4"].enumerated() {
            let mfi = Double(2000 + 500 * index) * noise(0.3) * (sample.treated ? 0.7 : 1)
            markers.append("\(sample.id),\(sample.subject),\(sample.condition),\(marker),3200,\(mfi),\(50 * noise(0.2) * (sample.treated ? 0.8 : 1)),800,,250,GEOMEAN_EXCLUDED")
        }
        for (analyte, plate, level, ratio) in analytes {
            let value = level * noise(0.4) * (sample.treated ? ratio : 1)
            let censored = value < 10
            let stats = censored ? 5 : value
            concentrations.append("\(sample.id),\(sample.subject),\(sample.condition),\(analyte),\(plate),\(censored ? "<LLOQ" : "OK"),,\(stats),\(censored ? "<10" : "\(value)"),true,pg/mL")
        }
        for gate in 0..<10 {
            let key = "\(sample.id)-\(gate)"
            try Data(png).write(to: URL(fileURLWithPath: folder + "/review/img/\(key).png"))
            cells.append(["sample": sample.id, "population": "gate\(gate)", "key": key, "image": "img/\(key).png", "percent": 50.0, "drawn": true])
        }
    }
    let files = [("clinical.csv", clinical), ("samples.csv", samples), ("flow/markers.csv", markers), ("elisa/concentrations.csv", concentrations)]
    for (name, lines) in files { try (lines.joined(separator: "\n") + "\n").write(toFile: folder + "/" + name, atomically: false, encoding: .utf8) }
    try JSONSerialization.data(withJSONObject: ["template_sha256": "bench", "cells": cells]).write(to: URL(fileURLWithPath: folder + "/review/manifest.json"))
    return StudyInputs(clinical: folder + "/clinical.csv", samples: folder + "/samples.csv", flow: folder + "/flow", elisa: folder + "/elisa", review: folder + "/review")
}
