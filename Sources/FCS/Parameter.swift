import Tables

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

    /// Creates a parameter; `$PnR` is parsed from `rangeText` and `$PnE` written from the decades and offset.
    public init(index: Int, name: String, marker: String? = nil, bits: Int = 32, rangeText: String = "262144",
                logDecades: Double = 0, logOffset: Double = 0, gain: Double? = nil, voltage: Double? = nil,
                filter: String? = nil, storedType: StoredType = .float, type: String? = nil, detector: String? = nil,
                tag: String? = nil, analyte: String? = nil, feature: String? = nil) {
        self.init(index: index, name: name, marker: marker, bits: bits, rangeText: rangeText, range: Double(rangeText.trimmingSpaces),
                  logDecades: logDecades, logOffset: logOffset,
                  amplificationText: logDecades > 0 ? "\(shortestText(logDecades)),\(shortestText(logOffset))" : "0,0",
                  gain: gain, voltage: voltage, filter: filter, storedType: storedType, type: type, detector: detector,
                  tag: tag, analyte: analyte, feature: feature)
    }

    init(index: Int, name: String, marker: String?, bits: Int, rangeText: String, range: Double?,
         logDecades: Double, logOffset: Double, amplificationText: String?, gain: Double?, voltage: Double?,
         filter: String?, storedType: StoredType, type: String?, detector: String?, tag: String?,
         analyte: String?, feature: String?) {
        self.index = index
        self.name = name
        self.marker = marker
        self.bits = bits
        self.rangeText = rangeText
        self.range = range
        self.logDecades = logDecades
        self.logOffset = logOffset
        self.amplificationText = amplificationText
        self.gain = gain
        self.voltage = voltage
        self.filter = filter
        self.storedType = storedType
        self.type = type
        self.detector = detector
        self.tag = tag
        self.analyte = analyte
        self.feature = feature
    }

    /// Whether this is the time parameter: `$PnTYPE Time`, or a `$PnN` of `Time` (any case), as FlowIO decides.
    public var isTime: Bool {
        if let type, type.lowercased() == "time" { return true }
        return name.lowercased() == "time"
    }

    /// `$PnS` when present, otherwise `$PnN`: the label a cytometrist reads.
    public var label: String { marker ?? name }
}
