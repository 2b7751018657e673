import Tables

/// Why a statistic could not be computed, or why an input file could not be read, with enough context (test,
/// file, line, column, value) to find and fix the cause.
public enum StatisticsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A test was given fewer values than it needs.
    case tooFewValues(test: String, needed: Int, found: Int)
    /// Paired inputs of different lengths.
    case unpairedLengths(untreated: Int, treated: Int)
    /// A value that is NaN or infinite (`index` counts from 0 in the input given to `test`).
    case notFinite(test: String, index: Int, value: Double)
    /// A p-value outside [0, 1].
    case probabilityOutOfRange(index: Int, value: Double)
    /// A test needing a fixed number of groups was given another number.
    case groupCount(test: String, expected: String, found: [String])
    /// A confidence level outside (0, 1).
    case confidenceLevel(Double)
    /// A file that could not be read.
    case unreadableFile(file: String, reason: String)
    /// A CSV file without a column the test needs.
    case missingColumn(file: String, column: String, header: [String])
    /// A CSV cell that is not what the column holds.
    case malformedCell(file: String, line: Int, column: String, value: String, expected: String)
    /// A CSV line that cannot be split into the header's cells.
    case malformedLine(file: String, line: Int, reason: String)

    /// One line naming what went wrong and where.
    public var description: String {
        switch self {
        case let .tooFewValues(test, needed, found):
            return "\(test): needs at least \(needed) values, found \(found)"
        case let .unpairedLengths(untreated, treated):
            return "paired comparison: \(untreated) untreated values but \(treated) treated values"
        case let .notFinite(test, index, value):
            return "\(test): value \(index + 1) is \(value), expected a finite number"
        case let .probabilityOutOfRange(index, value):
            return "Benjamini–Hochberg: p-value \(index + 1) is \(value), expected a number in [0, 1]"
        case let .groupCount(test, expected, found):
            // A few names say which column was taken for the group; thousands would bury the message.
            return "\(test): expected \(expected) groups, found \(found.count) (\(shortList(found, first: 8)))"
        case let .confidenceLevel(level):
            return "confidence level \(level) is not between 0 and 1"
        case let .unreadableFile(file, reason):
            return "\(file): \(reason)"
        case let .missingColumn(file, column, header):
            return "\(file): line 1: expected a column '\(column)', found \(header.map { "'\($0)'" }.joined(separator: ", "))"
        case let .malformedCell(file, line, column, value, expected):
            return "\(file): line \(line), column '\(column)': '\(value)' is not \(expected)"
        case let .malformedLine(file, line, reason):
            return "\(file): line \(line): \(reason)"
        }
    }
}
