/// The keyword/value pairs of a TEXT segment, in file order.
///
/// Lookup is case-insensitive, as the standard requires (`$par` finds `$PAR`), while the original spelling of
/// every keyword is kept for display and for writing the file back. Only a *leading* `$` marks a standard
/// keyword: `flowCore_$P1Rmax` is a vendor keyword and is never taken for `$P1R`.
public struct Keywords: Equatable, Sendable, Sequence {
    /// One keyword as written in the file.
    public struct Entry: Equatable, Sendable {
        /// The keyword with its original case, e.g. `$P1N` or `SPILL`.
        public var key: String
        /// The value, decoded as UTF-8 or, when that fails, Latin-1.
        public var value: String
        /// Absolute byte offset of the keyword in the file.
        public var offset: Int
        /// Which segment the keyword came from.
        public var source: Source
    }

    /// The segment a keyword was read from.
    public enum Source: String, Equatable, Sendable, Codable {
        case text = "TEXT", supplementalText = "STEXT", analysis = "ANALYSIS"
    }

    /// The entries, in file order.
    public private(set) var entries: [Entry] = []
    private var index: [String: Int] = [:]

    /// An empty set of keywords.
    public init() {}

    /// Keywords from `(key, value)` pairs, e.g. to write a file.
    public init(_ pairs: [(String, String)]) {
        for (key, value) in pairs { set(key, value) }
    }

    /// The normalised form used for lookup: ASCII upper case.
    static func normalise(_ key: String) -> String { key.uppercased() }

    /// The value of `key` (case-insensitive), or nil.
    public subscript(key: String) -> String? {
        index[Self.normalise(key)].map { entries[$0].value }
    }

    /// The entry for `key` (case-insensitive), or nil.
    public func entry(_ key: String) -> Entry? {
        index[Self.normalise(key)].map { entries[$0] }
    }

    /// Whether `key` is present.
    public func contains(_ key: String) -> Bool { index[Self.normalise(key)] != nil }

    /// Number of keywords.
    public var count: Int { entries.count }

    /// Iterates the entries in file order.
    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }

    /// Sets `key` to `value`, replacing an existing keyword of the same name in place.
    /// Returns the replaced value, if any.
    @discardableResult
    public mutating func set(_ key: String, _ value: String, offset: Int = 0, source: Source = .text) -> String? {
        let normalised = Self.normalise(key)
        if let existing = index[normalised] {
            let old = entries[existing].value
            entries[existing].value = value
            return old
        }
        index[normalised] = entries.count
        entries.append(Entry(key: key, value: value, offset: offset, source: source))
        return nil
    }

    /// Removes `key` if present.
    public mutating func remove(_ key: String) {
        guard let position = index[Self.normalise(key)] else { return }
        entries.remove(at: position)
        rebuildIndex()
    }

    /// Removes every keyword that matches, keeping the others in file order: one pass and one index rebuild,
    /// where removing them one by one would rebuild the index for each (quadratic in the keywords).
    public mutating func removeAll(where matches: (Entry) throws -> Bool) rethrows {
        // Filtered into a copy: Array.removeAll(where:) may leave the array reordered when the predicate throws.
        let kept = try entries.filter { try !matches($0) }
        guard kept.count != entries.count else { return }
        entries = kept
        rebuildIndex()
    }

    private mutating func rebuildIndex() {
        index = [:]
        for (i, entry) in entries.enumerated() { index[Self.normalise(entry.key)] = i }
    }

    public static func == (lhs: Keywords, rhs: Keywords) -> Bool { lhs.entries == rhs.entries }
}
