/// An error met while reading or writing an FCS file.
///
/// Every error names the file, the place (a byte offset, a keyword, or both) and what was expected there,
/// so a cytometry core can find the broken file and the broken byte. Scripts match on ``code``, a stable
/// string that does not change between releases.
public struct FCSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A stable, machine-readable name for the class of problem.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The file could not be opened or read from disk.
        public static let unreadableFile = Code(rawValue: "unreadable_file")
        /// The file ends before a segment it declares (HEADER, TEXT, DATA, ANALYSIS).
        public static let truncated = Code(rawValue: "truncated")
        /// The first six bytes are not `FCS2.0`, `FCS3.0`, `FCS3.1` or `FCS3.2`.
        public static let notFCS = Code(rawValue: "not_fcs")
        /// A HEADER offset field is not a number.
        public static let badHeaderOffset = Code(rawValue: "bad_header_offset")
        /// A segment lies outside the file or inside the HEADER.
        public static let segmentOutOfBounds = Code(rawValue: "segment_out_of_bounds")
        /// Two segments overlap.
        public static let segmentsOverlap = Code(rawValue: "segments_overlap")
        /// The TEXT delimiter byte is missing or not allowed.
        public static let badDelimiter = Code(rawValue: "bad_delimiter")
        /// A keyword in TEXT is empty.
        public static let emptyKeyword = Code(rawValue: "empty_keyword")
        /// A keyword in TEXT has no value.
        public static let keywordWithoutValue = Code(rawValue: "keyword_without_value")
        /// A keyword the standard requires is absent.
        public static let missingKeyword = Code(rawValue: "missing_keyword")
        /// A keyword's value cannot be read as what the standard says it holds.
        public static let badKeywordValue = Code(rawValue: "bad_keyword_value")
        /// `$PAR` is zero, negative or larger than this reader accepts.
        public static let badParameterCount = Code(rawValue: "bad_parameter_count")
        /// `$TOT` promises more events than the DATA segment can hold.
        public static let eventCountTooLarge = Code(rawValue: "event_count_too_large")
        /// `$TOT × bytes per event` differs from the DATA segment's length.
        public static let dataLengthMismatch = Code(rawValue: "data_length_mismatch")
        /// HEADER and TEXT give different DATA offsets and both fit: the reader will not guess.
        public static let ambiguousDataOffsets = Code(rawValue: "ambiguous_data_offsets")
        /// `$PnB` is a width this reader cannot decode for the data type.
        public static let unsupportedBitWidth = Code(rawValue: "unsupported_bit_width")
        /// `$DATATYPE` (or `$PnDATATYPE`) is not I, F, D or A.
        public static let unsupportedDataType = Code(rawValue: "unsupported_data_type")
        /// `$MODE` is not L (list mode); histogram modes were removed in FCS 3.1.
        public static let unsupportedMode = Code(rawValue: "unsupported_mode")
        /// `$BYTEORD` is neither little- nor big-endian.
        public static let badByteOrder = Code(rawValue: "bad_byte_order")
        /// `$NEXTDATA` points back to a data set already read, or outside the file; or data sets share bytes (their
        /// keyword or DATA segments add up past the file's size).
        public static let badNextData = Code(rawValue: "bad_next_data")
        /// `$SPILLOVER`, `SPILL`, `$COMP` or `$DFCiTOj` cannot be read as a matrix.
        public static let malformedSpillover = Code(rawValue: "malformed_spillover")
        /// An ASCII (`$DATATYPE A`) value is not a number.
        public static let badASCIIValue = Code(rawValue: "bad_ascii_value")
        /// A gzip stream could not be inflated.
        public static let badCompressedData = Code(rawValue: "bad_compressed_data")
        /// A gzip stream inflates beyond the cap (``FCSReadOptions/maximumInflatedBytes``, 64 × its compressed
        /// size + 64 MiB): a gzip bomb, refused while inflating.
        public static let inflationLimit = Code(rawValue: "inflation_limit")
        /// The requested data set does not exist in the file.
        public static let noSuchDataSet = Code(rawValue: "no_such_data_set")
        /// A channel name matches no parameter of the sample.
        public static let unknownChannel = Code(rawValue: "unknown_channel")
        /// The file could not be written.
        public static let unwritableFile = Code(rawValue: "unwritable_file")
        /// What was asked to be written cannot be expressed as FCS (e.g. columns of unequal length).
        public static let unwritableSample = Code(rawValue: "unwritable_sample")
    }

    /// The class of problem.
    public var code: Code
    /// The file being read or written.
    public var file: String
    /// The absolute byte offset in the file where the problem is, when one applies.
    public var offset: Int?
    /// The keyword involved, as written in the file, when one applies.
    public var keyword: String?
    /// What the reader expected to find.
    public var expected: String
    /// What it found instead, when that helps.
    public var found: String?

    /// Creates an error; `file` is filled in by the reader when the parts below it do not know it.
    public init(_ code: Code, file: String = "", offset: Int? = nil, keyword: String? = nil,
                expected: String, found: String? = nil) {
        self.code = code
        self.file = file
        self.offset = offset
        self.keyword = keyword
        self.expected = expected
        self.found = found
    }

    /// One line: `file: byte 256, keyword $PAR: expected …, found … [code]`.
    public var description: String {
        var place: [String] = []
        if let offset { place.append("byte \(offset)") }
        if let keyword { place.append("keyword \(keyword)") }
        var text = file.isEmpty ? "" : "\(file): "
        if !place.isEmpty { text += place.joined(separator: ", ") + ": " }
        text += "expected \(expected)"
        if let found { text += ", found \(found)" }
        return text + " [\(code)]"
    }

    /// The same error, attributed to `file`.
    func inFile(_ file: String) -> FCSError {
        var copy = self
        if copy.file.isEmpty { copy.file = file }
        return copy
    }
}
