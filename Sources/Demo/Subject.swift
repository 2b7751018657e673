import Foundation
import Tables

/// One line of `clinical.csv` (OUTCOMES.md §4): an SSc patient or a healthy donor. Optional fields are missing
/// values (an empty cell); every SSc-only field of a healthy donor is nil.
public struct Subject: Codable, Equatable, Sendable {
    /// `SSc` or `HD`.
    public enum Group: String, Codable, Sendable { case ssc = "SSc", hd = "HD" }
    /// The four autoantibody groups of S4a, and `other` (an SSc antibody outside the three tested).
    public enum Autoantibody: String, Codable, Sendable, CaseIterable { case aca = "ACA", ata = "ATA", ara = "ARA", none, other }
    /// LeRoy subsets used by the generator.
    public enum Subset: String, Codable, Sendable { case diffuse, limited }
    /// Digital ulcers, current or past.
    public enum Ulcers: String, Codable, Sendable { case current, past, never }

    /// `SSC01`, `HD01`.
    public var subjectID: String
    /// SSc patient or healthy donor.
    public var group: Group
    /// Age at inclusion.
    public var ageYears: Int
    /// `F` or `M`.
    public var sex: String
    /// Days from 2023-01-01 to the inclusion.
    public var inclusionDay: Int
    /// Cutaneous subset.
    public var subset: Subset?
    /// Years since the first non-Raynaud symptom.
    public var diseaseDurationYears: Double?
    /// Meets the ACR/EULAR 2013 criteria.
    public var acrEular2013: Bool?
    /// The autoantibody group; the three antibody columns follow from it.
    public var autoantibody: Autoantibody?
    /// Modified Rodnan skin score, 0–51.
    public var mrss: Int?
    /// Digital ulcers.
    public var digitalUlcers: Ulcers?
    /// ILD on chest HRCT.
    public var ild: Bool?
    /// Suspected PAH on echocardiography.
    public var pahEcho: Bool?
    /// PAH confirmed by right-heart catheterisation (only when suspected).
    public var pahConfirmed: Bool?
    /// `none`, `MMF`, `MTX`…
    public var immunosuppressant: String?
    /// Prednisone dose.
    public var prednisoneMgDay: Double?
    /// Free text (vasodilators, the other antibody).
    public var notes: String

    /// The columns of `clinical.csv`, as OUTCOMES.md §4 lists them.
    public static let header = ["subject_id", "group", "age_years", "sex", "inclusion_date", "ssc_subset", "disease_duration_years",
                                "acr_eular_2013", "anti_centromere", "anti_topoisomerase_i", "anti_rna_polymerase_iii",
                                "autoantibody_group", "mrss", "digital_ulcers", "ild_ct", "pah_echo", "pah_rhc_confirmed",
                                "immunosuppressant", "prednisone_mg_day", "notes"]

    /// The subject's line of `clinical.csv`.
    public var row: [String] {
        func yesNo(_ value: Bool?) -> String { value.map { $0 ? "yes" : "no" } ?? "" }
        func antibody(_ which: Autoantibody) -> String { autoantibody.map { $0 == which ? "pos" : "neg" } ?? "" }
        func decimal(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "" }
        return [subjectID, group.rawValue, String(ageYears), sex, StudyCalendar.iso(inclusionDay), subset?.rawValue ?? "",
                decimal(diseaseDurationYears), yesNo(acrEular2013), antibody(.aca), antibody(.ata), antibody(.ara),
                autoantibody?.rawValue ?? "", mrss.map(String.init) ?? "", digitalUlcers?.rawValue ?? "", yesNo(ild),
                yesNo(pahEcho), yesNo(pahConfirmed), immunosuppressant ?? "", decimal(prednisoneMgDay), notes]
    }
}
