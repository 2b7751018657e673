/// A set of events held as a bitset: one bit per event, 64 events per word.
public struct EventSet: Equatable, Sendable {
    /// Number of events in the sample (not in the set).
    public let eventCount: Int
    @usableFromInline var words: [UInt64]

    /// An empty set over `eventCount` events.
    public init(eventCount: Int) {
        self.eventCount = eventCount
        words = [UInt64](repeating: 0, count: (eventCount + 63) / 64)
    }

    /// Every event.
    public static func all(_ eventCount: Int) -> EventSet {
        var set = EventSet(eventCount: eventCount)
        for i in set.words.indices { set.words[i] = .max }
        set.clearTail()
        return set
    }

    /// The set as bytes (each 64-bit word little-endian), to store a population's events beside a result.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(words.count * 8)
        for word in words { for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) } }
        return out
    }

    /// The set stored by ``bytes``; nil when the length does not fit `eventCount` or bits lie beyond it.
    public init?(eventCount: Int, bytes: [UInt8]) {
        guard eventCount >= 0, bytes.count == (eventCount + 63) / 64 * 8 else { return nil }
        self.init(eventCount: eventCount)
        for w in words.indices {
            var word: UInt64 = 0
            for b in 0..<8 { word |= UInt64(bytes[w * 8 + b]) << UInt64(8 * b) }
            words[w] = word
        }
        var trimmed = self
        trimmed.clearTail()
        guard trimmed == self else { return nil }
    }

    private mutating func clearTail() {
        let extra = words.count * 64 - eventCount
        if extra > 0, !words.isEmpty { words[words.count - 1] &= UInt64.max >> UInt64(extra) }
    }

    /// Whether event `index` is in the set.
    @inlinable public func contains(_ index: Int) -> Bool { words[index >> 6] & (1 << UInt64(index & 63)) != 0 }

    /// Adds event `index`.
    @inlinable public mutating func insert(_ index: Int) { words[index >> 6] |= 1 << UInt64(index & 63) }

    /// Number of events in the set.
    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Events in both sets.
    public func intersection(_ other: EventSet) -> EventSet {
        var result = self
        for i in words.indices { result.words[i] &= other.words[i] }
        return result
    }

    /// Events in either set.
    public func union(_ other: EventSet) -> EventSet {
        var result = self
        for i in words.indices { result.words[i] |= other.words[i] }
        return result
    }

    /// Events not in the set.
    public func complement() -> EventSet {
        var result = self
        for i in words.indices { result.words[i] = ~words[i] }
        result.clearTail()
        return result
    }

    /// The events' indices in increasing order.
    public var indices: [Int] {
        var result: [Int] = []
        result.reserveCapacity(count)
        forEach { result.append($0) }
        return result
    }

    /// Calls `body` with each event index in increasing order.
    @inlinable public func forEach(_ body: (Int) -> Void) {
        for (w, word) in words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                body(w << 6 | bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
    }
}
