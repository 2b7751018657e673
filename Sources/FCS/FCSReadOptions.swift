/// How the reader treats files that bend the standard.
///
/// The default is strict where a file is *ambiguous*: when HEADER and TEXT give different DATA offsets and both
/// fit, the reader stops and says so rather than guess. Unambiguous, well-known slips (a DATA end one byte too
/// far, pad bytes after the final TEXT delimiter, a `$PnB 10` stored in 16-bit words) are repaired and recorded
/// on the sample. Each leniency below is named, so a batch can state exactly what it allowed.
public struct FCSReadOptions: Equatable, Sendable {
    /// Which DATA offsets win when HEADER and TEXT disagree and both fit `$TOT` events.
    public enum OffsetPreference: String, Equatable, Sendable, CaseIterable, Codable {
        /// Stop with ``FCSError/Code/ambiguousDataOffsets``.
        case strict
        /// Take the HEADER's offsets (what fcsparser and FlowIO's `use_header_offsets` do).
        case header
        /// Take TEXT's `$BEGINDATA`/`$ENDDATA`.
        case text
    }

    /// What to do when HEADER and TEXT disagree and both fit.
    public var offsetPreference: OffsetPreference = .strict
    /// Keep reading when a supplemental TEXT segment lies outside the file (it is then ignored and recorded).
    public var ignoreBadSupplementalText = false
    /// Decode events; `false` reads HEADER and keywords only (fast `inspect`).
    public var readEvents = true

    /// Strict defaults.
    public init() {}

    /// Strict defaults.
    public static let strict = FCSReadOptions()
}
