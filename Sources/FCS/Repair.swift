/// A deviation from the FCS standard that the reader worked around, recorded on the sample so it is never silent.
///
/// `inspect` shows them and batch QC tables carry them, so a core facility can see which files needed help and
/// rerun with identical results.
public struct Repair: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// A stable name for the kind of repair, e.g. `data_end_off_by_one`.
    public var code: String
    /// What was found and what was done, in one sentence.
    public var message: String
    /// The absolute byte offset concerned, if any.
    public var offset: Int?
    /// The keyword concerned, if any.
    public var keyword: String?

    /// Creates a repair record.
    public init(_ code: String, _ message: String, offset: Int? = nil, keyword: String? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
        self.keyword = keyword
    }

    public var description: String {
        var place: [String] = []
        if let offset { place.append("byte \(offset)") }
        if let keyword { place.append(keyword) }
        return "\(code): \(message)" + (place.isEmpty ? "" : " (\(place.joined(separator: ", ")))")
    }
}
