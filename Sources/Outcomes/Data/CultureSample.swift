/// One line of `samples.csv`: a culture well or supernatant, or a control tube (OUTCOMES §4, plus
/// `control_type` and `control_marker`).
public struct CultureSample: Sendable, Equatable {
    /// A control tube's kind.
    public enum ControlType: String, Sendable, CaseIterable { case fmo = "FMO", isotype }

    /// The sample's id, as the FCS tubes and the ELISA layouts name it.
    public var id: String
    /// The subject the cells came from.
    public var subjectID: String
    /// The arm.
    public var arm: StudyArm
    /// The condition.
    public var condition: CultureCondition
    /// HD arm: the SSc patient whose serum was used, or `POOL`.
    public var serumSubjectID: String?
    /// Culture date, as written.
    public var cultureDate: String?
    /// Culture batch, as written.
    public var cultureBatch: String?
    /// Ruxolitinib concentration (µM); 0 for untreated.
    public var ruxolitinibMicromolar: Double?
    /// The vehicle, e.g. `DMSO 0.1%`.
    public var vehicle: String?
    /// The ELISA plates that measured this sample.
    public var elisaPlateIDs: [String]
    /// The FCS file, relative to the sheet.
    public var fcsFile: String?
    /// Share of non-dead events, 0–100.
    public var viabilityPercent: Double?
    /// FMO or isotype for a control tube; nil for a culture sample.
    public var controlType: ControlType?
    /// The marker a control tube leaves out or replaces.
    public var controlMarker: String?
    /// The file line it was read from (for messages).
    public var line: Int

    /// A sample with its identifying fields; the others absent.
    public init(id: String, subjectID: String, arm: StudyArm, condition: CultureCondition, line: Int = 0) {
        self.id = id
        self.subjectID = subjectID
        self.arm = arm
        self.condition = condition
        self.elisaPlateIDs = []
        self.line = line
    }

    /// Whether the sample is a culture sample (not a control tube), so that results are expected for it.
    public var isCulture: Bool { controlType == nil }

    /// The unit the pairing is done on: the subject (SSc arm) or the HD donor (the HD arm, after the median
    /// over sera).
    public var unitID: String { subjectID }
}
