import Tables
import Foundation

/// Each simulated event's true population, kept beside the FCS file so a gate can be scored against the truth.
///
/// Format (`TUBE.truth.csv` beside `TUBE.fcs` or `TUBE.fcs.gz`, see ``path(forFCS:)``): UTF-8 CSV, LF line ends,
/// a header line `population`, then one line per event in the file's event order, holding the population's name:
/// `debris`, `doublet`, `dead` (a dead macrophage), `lymphocyte` (the contaminating non-macrophage cells) or
/// `macrophage` (a live single macrophage). Line k + 1 is event k (0-based); the number of lines after the header is
/// the file's `$TOT`. About 11 bytes per event (1.1 MB for 100,000 events). Written by `flowstudy simulate --truth`;
/// documented in `docs/simulation.md`.
public struct TruthSidecar: Equatable, Sendable {
    /// The header line.
    public static let header = "population"
    /// The population of each event, in file order.
    public var populations: [MacrophageSimulator.Population]

    /// A sidecar of the given populations.
    public init(populations: [MacrophageSimulator.Population]) { self.populations = populations }

    /// A sidecar of ``SimulatedSample/populations`` labels (raw values; an unknown label counts as a macrophage,
    /// which the simulator never writes).
    public init(labels: [UInt8]) {
        populations = labels.map { MacrophageSimulator.Population(rawValue: $0) ?? .macrophage }
    }

    /// Number of events.
    public var count: Int { populations.count }

    /// The sidecar's path for an FCS file: `.fcs.gz` or `.fcs` (any case) replaced by `.truth.csv`, or
    /// `.truth.csv` appended when the name has neither.
    public static func path(forFCS fcsPath: String) -> String {
        var stem = Substring(fcsPath)
        for suffix in [".gz", ".fcs"] where stem.lowercased().hasSuffix(suffix) {
            stem = stem.dropLast(suffix.count)
        }
        return stem + ".truth.csv"
    }

    /// The sidecar's text.
    public func csv() -> String {
        var text = Self.header + "\n"
        text.reserveCapacity(populations.count * 11 + 12)
        for population in populations {
            text += population.name
            text += "\n"
        }
        return text
    }

    /// Reads a sidecar's text (`file` names it in errors). A UTF-8 byte-order mark, CRLF line ends and a missing
    /// final line end are accepted; a wrong header, an unknown population or, when `events` is given, another
    /// number of events is a ``TruthSidecarError`` naming the line.
    ///
    /// Not through `CSVTable`: the file has one column of fixed names and a line per event (millions of lines),
    /// so it is matched byte by byte; no value it may hold needs CSV quoting.
    public static func read(_ bytes: some Collection<UInt8>, file: String, events: Int? = nil) throws -> TruthSidecar {
        let names = Dictionary(uniqueKeysWithValues: MacrophageSimulator.Population.allCases.map { (Array($0.name.utf8), $0) })
        var text = Array(bytes)
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text.removeFirst(3) }
        var lines = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }  // the final line end
        let headerLine = lines.first.map { $0.last == UInt8(ascii: "\r") ? Array($0.dropLast()) : Array($0) } ?? []
        guard headerLine == Array(header.utf8) else {
            throw TruthSidecarError(file: file, line: 1, message: "expected the header `\(header)`, found `\(shown(headerLine))`")
        }
        var populations: [MacrophageSimulator.Population] = []
        populations.reserveCapacity(lines.count - 1)
        for (index, rawLine) in lines.enumerated().dropFirst() {
            let line = rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine[...]
            guard let population = names[Array(line)] else {
                throw TruthSidecarError(file: file, line: index + 1, message: "expected one of \(MacrophageSimulator.Population.allCases.map(\.name).joined(separator: ", ")), found `\(shown(Array(line)))`")
            }
            populations.append(population)
        }
        if let events, events != populations.count {
            throw TruthSidecarError(file: file, line: populations.count + 1, message: "expected \(events) events (the FCS file's $TOT), found \(populations.count)")
        }
        return TruthSidecar(populations: populations)
    }

    /// Reads the sidecar at `path`.
    public static func read(path: String, events: Int? = nil) throws -> TruthSidecar {
        let bytes: [UInt8]
        do { bytes = try InputFile.bytes(path) } catch let error as TablesError {
            throw TruthSidecarError(file: path, line: nil, message: "expected \(error.expected), found \(error.found)")
        }
        return try read(bytes, file: path, events: events)
    }

    /// At most 40 bytes of a line, control characters escaped, for an error message.
    private static func shown(_ line: [UInt8]) -> String {
        line.prefix(40).map { (32..<127).contains($0) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16, uppercase: true) }.joined()
            + (line.count > 40 ? "…" : "")
    }
}
