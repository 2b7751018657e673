import Simulation

/// One culture well of the demo study: a line of `samples.csv` with its FCS tube, and its simulated truth.
public struct Culture: Sendable {
    /// `SSC01_UT`, `HD02_SERUM_RUX`.
    public var sampleID: String
    /// The patient or donor.
    public var subjectID: String
    /// `SSC_MDM` or `HD_SSCSERUM`.
    public var arm: String
    /// `UT`, `RUX`, `SERUM` or `SERUM_RUX`.
    public var condition: String
    /// The patient whose serum a healthy donor's culture received.
    public var serumSubjectID: String?
    /// Days from 2023-01-01 to the culture.
    public var cultureDay: Int
    /// `B1`… for patients, `H1`… for donors (by culture date, six patients or four donors a batch).
    public var batch: String
    /// Whether ruxolitinib was added (1 µM).
    public var treated: Bool
    /// The cutaneous subset of the patient (nil for donors), which sets the CCL18 effect.
    public var subset: Subject.Subset?
    /// The culture's flow settings (events and seed are set per tube).
    public var simulator: MacrophageSimulator
    /// True neat concentration (pg/mL) of each analyte, in ``ELISAModel/assays`` order.
    public var concentrations: [Double] = []
    /// Why a concentration is where it is: `random`, or `below_lloq` when it was put below the curve on purpose.
    public var designs: [String] = []
    /// The plates the culture's supernatant is on, in assay order.
    public var plates: [String] = []

    /// The FCS file, relative to the study folder.
    public var file: String { "fcs/\(sampleID).fcs" }
}

/// One FCS tube: a culture's stained tube or one of its FMO controls.
public struct Tube: Sendable {
    /// `SSC01_UT` or `SSC01_UT_FMO_HLADR`.
    public var sampleID: String
    /// Index of the culture in ``StudyDesign/cultures``.
    public var culture: Int
    /// The marker left unstained, for an FMO tube.
    public var fmoMarker: String?
    /// The tube's simulator, events, seed and keywords set.
    public var simulator: MacrophageSimulator

    /// The FCS file, relative to the study folder.
    public var file: String { "fcs/\(sampleID).fcs" }
}
