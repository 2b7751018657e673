/// How the reader treats files that bend the standard.
///
/// The default is strict where a file is *ambiguous*: when HEADER and TEXT give different DATA offsets and both
/// fit, the reader stops and says so rather than guess. Unambiguous, well-known slips (a DATA end one byte too
/// far, pad bytes after the final TEXT delimiter, a `$PnB 10` stored in 16-bit words, a broken supplemental TEXT
/// that events never depend on) are repaired and recorded on the sample. Each leniency below is named, so a batch
/// can state exactly what it allowed.
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

    /// What to do with a supplemental TEXT segment that cannot be read: one that lies outside the file, overlaps
    /// the primary TEXT, has unreadable `$BEGINSTEXT`/`$ENDSTEXT` or malformed keywords (Accuri C6, Sysmex CyFlow).
    public enum SupplementalTextPolicy: String, Equatable, Sendable, CaseIterable, Codable {
        /// Ignore it and record a `supplemental_text_ignored` repair: events never depend on supplemental TEXT.
        case ignore
        /// Stop with the error that made it unreadable.
        case strict
    }

    /// What to do when HEADER and TEXT disagree and both fit.
    public var offsetPreference: OffsetPreference = .strict
    /// What to do with a supplemental TEXT segment that cannot be read (default: ignore it, recorded).
    public var supplementalText: SupplementalTextPolicy = .ignore
    /// Decode events; `false` reads HEADER and keywords only (fast `inspect`: DATA is never touched).
    public var readEvents = true
    /// The most bytes a gzip-compressed file may inflate to: ``defaultInflationRatio`` times its compressed size
    /// plus 64 MiB, and never more than this. Checked while inflating, so a gzip bomb stops early with
    /// ``FCSError/Code/inflationLimit``.
    public var maximumInflatedBytes = 8 << 30

    /// The inflation ratio beyond which gzip input is refused (deflate's own limit is about 1,032:1; FCS data
    /// compresses 1.2–10:1).
    public static let defaultInflationRatio = 64

    /// Kept for callers of the old flag: `true` is ``SupplementalTextPolicy/ignore``.
    public var ignoreBadSupplementalText: Bool {
        get { supplementalText == .ignore }
        set { supplementalText = newValue ? .ignore : .strict }
    }

    /// The defaults: strict about ambiguous DATA offsets, a broken supplemental TEXT ignored and recorded.
    public init() {}

    /// The defaults (``init()``).
    public static let strict = FCSReadOptions()

    /// The inflation cap for a gzip file of `compressedBytes` bytes.
    public func inflationLimit(compressedBytes: Int) -> Int {
        let (scaled, overflow) = compressedBytes.multipliedReportingOverflow(by: Self.defaultInflationRatio)
        return overflow ? maximumInflatedBytes : min(maximumInflatedBytes, scaled &+ (64 << 20))
    }
}
