import Tables

/// A spillover matrix as stored in an FCS file: row `i` is the fraction of dye `i`'s signal seen in each
/// detector `j` (the FCS 3.1 `$SPILLOVER` convention), with the channel names as written.
public struct Spillover: Equatable, Sendable {
    /// The keyword it came from, as written (`$SPILLOVER`, `SPILL`, `$COMP`, or `$DFCiTOj` for FCS 2.0).
    public var keyword: String
    /// Channel names as written: `$PnN` values, or parameter numbers (Accuri). Nil for a `$COMP` without names.
    public var channels: [String]?
    /// Row-major `n × n` coefficients.
    public var matrix: [[Double]]

    /// Creates a matrix; `channels` must have one name per row.
    public init(keyword: String = "$SPILLOVER", channels: [String]?, matrix: [[Double]]) {
        self.keyword = keyword
        self.channels = channels
        self.matrix = matrix
    }

    /// Number of channels.
    public var size: Int { matrix.count }

    /// The FCS 3.1 text form: `n,name1,…,namen,m11,m12,…,mnn`. Values use the shortest text that round-trips.
    public var keywordValue: String {
        var parts = ["\(size)"]
        parts += channels ?? (1...max(size, 1)).map { "\($0)" }
        for row in matrix { parts += row.map { shortestText($0) } }
        return parts.joined(separator: ",")
    }

    /// The keywords searched, in order of preference.
    public static let keywords = ["$SPILLOVER", "SPILL", "$COMP"]

    /// Parses one `n,names…,values…` keyword value. `$COMP` may omit the names.
    public static func parse(_ value: String, keyword: String, offset: Int? = nil) throws -> Spillover {
        let tokens = value.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
        func bad(_ expected: String, _ found: String) -> FCSError {
            FCSError(.malformedSpillover, offset: offset, keyword: keyword, expected: expected, found: found)
        }
        guard let first = tokens.first, let n = Int(first), n > 0, n <= FCSReader.maximumParameters else {
            throw bad("a channel count n > 0 first", "'\(tokens.first ?? "")'")
        }
        let withNames = 1 + n + n * n, withoutNames = 1 + n * n
        let names: [String]?
        let valueTokens: ArraySlice<String>
        if tokens.count == withNames {
            names = Array(tokens[1...n])
            valueTokens = tokens[(n + 1)...]
        } else if tokens.count == withoutNames && keyword.uppercased() == "$COMP" {
            names = nil
            valueTokens = tokens[1...]
        } else {
            throw bad("1 + \(n) names + \(n * n) coefficients = \(withNames) comma-separated items",
                      "\(tokens.count) items")
        }
        var matrix: [[Double]] = []
        matrix.reserveCapacity(n)
        var row: [Double] = []
        for (position, token) in zip(valueTokens.indices, valueTokens) {
            guard let number = Double(token), number.isFinite else {
                throw bad("a number for coefficient \(matrix.count + 1),\(row.count + 1)", "'\(token)' (item \(position + 1))")
            }
            row.append(number)
            if row.count == n { matrix.append(row); row = [] }
        }
        if let names, Set(names).count != names.count {
            throw bad("distinct channel names", names.joined(separator: ","))
        }
        return Spillover(keyword: keyword, channels: names, matrix: matrix)
    }
}

extension Sample {
    /// The spillover matrix the file carries, or nil when it has none.
    ///
    /// `$SPILLOVER` is preferred, then BD's `SPILL`, then FCS 3.0 `$COMP`, then the FCS 2.0 `$DFCiTOj` keywords
    /// (percent of dye `i` in fluorescence detector `j`, channels named `FL1`…`FLn`; see
    /// ``spilloverNamedByParameters()``). A keyword that is present but cannot be read throws
    /// ``FCSError/Code/malformedSpillover``; reading events never depends on it.
    public func spillover() throws -> Spillover? {
        do {
            for key in Spillover.keywords {
                if let entry = keywords.entry(key) {
                    return try Spillover.parse(entry.value, keyword: entry.key, offset: entry.offset)
                }
            }
            return try dfcSpillover()
        } catch let error as FCSError {
            throw error.inFile(file)
        }
    }

