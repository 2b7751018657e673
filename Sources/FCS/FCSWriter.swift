import Tables

/// Writes samples as FCS 3.1 (or 3.2) list-mode files: little-endian, `$DATATYPE F`, or `D` when a value would
/// lose precision in Float32, with every required keyword, the `$PnS` markers, `$SPILLOVER` and the sample's own
/// keywords. Offsets beyond 8 digits are written as 0 in the HEADER and given in TEXT, as FCS 3.1 says.
///
/// What is written reads back bit for bit: a Float32 column comes back as the same Float32 values, a Float64
/// column as the same Float64 values, and integers that Float32 holds exactly come back as those numbers.
///
/// FCS 3.1 forbids a logarithmic `$PnE` on `F`/`D` data, so a log-amplified channel written as floats is written
/// as its decoded values `10^(f1 · x / $PnR) · f2` with `$PnE 0,0` (its scale values are unchanged); the original
/// `$PnE` and `$PnR` are recorded in `FLOWSTUDY_PnE` and `FLOWSTUDY_PnR`. With ``keepIntegerColumns`` an integer
/// channel keeps its stored values and its `$PnE` instead.
///
/// The TEXT delimiter is `/` unless a keyword or value starts with it (`$FIL=/home/u/x.fcs`): a delimiter doubled
/// right after a separator cannot be told from an escaped one, so the writer then takes the first of `|`, `\`,
/// `!`, `^`, `~`, `#`, `%`, `&`, `*`, `;`, then any other ASCII byte, that no keyword or value starts with.
public struct FCSWriter: Sendable {
    /// The version written in the HEADER: `3.1` (default) or `3.2`.
    public var version: String = "3.1"
    /// Integer columns are written as integers, keeping their `$PnE`: with FCS 3.2 as `$PnDATATYPE I` beside float
    /// columns; with FCS 3.1 when every column is an integer column (`$DATATYPE I`). `export --values stored`
    /// sets it, so a log-amplified channel keeps its stored channel numbers.
    public var keepIntegerColumns = false
    /// Keywords (by name) to place in a supplemental TEXT segment after DATA instead of the primary TEXT.
    public var supplementalKeywords: Set<String> = []
    /// Compress the file with gzip (`.fcs.gz`).
    public var gzip = false
    /// The largest offset written in the HEADER; FCS 3.1 fixes it at 99,999,999 (tests lower it).
    var maximumHeaderOffset = 99_999_999

    /// A writer with the defaults: FCS 3.1, single-precision floats when exact.
    public init() {}

    /// Keywords the writer computes itself; the sample's own values for them are ignored.
    static func isStructural(_ key: String) -> Bool {
        let upper = key.uppercased()
        if ["$BEGINANALYSIS", "$ENDANALYSIS", "$BEGINDATA", "$ENDDATA", "$BEGINSTEXT", "$ENDSTEXT", "$BYTEORD",
            "$DATATYPE", "$MODE", "$NEXTDATA", "$PAR", "$TOT", "$SPILLOVER", "SPILL", "$COMP"].contains(upper) {
            return true
        }
        if upper.hasPrefix("$DFC") { return true }
        // FLOWSTUDY_PnE / FLOWSTUDY_PnR: written for the channels this writer decodes, never copied.
        if upper.hasPrefix("FLOWSTUDY_P"), let last = upper.last, last == "E" || last == "R",
           upper.dropFirst(11).dropLast().allSatisfy(\.isNumber) { return true }
        // $Pn… keywords the writer derives from the parameters.
        guard upper.hasPrefix("$P"), let digitEnd = upper.dropFirst(2).firstIndex(where: { !$0.isNumber }),
              digitEnd > upper.index(upper.startIndex, offsetBy: 2) else { return false }
        return ["B", "E", "N", "R", "S", "G", "DATATYPE"].contains(String(upper[digitEnd...]))
    }

    /// Writes `samples` (chained by `$NEXTDATA` when there are several) to `path`, atomically.
    public func write(_ samples: [Sample], to path: String) throws {
        do {
            var bytes = try encode(samples)
            if gzip { bytes = try Gzip.deflate(bytes) }
            try AtomicFile.write(bytes, to: path)
        } catch let error as FCSError {
            throw error.inFile(path)
        }
    }

