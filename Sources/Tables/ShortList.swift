/// Items for a message: the first `limit` joined by ", ", then how many more (`a, b, c and 12 more`), so that a
/// message stays readable however long the list is (a panel of 100,000 markers, 9,999 missing shards).
public func shortList<Items: Collection>(_ items: Items, first limit: Int) -> String where Items.Element == String {
    items.prefix(limit).joined(separator: ", ") + (items.count > limit ? " and \(items.count - limit) more" : "")
}