    /// The file's spillover with every channel named by a `$PnN` of the file, as `$SPILLOVER` and FlowJo name
    /// them: a `$DFCiTOj` matrix (detectors numbered FL1…FLn) is cut to the detectors the file records and each
    /// is named by its parameter (``FluorescenceDetectors``: `FL1 Log`, `FL1 INT LOG`); nil when the file has no
    /// spillover, or a `$DFC` matrix none of whose detectors it records. Other keywords are returned as read.
    public func spilloverNamedByParameters() throws -> Spillover? {
        guard let spillover = try spillover() else { return nil }
        guard spillover.keyword == "$DFCiTOj" else { return spillover }
        let recorded = spillover.recordedDetectors(in: self)
        guard !recorded.isEmpty else { return nil }
        return Spillover(keyword: spillover.keyword, channels: recorded.map { parameters[$0.parameter].name },
                         matrix: spillover.coefficients(amongDetectors: recorded.map(\.detector)))
    }

    /// The most fluorescence detectors a `$DFCiTOj` matrix may number (FCS 2.0 instruments have up to 10; the
    /// bound keeps one `$DFC1TO100000` keyword from asking for an 80 GB matrix).
    public static let maximumDFCDetectors = 256

    /// FCS 2.0 `$DFCiTOj`: percent of dye `i` seen in fluorescence detector `j`. The numbers count fluorescence
    /// detectors (FL1, FL2, … on Beckman instruments), not parameters, so the channels are named `FL1`…`FLn` and
    /// matched to `$PnN` later by detector number (`FL1 Log`, `FL1 INT LIN`; see ``FluorescenceDetectors``). A
    /// written diagonal (`$DFC1TO1 0.0`) is ignored: a dye is all of its own detector's signal.
    private func dfcSpillover() throws -> Spillover? {
        var pairs: [(Int, Int, Double)] = []
        for entry in keywords {
            let key = entry.key.uppercased()
            guard key.hasPrefix("$DFC") else { continue }
            let numbers = key.dropFirst(4).split(separator: "TO", maxSplits: 1, omittingEmptySubsequences: false)
            guard numbers.count == 2, let i = Int(numbers[0]), let j = Int(numbers[1]), i >= 1, j >= 1,
                  i <= Self.maximumDFCDetectors, j <= Self.maximumDFCDetectors,
                  let percent = Double(entry.value.trimmingSpaces), percent.isFinite else {
                throw FCSError(.malformedSpillover, offset: entry.offset, keyword: entry.key,
                               expected: "$DFCiTOj with detector numbers i, j from 1 to \(Self.maximumDFCDetectors) and a percentage",
                               found: "'\(printable(entry.value.utf8))'")
            }
            pairs.append((i, j, percent / 100))
        }
        guard let size = pairs.map({ max($0.0, $0.1) }).max() else { return nil }
        var matrix = [[Double]](repeating: [Double](repeating: 0, count: size), count: size)
        for k in 0..<size { matrix[k][k] = 1 }
        for (i, j, fraction) in pairs where i != j { matrix[i - 1][j - 1] = fraction }
        return Spillover(keyword: "$DFCiTOj", channels: (1...size).map { "FL\($0)" }, matrix: matrix)
    }
}

extension Spillover {
    /// For a `$DFCiTOj` matrix (detectors numbered from 1): each detector `sample` records, in order, with the
    /// index of the parameter that records it (``FluorescenceDetectors``). Instruments write every detector's
    /// coefficients whatever was acquired, so some are usually missing.
    public func recordedDetectors(in sample: Sample) -> [(detector: Int, parameter: Int)] {
        let numbers = Array(1...max(matrix.count, 1))
        let recorded = FluorescenceDetectors.parameters(for: numbers, in: sample)
        return numbers.compactMap { number in recorded[number].map { (number, $0) } }
    }

    /// The coefficients among the detectors numbered `kept` (from 1), in that order.
    public func coefficients(amongDetectors kept: [Int]) -> [[Double]] {
        kept.map { i in kept.map { j in matrix[i - 1][j - 1] } }
    }
}
