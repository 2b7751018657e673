/// How values of one parameter are stored in DATA.
public enum StoredType: String, Equatable, Hashable, Sendable, Codable {
    /// Unsigned binary integer (`$DATATYPE I`).
    case integer = "I"
    /// IEEE 754 single precision (`F`).
    case float = "F"
    /// IEEE 754 double precision (`D`).
    case double = "D"
    /// ASCII digits (`A`), fixed width or `*` delimited.
    case ascii = "A"
}

/// One parameter (channel) of a data set, with its `$Pn…` keywords typed.
public struct Parameter: Equatable, Sendable {
    /// 1-based parameter number `n`.
    public var index: Int
    /// `$PnN`: the short name, e.g. `FSC-A`, `BV421-A`.
    public var name: String
    /// `$PnS`: the marker or long name, e.g. `CD14`; nil when absent or blank.
    public var marker: String?
    /// `$PnB`: bits reserved for the value (`*` for delimited ASCII is 0).
    public var bits: Int
    /// `$PnR` as written.
    public var rangeText: String
    /// `$PnR` as a number, when it is one (it may be fractional on float data).
    public var range: Double?
    /// `$PnE` decades (f1); 0 for linear.
    public var logDecades: Double
    /// `$PnE` offset (f2) as written; 0 is read as 1 when decoding (FCS 3.1).
    public var logOffset: Double
    /// `$PnE` as written.
    public var amplificationText: String?
    /// `$PnG`: amplifier gain, when given.
    public var gain: Double?
    /// `$PnV`: detector voltage, when given.
    public var voltage: Double?
    /// `$PnF`: optical filter, when given.
    public var filter: String?
    /// How the value is stored (`$DATATYPE`, or FCS 3.2 `$PnDATATYPE`).
    public var storedType: StoredType
    /// FCS 3.2 `$PnTYPE` (e.g. `Forward_Scatter`, `Raw_Fluorescence`, `Time`).
    public var type: String?
    /// FCS 3.2 `$PnDET`: detector name.
    public var detector: String?
    /// FCS 3.2 `$PnTAG`: reagent tag (fluorochrome or isotope).
    public var tag: String?
    /// FCS 3.2 `$PnANALYTE`: what the reagent detects.
    public var analyte: String?
    /// FCS 3.2 `$PnFEATURE`: `Area`, `Height` or `Width`.
    public var feature: String?

    /// Whether this is the time parameter: `$PnTYPE Time`, or a `$PnN` of `Time` (any case), as FlowIO decides.
    public var isTime: Bool {
        if let type, type.lowercased() == "time" { return true }
        return name.lowercased() == "time"
    }

    /// `$PnS` when present, otherwise `$PnN`: the label a cytometrist reads.
    public var label: String { marker ?? name }
}
