/// The six macrophage membrane markers of S2 and S3, as `markers.csv` names them (MHCII is stained as HLA-DR).
public enum StudyMarker: String, Sendable, CaseIterable, Hashable, Comparable {
    /// CD204 (scavenger receptor A).
    case cd204 = "CD204"
    /// CD206 (mannose receptor).
    case cd206 = "CD206"
    /// CD163.
    case cd163 = "CD163"
    /// CD86.
    case cd86 = "CD86"
    /// MHC class II, stained as HLA-DR.
    case hlaDR = "HLA-DR"
    /// TLR4.
    case tlr4 = "TLR4"

    /// The marker named `name`, compared ignoring case and punctuation; `MHCII` is HLA-DR. Nil for another
    /// marker (a gating readout outside the study's panel of outcomes).
    public init?(named name: String) {
        let key = Self.key(name)
        if key == "MHCII" { self = .hlaDR; return }
        guard let marker = Self.allCases.first(where: { Self.key($0.rawValue) == key }) else { return nil }
        self = marker
    }

    /// Upper-case letters and digits only.
    static func key(_ name: String) -> String {
        String(name.uppercased().unicodeScalars.filter { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }.map(Character.init))
    }

    /// Table order: the order of declaration.
    public static func < (lhs: StudyMarker, rhs: StudyMarker) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// The two flow readouts of a marker.
public enum FlowReadout: String, Sendable, CaseIterable, Hashable {
    /// The median fluorescence intensity on the macrophage gate (compensated, untransformed units).
    case mfi = "MFI"
    /// The share of the gate above the marker's threshold, in percent.
    case percentPositive = "percent_positive"
}
