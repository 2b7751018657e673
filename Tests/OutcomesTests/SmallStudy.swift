import Foundation
import Outcomes
import TestSupport

/// A small valid study written as files (one SSc patient, one healthy donor, one plate, one marker), which each
/// validation test breaks in one place.
struct SmallStudy {
    var clinical = [
        "subject_id,group,age_years,sex,inclusion_date,ssc_subset,disease_duration_years,acr_eular_2013,anti_centromere,anti_topoisomerase_i,anti_rna_polymerase_iii,autoantibody_group,mrss,digital_ulcers,ild_ct,pah_echo,pah_rhc_confirmed,immunosuppressant,prednisone_mg_day,notes",
        "P1,SSc,50,F,2023-01-01,limited,2.0,yes,pos,neg,neg,ACA,8,past,yes,no,,none,0,",
        "H1,HD,30,M,2023-01-02,,,,,,,,,,,,,,,donor",
    ]
    var samples = [
        "sample_id,subject_id,arm,condition,serum_subject_id,ruxolitinib_uM,elisa_plate_ids,fcs_file,control_type,control_marker",
        "P1_UT,P1,SSC_MDM,UT,,0,CCL18_1,fcs/P1_UT.fcs,,",
        "P1_RUX,P1,SSC_MDM,RUX,,1,CCL18_1,fcs/P1_RUX.fcs,,",
        "H1_SERUM,H1,HD_SSCSERUM,SERUM,P1,0,CCL18_1,fcs/H1_SERUM.fcs,,",
        "H1_SERUM_RUX,H1,HD_SSCSERUM,SERUM_RUX,P1,1,CCL18_1,fcs/H1_SERUM_RUX.fcs,,",
        "P1_UT_FMO_CD204,P1,SSC_MDM,UT,,0,,fcs/P1_UT_FMO_CD204.fcs,FMO,CD204",
    ]
    var markers = [
        "sample_id,subject_id,condition,marker,mfi,percent_positive",
        "P1_UT,P1,UT,CD204,1000,60",
        "P1_RUX,P1,RUX,CD204,500,40",
        "H1_SERUM,H1,SERUM,CD204,800,55",
        "H1_SERUM_RUX,H1,SERUM_RUX,CD204,600,45",
    ]
    var concentrations = [
        "sample_id,subject_id,condition,analyte,plate,status,flags,value_for_stats,selected,units",
        "P1_UT,P1,UT,CCL18,CCL18_1,OK,,2000,true,pg/mL",
        "P1_RUX,P1,RUX,CCL18,CCL18_1,OK,,800,true,pg/mL",
        "H1_SERUM,H1,SERUM,CCL18,CCL18_1,OK,,1500,true,pg/mL",
        "H1_SERUM_RUX,H1,SERUM_RUX,CCL18,CCL18_1,<LLOQ,,25,true,pg/mL",
    ]

    /// The study markers the template reads (what each culture tube is expected to give).
    var panel: [StudyMarker] = [.cd204]
    /// The batch's failed tubes (errors.csv), by sample id.
    var tubeFailures: [String: String] = [:]

    /// The folder the files are written to.
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory("outcomes-small")
    }

    /// Writes the four files and returns their paths.
    func write() throws -> (clinical: String, samples: String, markers: String, concentrations: String) {
        let files = [("clinical.csv", clinical), ("samples.csv", samples), ("markers.csv", markers), ("concentrations.csv", concentrations)]
        for (name, lines) in files {
            try (lines.joined(separator: "\n") + "\n").write(toFile: folder.path(name), atomically: false, encoding: .utf8)
        }
        return (folder.path("clinical.csv"), folder.path("samples.csv"), folder.path("markers.csv"), folder.path("concentrations.csv"))
    }

    /// Loads the study.
    func load() throws -> StudyData {
        let paths = try write()
        return try StudyData.load(clinical: paths.clinical, samples: paths.samples, markers: paths.markers, concentrations: paths.concentrations,
                                  panel: panel, tubeFailures: tubeFailures)
    }

    /// The problems loading reports (empty when it loads).
    func problems() throws -> [StudyDataProblems.Problem] {
        do {
            _ = try load()
            return []
        } catch let problems as StudyDataProblems {
            return problems.problems
        }
    }

    /// Replaces `old` by `new` in line `line` (0 = header) of `lines`.
    static func edit(_ lines: inout [String], line: Int, _ old: String, _ new: String) {
        lines[line] = lines[line].replacingOccurrences(of: old, with: new)
    }
}