    /// Writes one sample to `path`, atomically.
    public func write(_ sample: Sample, to path: String) throws { try write([sample], to: path) }

    /// The bytes of an FCS file holding `samples` in order.
    public func encode(_ samples: [Sample]) throws -> [UInt8] {
        guard !samples.isEmpty else {
            throw FCSError(.unwritableSample, expected: "at least one sample to write")
        }
        var sets = try samples.map { try encodeDataSet($0, nextData: 0) }
        // Each data set's $NEXTDATA is the length of the data set itself (offsets are relative to its HEADER).
        for i in sets.indices.dropLast() {
            var next = sets[i].count
            while true {
                let rewritten = try encodeDataSet(samples[i], nextData: next)
                if rewritten.count == next { sets[i] = rewritten; break }
                next = rewritten.count
            }
        }
        return Array(sets.joined())
    }

    /// How one column is stored.
    private struct Plan {
        var type: StoredType
        var bytes: Int
    }

    private func plans(for sample: Sample) throws -> (StoredType, [Plan]) {
        let count = sample.eventCount
        guard sample.columns.count == sample.parameters.count, !sample.parameters.isEmpty else {
            throw FCSError(.unwritableSample, expected: "one column per parameter (at least one)",
                           found: "\(sample.parameters.count) parameters, \(sample.columns.count) columns")
        }
        guard sample.columns.allSatisfy({ $0.count == count }) else {
            throw FCSError(.unwritableSample, expected: "columns of equal length", found: "\(sample.columns.map(\.count))")
        }
        // An empty DATA segment has offsets 0/0, which readers (ours included) take for a missing segment.
        guard count > 0 else {
            throw FCSError(.unwritableSample, expected: "at least one event (a file with an empty DATA segment does not read back)", found: "0 events")
        }
        let integerStays = { (column: ChannelValues) in self.keepsIntegers(sample) && column.kind.isInteger }
        if sample.columns.allSatisfy(integerStays) {
            return (.integer, sample.columns.map { Plan(type: .integer, bytes: $0.kind.byteWidth) })
        }
        let exactInFloat = sample.columns.allSatisfy { integerStays($0) || Self.fitsFloat32($0) }
        let common: StoredType = exactInFloat ? .float : .double
        let plans = sample.columns.map { column -> Plan in
            if integerStays(column) { return Plan(type: .integer, bytes: column.kind.byteWidth) }
            return Plan(type: common, bytes: common == .float ? 4 : 8)
        }
        return (common, plans)
    }

    /// Whether every value of the column is exactly a Float32.
    static func fitsFloat32(_ column: ChannelValues) -> Bool {
        switch column.kind {
        case .float32, .uint8, .uint16: return true
        case .uint32, .uint64, .float64:
            for i in 0..<column.count {
                let value = column[i]
                if !value.isNaN && Double(Float(value)) != value { return false }
            }
            return true
        }
    }

    /// Whether integer columns stay integers in this sample (3.2: always when asked; 3.1: when all are integers).
    private func keepsIntegers(_ sample: Sample) -> Bool {
        keepIntegerColumns && (version == "3.2" || sample.columns.allSatisfy { $0.kind.isInteger })
    }

    /// The sample as written: each log-amplified channel that will be stored as floats decoded to
    /// `10^(f1 · x / $PnR) · f2` with linear `$PnE`, and the keywords recording what it was.
    func decodingLogChannels(_ sample: Sample) -> (Sample, [(String, String)]) {
        var copy = sample
        var records: [(String, String)] = []
        let keeps = keepsIntegers(sample)
        for (i, parameter) in sample.parameters.enumerated() where parameter.logDecades > 0 {
            if keeps && sample.columns[i].kind.isInteger { continue }
            let range = parameter.range ?? 0
            let offset = parameter.logOffset == 0 ? 1 : parameter.logOffset
            records.append(("FLOWSTUDY_P\(parameter.index)E", Self.amplification(parameter)))
            if !parameter.rangeText.trimmingSpaces.isEmpty {
                records.append(("FLOWSTUDY_P\(parameter.index)R", parameter.rangeText.trimmingSpaces))
            }
            var linear = parameter
            linear.logDecades = 0
            linear.logOffset = 0
            linear.amplificationText = "0,0"
            // Scale values ignore a clock's $PnE, so Time keeps its values; other channels are decoded.
            if range > 0 && !parameter.isTime {
                let decades = parameter.logDecades
                copy.columns[i] = ChannelValues(sample.columns[i].doubles().map { pow10(decades * $0 / range) * offset })
                let top = pow10(decades) * offset
                linear.range = top
                linear.rangeText = shortestText(top)
            }
            copy.parameters[i] = linear
        }
        return (copy, records)
    }

