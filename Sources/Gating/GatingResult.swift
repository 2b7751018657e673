/// The events of every population of one sample.
public struct GatingResult: Sendable {
    /// The sample's file.
    public var file: String
    /// Number of events in the sample.
    public var eventCount: Int
    /// Population ids in document order (quadrant ids in place of their quadrant gate).
    public var ids: [String]
    /// Each population's parent id (nil for a population of all events).
    public var parents: [String: String]
    /// Each population's events, including its parents' conditions.
    public var membership: [String: EventSet]
    /// Each gate's decision for this sample (template, computed, pooled, override or fallback), in document order.
    public var decisions: [GateDecision] = []

    /// Number of events in `id`.
    public func count(_ id: String) -> Int { membership[id]?.count ?? 0 }

    /// Number of events in `id`'s parent (all events for a top-level population).
    public func parentCount(_ id: String) -> Int { parents[id].map { count($0) } ?? eventCount }

    /// Percent of the parent, or NaN when the parent is empty.
    public func percentOfParent(_ id: String) -> Double {
        let parent = parentCount(id)
        return parent == 0 ? .nan : 100 * Double(count(id)) / Double(parent)
    }

    /// Percent of all events, or NaN for an empty sample.
    public func percentOfTotal(_ id: String) -> Double {
        eventCount == 0 ? .nan : 100 * Double(count(id)) / Double(eventCount)
    }
}
