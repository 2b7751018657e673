import Foundation

/// One case of ../shared/stats/reference.json: inputs, the base R 4.2.2 block (the target) and the scipy block
/// (which carries the Walsh-definition Hodges–Lehmann values and the t-test's GMR).
public struct StatsReferenceCase: @unchecked Sendable {
    /// The case id, e.g. `paired_05`.
    public let id: String
    /// The kind: `paired`, `mann_whitney`, `kruskal`, `spearman` or `bh`.
    public let test: String
    /// The inputs.
    public let input: [String: Any]
    /// R's outputs with R's defaults.
    public let r: [String: Any]
    /// scipy's outputs and the reference script's own definitions (Hodges–Lehmann, t on logs).
    public let scipy: [String: Any]

    /// Every case of the file; empty when ../shared is absent.
    public static func all() throws -> [StatsReferenceCase] {
        guard let root = try SharedData.json("stats/reference.json") as? [String: Any],
              let cases = root["cases"] as? [[String: Any]] else { return [] }
        return cases.compactMap { entry in
            guard let id = entry["id"] as? String, let test = entry["test"] as? String else { return nil }
            return StatsReferenceCase(id: id, test: test, input: entry["input"] as? [String: Any] ?? [:],
                                      r: entry["r"] as? [String: Any] ?? [:], scipy: entry["scipy"] as? [String: Any] ?? [:])
        }
    }
}

/// The number at `path` in parsed JSON (dictionary keys; a numeric key indexes an array), or nil.
public func jsonNumber(_ object: Any?, _ path: String...) -> Double? {
    jsonNumber(object, path: path)
}

/// The number at `path` in parsed JSON, the path given as a list.
public func jsonNumber(_ object: Any?, path: [String]) -> Double? {
    var current = object
    for key in path {
        if let index = Int(key), let array = current as? [Any], array.indices.contains(index) {
            current = array[index]
        } else {
            current = (current as? [String: Any])?[key]
        }
    }
    return (current as? NSNumber)?.doubleValue
}

/// The list of numbers at `key` in a parsed JSON dictionary, or nil.
public func jsonNumbers(_ object: Any?, _ key: String) -> [Double]? {
    ((object as? [String: Any])?[key] as? [NSNumber])?.map(\.doubleValue)
}
