import Foundation
import Testing
import TestSupport

/// The reference cases, with the checks' own `#require` around them.
typealias ReferenceCase = StatsReferenceCase

extension StatsReferenceCase {
    /// The cases of one `test` kind; at least one must exist, so a renamed kind cannot pass silently.
    static func of(_ test: String) throws -> [ReferenceCase] {
        let cases = try all().filter { $0.test == test }
        try #require(!cases.isEmpty, "reference.json has no '\(test)' case")
        return cases
    }

    /// Runs `body` on every case of one kind, then prints the largest deviation from the reference.
    static func check(_ test: String, _ body: (ReferenceCase, Deviation) throws -> Void) throws {
        let deviation = Deviation()
        for reference in try of(test) { try body(reference, deviation) }
        deviation.report(test)
    }
}

/// The number at `path` (keys, then an optional array index) in a JSON dictionary.
func number(_ object: [String: Any], _ path: String...) throws -> Double {
    try #require(jsonNumber(object, path: path), "no number at \(path.joined(separator: "."))")
}

/// The numbers of an array at `key`.
func numbers(_ object: [String: Any], _ key: String) throws -> [Double] {
    try #require(jsonNumbers(object, key), "no number list at \(key)")
}

/// Tracks the largest deviation from the reference over a test run, for the report: relative where the
/// tolerance is relative, absolute where only an absolute one applies (R's `uniroot` answers).
final class Deviation: @unchecked Sendable {
    private var largest = (relative: 0.0, relativeWhere: "", absolute: 0.0, absoluteWhere: "")

    /// Expects |actual − expected| ≤ rtol·|expected| + atol (the checker's rule) and records the deviation.
    func expect(_ actual: Double?, _ expected: Double, rtol: Double = 1e-9, atol: Double = 1e-12, _ what: String,
                sourceLocation: SourceLocation = #_sourceLocation) {
        guard let actual else {
            Issue.record("\(what): nil, expected \(expected)", sourceLocation: sourceLocation)
            return
        }
        let difference = abs(actual - expected)
        #expect(difference <= rtol * abs(expected) + atol, "\(what): \(actual) vs reference \(expected)", sourceLocation: sourceLocation)
        if rtol == 0 && atol > 1e-9 {
            if difference > largest.absolute { (largest.absolute, largest.absoluteWhere) = (difference, what) }
        } else if expected != 0, difference / abs(expected) > largest.relative {
            (largest.relative, largest.relativeWhere) = (difference / abs(expected), what)
        }
    }

    func report(_ suite: String) {
        var text = "\(suite): largest relative deviation from the reference \(largest.relative) (\(largest.relativeWhere))"
        if !largest.absoluteWhere.isEmpty { text += "; against R's uniroot values \(largest.absolute) (\(largest.absoluteWhere))" }
        print(text)
    }
}