    private func encodeDataSet(_ original: Sample, nextData: Int) throws -> [UInt8] {
        let (sample, records) = decodingLogChannels(original)
        let (common, plans) = try plans(for: sample)
        let events = sample.eventCount
        let bytesPerEvent = plans.reduce(0) { $0 + $1.bytes }
        let (dataLength, overflow) = events.multipliedReportingOverflow(by: bytesPerEvent)
        guard !overflow else { throw FCSError(.unwritableSample, expected: "a DATA segment that fits in memory") }

        // Keywords other than the offsets, in a stable order: structure, parameters, then the sample's own.
        var fixed: [(String, String)] = [
            ("$BYTEORD", "1,2,3,4"), ("$DATATYPE", common.rawValue), ("$MODE", "L"),
            ("$NEXTDATA", "\(nextData)"), ("$PAR", "\(plans.count)"), ("$TOT", "\(events)"),
        ]
        for (parameter, plan) in zip(sample.parameters, plans) {
            let p = "$P\(parameter.index)"
            fixed.append(("\(p)N", parameter.name))
            if let marker = parameter.marker { fixed.append(("\(p)S", marker)) }
            fixed.append(("\(p)B", "\(plan.bytes * 8)"))
            fixed.append(("\(p)E", Self.amplification(parameter)))
            fixed.append(("\(p)R", parameter.rangeText.trimmingSpaces.isEmpty ? "262144" : parameter.rangeText.trimmingSpaces))
            if let gain = parameter.gain { fixed.append(("\(p)G", shortestText(gain))) }
            if plan.type != common { fixed.append(("\(p)DATATYPE", plan.type.rawValue)) }
        }
        // Named by $PnN, as FCS 3.1 requires: an FCS 2.0 $DFC matrix is written for the detectors this file records.
        if let spillover = try sample.spilloverNamedByParameters() {
            fixed.append(("$SPILLOVER", spillover.keywordValue))
        }
        fixed += records
        var primary: [(String, String)] = []
        var supplemental: [(String, String)] = []
        for entry in sample.keywords where !Self.isStructural(entry.key) && !entry.value.isEmpty {
            if supplementalKeywords.contains(entry.key) { supplemental.append((entry.key, entry.value)) }
            else { primary.append((entry.key, entry.value)) }
        }

        let delimiter = try Self.delimiter(for: fixed + primary)
        let stextDelimiter = try Self.delimiter(for: supplemental)
        // Offsets depend on TEXT's length, which depends on the offsets: iterate to the fixed point.
        let textStart = FCSHeader.size
        var textLength = 0
        var text: [UInt8] = []
        var stext: [UInt8] = []
        var dataStart = 0, dataEnd = 0, stextStart = 0, stextEnd = 0
        for _ in 0..<8 {
            dataStart = textStart + textLength
            dataEnd = dataStart + dataLength - 1
            stext = supplemental.isEmpty ? [] : Self.render(supplemental, delimiter: stextDelimiter)
            stextStart = stext.isEmpty ? 0 : dataStart + dataLength
            stextEnd = stext.isEmpty ? 0 : stextStart + stext.count - 1
            let offsets: [(String, String)] = [
                ("$BEGINANALYSIS", "0"), ("$ENDANALYSIS", "0"),
                ("$BEGINDATA", "\(dataLength == 0 ? 0 : dataStart)"), ("$ENDDATA", "\(dataLength == 0 ? 0 : dataEnd)"),
                ("$BEGINSTEXT", "\(stextStart)"), ("$ENDSTEXT", "\(stextEnd)"),
            ]
            text = Self.render(offsets + fixed + primary, delimiter: delimiter)
            if text.count == textLength { break }
            textLength = text.count
        }

        var bytes = [UInt8]()
        bytes.reserveCapacity(textStart + text.count + dataLength + stext.count)
        func field(_ value: Int) -> String {
            String(repeating: " ", count: 8 - "\(value)".count) + "\(value)"
        }
        // FCS 3.1: when a DATA offset needs more than 8 digits, both are written as 0 and read from TEXT.
        let dataInHeader = dataLength > 0 && dataEnd <= maximumHeaderOffset
        let header = "FCS\(version)    " + field(textStart) + field(textStart + text.count - 1)
            + field(dataInHeader ? dataStart : 0) + field(dataInHeader ? dataEnd : 0) + field(0) + field(0)
        bytes += Array(header.utf8)
        bytes += text
        appendData(sample, plans: plans, bytesPerEvent: bytesPerEvent, to: &bytes)
        bytes += stext
        return bytes
    }

