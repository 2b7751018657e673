import Tables

/// Writes samples as FCS 3.1 (or 3.2) list-mode files: little-endian, `$DATATYPE F`, or `D` when a value would
/// lose precision in Float32, with every required keyword, the `$PnS` markers, `$SPILLOVER` and the sample's own
/// keywords. Offsets beyond 8 digits are written as 0 in the HEADER and given in TEXT, as FCS 3.1 says.
///
/// What is written reads back bit for bit: a Float32 column comes back as the same Float32 values, a Float64
/// column as the same Float64 values, and integers that Float32 holds exactly come back as those numbers.
public struct FCSWriter: Sendable {
    /// The version written in the HEADER: `3.1` (default) or `3.2`.
    public var version: String = "3.1"
    /// With FCS 3.2, integer columns are written as integers with `$PnDATATYPE I` rather than as floats.
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
        let integerStays = { (column: ChannelValues) in self.version == "3.2" && self.keepIntegerColumns && column.kind.isInteger }
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

    private func encodeDataSet(_ sample: Sample, nextData: Int) throws -> [UInt8] {
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
        if let spillover = try sample.spillover() {
            fixed.append(("$SPILLOVER", spillover.keywordValue))
        }
        var primary: [(String, String)] = []
        var supplemental: [(String, String)] = []
        for entry in sample.keywords where !Self.isStructural(entry.key) && !entry.value.isEmpty {
            if supplementalKeywords.contains(entry.key) { supplemental.append((entry.key, entry.value)) }
            else { primary.append((entry.key, entry.value)) }
        }

        // Offsets depend on TEXT's length, which depends on the offsets: iterate to the fixed point.
        let textStart = FCSHeader.size
        var textLength = 0
        var text: [UInt8] = []
        var stext: [UInt8] = []
        var dataStart = 0, dataEnd = 0, stextStart = 0, stextEnd = 0
        for _ in 0..<8 {
            dataStart = textStart + textLength
            dataEnd = dataStart + dataLength - 1
            stext = supplemental.isEmpty ? [] : Self.render(supplemental)
            stextStart = stext.isEmpty ? 0 : dataStart + dataLength
            stextEnd = stext.isEmpty ? 0 : stextStart + stext.count - 1
            let offsets: [(String, String)] = [
                ("$BEGINANALYSIS", "0"), ("$ENDANALYSIS", "0"),
                ("$BEGINDATA", "\(dataLength == 0 ? 0 : dataStart)"), ("$ENDDATA", "\(dataLength == 0 ? 0 : dataEnd)"),
                ("$BEGINSTEXT", "\(stextStart)"), ("$ENDSTEXT", "\(stextEnd)"),
            ]
            text = Self.render(offsets + fixed + primary)
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

    /// A TEXT segment with `/` as delimiter; a `/` inside a keyword or value is doubled.
    static func render(_ pairs: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = [0x2F]
        for (key, value) in pairs {
            for part in [key, value] {
                for byte in part.utf8 {
                    out.append(byte)
                    if byte == 0x2F { out.append(0x2F) }
                }
                out.append(0x2F)
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
