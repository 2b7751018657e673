/// One line of `clinical.csv`: an SSc patient or a healthy donor (OUTCOMES §4). Absent values are nil.
public struct Subject: Sendable, Equatable {
    /// SSc patient or healthy donor.
    public enum Group: String, Sendable, CaseIterable { case ssc = "SSc", hd = "HD" }
    /// Sex.
    public enum Sex: String, Sendable, CaseIterable { case female = "F", male = "M" }
    /// LeRoy cutaneous subset.
    public enum Subset: String, Sendable, CaseIterable { case diffuse, limited, sine }
    /// A yes/no item.
    public enum YesNo: String, Sendable, CaseIterable { case yes, no }
    /// An antibody result.
    public enum Antibody: String, Sendable, CaseIterable { case pos, neg }
    /// Digital ulcers, current or past.
    public enum DigitalUlcers: String, Sendable, CaseIterable { case current, past, never }
    /// The autoantibody class.
    public enum AutoantibodyGroup: String, Sendable, CaseIterable {
        /// Anticentromere.
        case aca = "ACA"
        /// Anti-topoisomerase I (Scl-70).
        case ata = "ATA"
        /// Anti-RNA polymerase III.
        case ara = "ARA"
        /// None of the SSc antibodies.
        case none
        /// Another SSc antibody.
        case other
        /// Several antibodies.
        case multiple
    }

    /// The pseudonymised code.
    public var id: String
    /// SSc or HD.
    public var group: Group
    /// Age at inclusion, 18–100.
    public var ageYears: Int?
    /// Sex.
    public var sex: Sex?
    /// `YYYY-MM-DD`.
    public var inclusionDate: String?
    /// Cutaneous subset (SSc only).
    public var subset: Subset?
    /// Years since the first non-Raynaud symptom (SSc only).
    public var diseaseDurationYears: Double?
    /// Meets the ACR/EULAR 2013 criteria (SSc only).
    public var acrEular2013: YesNo?
    /// Anticentromere (SSc only).
    public var antiCentromere: Antibody?
    /// Anti-topoisomerase I (SSc only).
    public var antiTopoisomeraseI: Antibody?
    /// Anti-RNA polymerase III (SSc only).
    public var antiRNAPolymeraseIII: Antibody?
    /// The autoantibody class as given, or derived from the three antibody columns when absent.
    public var autoantibodyGroup: AutoantibodyGroup?
    /// Modified Rodnan skin score, 0–51 (SSc only).
    public var mrss: Int?
    /// Digital ulcers (SSc only).
    public var digitalUlcers: DigitalUlcers?
    /// ILD on chest HRCT (SSc only).
    public var ildCT: YesNo?
    /// Suspected PAH on echocardiography (SSc only).
    public var pahEcho: YesNo?
    /// PAH confirmed by right-heart catheterisation (optional).
    public var pahRHCConfirmed: YesNo?
    /// Immunosuppressant, free text or `none`.
    public var immunosuppressant: String?
    /// Prednisone, mg/day, ≥ 0.
    public var prednisoneMgDay: Double?
    /// Free notes.
    public var notes: String?

    /// A subject with only an id and a group; the other fields absent.
    public init(id: String, group: Group) {
        self.id = id
        self.group = group
    }

    /// S4a's level: `multiple` and `other` form `other`; nil when the class is unknown.
    public var autoantibodyLevel: String? {
        guard let group = autoantibodyGroup else { return nil }
        return group == .multiple ? AutoantibodyGroup.other.rawValue : group.rawValue
    }

    /// S4c's level: `yes` = current or past.
    public var digitalUlcersEver: YesNo? {
        digitalUlcers.map { $0 == .never ? .no : .yes }
    }
}