    /// `$PnE` as written: the source's decades with its offset (kept, so scale values survive), else linear.
    static func amplification(_ parameter: Parameter) -> String {
        parameter.logDecades > 0 ? "\(shortestText(parameter.logDecades)),\(shortestText(parameter.logOffset))" : "0,0"
    }

    /// Delimiters tried in order; after them, any other byte from 1 to 126 that is not a letter or digit.
    static let preferredDelimiters: [UInt8] = Array("/|\\!^~#%&*;".utf8)

    /// The first delimiter no keyword or value starts with (offsets and counts start with digits). A delimiter
    /// inside a value is doubled; one at the start of a value would be read as an escaped delimiter.
    static func delimiter(for pairs: [(String, String)]) throws -> UInt8 {
        var starts = Set<UInt8>()
        for (key, value) in pairs {
            if let first = key.utf8.first { starts.insert(first) }
            if let first = value.utf8.first { starts.insert(first) }
        }
        let others = (UInt8(1)...126).filter { byte in
            !(0x30...0x39).contains(byte) && !(0x41...0x5A).contains(byte) && !(0x61...0x7A).contains(byte) && byte != 0x20
        }
        guard let chosen = (preferredDelimiters + others).first(where: { !starts.contains($0) }) else {
            throw FCSError(.unwritableSample, keyword: "TEXT delimiter",
                           expected: "a delimiter byte that no keyword or value starts with",
                           found: "keywords and values starting with every punctuation and control byte")
        }
        return chosen
    }

    /// A TEXT segment with `delimiter`; a delimiter inside a keyword or value is doubled.
    static func render(_ pairs: [(String, String)], delimiter: UInt8 = 0x2F) -> [UInt8] {
        var out: [UInt8] = [delimiter]
        for (key, value) in pairs {
            for part in [key, value] {
                for byte in part.utf8 {
                    out.append(byte)
                    if byte == delimiter { out.append(delimiter) }
                }
                out.append(delimiter)
            }
        }
        return out
    }

    private func appendData(_ sample: Sample, plans: [Plan], bytesPerEvent: Int, to bytes: inout [UInt8]) {
        let events = sample.eventCount
        let start = bytes.count
        bytes += [UInt8](repeating: 0, count: events * bytesPerEvent)
        bytes.withUnsafeMutableBytes { buffer in
            let base = buffer.baseAddress! + start
            var offset = 0
            for (column, plan) in zip(sample.columns, plans) {
                let out = base + offset
                switch plan.type {
                case .float:
                    if column.kind == .float32 {
                        column.withUnsafeBytes { raw in
                            let source = raw.bindMemory(to: UInt32.self)
                            for i in 0..<events { out.storeBytes(of: source[i].littleEndian, toByteOffset: i * bytesPerEvent, as: UInt32.self) }
                        }
                    } else {
                        for i in 0..<events {
                            out.storeBytes(of: Float(column[i]).bitPattern.littleEndian, toByteOffset: i * bytesPerEvent, as: UInt32.self)
                        }
                    }
                case .double:
                    for i in 0..<events {
                        out.storeBytes(of: column[i].bitPattern.littleEndian, toByteOffset: i * bytesPerEvent, as: UInt64.self)
                    }
                case .integer:
                    column.withUnsafeBytes { raw in
                        for i in 0..<events {
                            for b in 0..<plan.bytes {
                                out.storeBytes(of: raw[i * column.kind.byteWidth + b], toByteOffset: i * bytesPerEvent + b, as: UInt8.self)
                            }
                        }
                    }
                case .ascii:
                    break
                }
                offset += plan.bytes
            }
        }
    }
}
