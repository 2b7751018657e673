extension FCSReader {
    /// The largest `$PAR` accepted: spectral cytometers write a few hundred parameters; a million is corruption.
    static let maximumParameters = 100_000

    /// The widest fixed ASCII field accepted (`$PnB` characters): a Double needs 24; this bound keeps the event
    /// width, summed over up to ``maximumParameters`` fields, far from overflow.
    static let maximumASCIIWidth = 4096

    /// Reads `$PAR` and each parameter's `$Pn…` keywords.
    func readParameters(_ keywords: Keywords, version: String, repairs: inout [Repair]) throws -> [Parameter] {
        guard let parEntry = keywords.entry("$PAR") else {
            throw FCSError(.missingKeyword, keyword: "$PAR", expected: "the required keyword $PAR (number of parameters)")
        }
        guard let count = Int(parEntry.value.trimmingSpaces) else {
            throw FCSError(.badKeywordValue, offset: parEntry.offset, keyword: parEntry.key,
                           expected: "a whole number of parameters", found: "'\(parEntry.value)'")
        }
        // Every parameter needs at least a $PnB keyword, so more parameters than keywords is corruption.
        guard count >= 1, count <= Self.maximumParameters, count <= keywords.count else {
            throw FCSError(.badParameterCount, offset: parEntry.offset, keyword: parEntry.key,
                           expected: "between 1 and \(min(Self.maximumParameters, keywords.count)) parameters",
                           found: "\(count)")
        }
        let dataType = try readDataType(keywords, key: "$DATATYPE")
        let isFCS3 = version.hasPrefix("3")
        var parameters: [Parameter] = []
        parameters.reserveCapacity(count)
        for n in 1...count {
            let p = "$P\(n)"
            var name = keywords["\(p)N"]
            if name == nil {
                if isFCS3 {
                    throw FCSError(.missingKeyword, keyword: "\(p)N", expected: "the required keyword \(p)N (parameter name)")
                }
                name = "P\(n)"
                repairs.append(Repair("missing_name", "\(p)N is absent; the parameter was named P\(n)", keyword: "\(p)N"))
            }
            let type = try keywords.entry("\(p)DATATYPE") != nil ? readDataType(keywords, key: "\(p)DATATYPE") : dataType
            guard let bitsEntry = keywords.entry("\(p)B") else {
                throw FCSError(.missingKeyword, keyword: "\(p)B", expected: "the required keyword \(p)B (bits per value)")
            }
            let bitsText = bitsEntry.value.trimmingSpaces
            let bits: Int
            if bitsText == "*" && type == .ascii {
                bits = 0
            } else if let value = Int(bitsText), value > 0 {
                bits = value
            } else {
                throw FCSError(.badKeywordValue, offset: bitsEntry.offset, keyword: bitsEntry.key,
                               expected: type == .ascii ? "a positive number of characters or *" : "a positive number of bits",
                               found: "'\(bitsEntry.value)'")
            }
            let rangeEntry = keywords.entry("\(p)R")
            let range = rangeEntry.flatMap { Double($0.value.trimmingSpaces) }
            if type == .integer {
                guard let rangeEntry else {
                    throw FCSError(.missingKeyword, keyword: "\(p)R", expected: "the required keyword \(p)R (range)")
                }
                guard let range, range > 0 else {
                    throw FCSError(.badKeywordValue, offset: rangeEntry.offset, keyword: rangeEntry.key,
                                   expected: "a positive range for integer data", found: "'\(rangeEntry.value)'")
                }
            } else if rangeEntry == nil && isFCS3 {
                repairs.append(Repair("missing_range", "\(p)R is absent", keyword: "\(p)R"))
            }
            var decades = 0.0, offset = 0.0
            let amplification = keywords.entry("\(p)E")
            if let amplification {
                let parts = amplification.value.split(separator: ",", omittingEmptySubsequences: false)
                guard parts.count == 2, let f1 = Double(String(parts[0]).trimmingSpaces),
                      let f2 = Double(String(parts[1]).trimmingSpaces), f1 >= 0, f2 >= 0 else {
                    throw FCSError(.badKeywordValue, offset: amplification.offset, keyword: amplification.key,
                                   expected: "two non-negative numbers 'f1,f2'", found: "'\(amplification.value)'")
                }
                decades = f1
                offset = f2
            } else if isFCS3 {
                repairs.append(Repair("missing_amplification", "\(p)E is absent; linear amplification was assumed", keyword: "\(p)E"))
            }
            var gain: Double?
            if let gainEntry = keywords.entry("\(p)G") {
                gain = Double(gainEntry.value.trimmingSpaces)
                if gain == nil {
                    repairs.append(Repair("bad_gain", "\(p)G '\(gainEntry.value)' is not a number and was ignored",
                                          offset: gainEntry.offset, keyword: gainEntry.key))
                }
            }
            let marker = keywords["\(p)S"].flatMap { $0.trimmingSpaces.isEmpty ? nil : $0 }
            parameters.append(Parameter(
                index: n, name: name ?? "P\(n)", marker: marker, bits: bits,
                rangeText: rangeEntry?.value ?? "", range: range,
                logDecades: decades, logOffset: offset, amplificationText: amplification?.value, gain: gain,
                voltage: keywords["\(p)V"].flatMap { Double($0.trimmingSpaces) },
                filter: keywords["\(p)F"], storedType: type,
                type: keywords["\(p)TYPE"], detector: keywords["\(p)DET"], tag: keywords["\(p)TAG"],
                analyte: keywords["\(p)ANALYTE"], feature: keywords["\(p)FEATURE"]))
        }
        return parameters
    }

    private func readDataType(_ keywords: Keywords, key: String) throws -> StoredType {
        guard let entry = keywords.entry(key) else {
            throw FCSError(.missingKeyword, keyword: key, expected: "the required keyword \(key) (I, F, D or A)")
        }
        guard let type = StoredType(rawValue: entry.value.trimmingSpaces.uppercased()) else {
            throw FCSError(.unsupportedDataType, offset: entry.offset, keyword: entry.key,
                           expected: "I, F, D or A", found: "'\(entry.value)'")
        }
        if key != "$DATATYPE" && type == .ascii {
            throw FCSError(.unsupportedDataType, offset: entry.offset, keyword: entry.key,
                           expected: "I, F or D (FCS 3.2 allows no ASCII per parameter)", found: "'A'")
        }
        return type
    }

    /// Byte order, field widths and bitmasks. Widths that are not whole bytes are left for the DATA length to
    /// settle (see `resolveData`).
    func makeLayout(_ keywords: Keywords, parameters: [Parameter]) throws -> DataLayout {
        var fields: [DataLayout.Field] = []
        var offset = 0
        for parameter in parameters {
            let key = "$P\(parameter.index)B"
            let entry = keywords.entry(key)
            func unsupported(_ expected: String) -> FCSError {
                FCSError(.unsupportedBitWidth, offset: entry?.offset, keyword: entry?.key ?? key,
                         expected: expected, found: "\(parameter.bits) bits")
            }
            var width: Int
            var mask = UInt64.max
            switch parameter.storedType {
            case .float:
                guard parameter.bits == 32 else { throw unsupported("32 bits for $DATATYPE F") }
                width = 4
            case .double:
                guard parameter.bits == 64 else { throw unsupported("64 bits for $DATATYPE D") }
                width = 8
            case .ascii:
                guard parameter.bits <= Self.maximumASCIIWidth else { throw unsupported("at most \(Self.maximumASCIIWidth) characters for $DATATYPE A") }
                width = parameter.bits
            case .integer:
                guard parameter.bits <= 64 else { throw unsupported("8, 16, 24, 32 or 64 bits for $DATATYPE I") }
                width = parameter.bits % 8 == 0 ? parameter.bits / 8 : 0
                if ![0, 1, 2, 3, 4, 8].contains(width) { throw unsupported("8, 16, 24, 32 or 64 bits for $DATATYPE I") }
                mask = Self.bitmask(bits: parameter.bits, range: parameter.range ?? 0)
            }
            fields.append(DataLayout.Field(type: parameter.storedType, byteWidth: width, offsetInEvent: offset, mask: mask))
            offset += width
        }
        let allASCII = parameters.allSatisfy { $0.storedType == .ascii }
        if parameters.contains(where: { $0.storedType == .ascii }) && !allASCII {
            throw FCSError(.unsupportedDataType, keyword: "$DATATYPE", expected: "ASCII for all parameters or none")
        }
        if allASCII, fields.contains(where: { $0.byteWidth == 0 }), !fields.allSatisfy({ $0.byteWidth == 0 }) {
            throw FCSError(.unsupportedBitWidth, keyword: "$PnB", expected: "* for every ASCII parameter or for none")
        }
        let needsOrder = fields.contains { $0.byteWidth > 1 && $0.type != .ascii } || fields.contains { $0.byteWidth == 0 && $0.type == .integer }
        var bigEndian = false
        if let orderEntry = keywords.entry("$BYTEORD") {
            let order = orderEntry.value.filter { !$0.isWhitespace }.split(separator: ",").map { Int($0) }
            let ascending = order.count >= 1 && order.enumerated().allSatisfy { $0.element == $0.offset + 1 }
            let descending = order.count >= 2 && order.enumerated().allSatisfy { $0.element == order.count - $0.offset }
            if ascending { bigEndian = false } else if descending { bigEndian = true } else if needsOrder {
                throw FCSError(.badByteOrder, offset: orderEntry.offset, keyword: orderEntry.key,
                               expected: "1,2,3,4 or 4,3,2,1 (or 1,2 / 2,1)", found: "'\(orderEntry.value)'")
            }
        } else if needsOrder {
            throw FCSError(.missingKeyword, keyword: "$BYTEORD", expected: "the required keyword $BYTEORD")
        }
        return DataLayout(fields: fields, bytesPerEvent: offset, bigEndian: bigEndian)
    }

    /// The FlowIO/fcsparser rule: `$PnR` rounded up to a power of two, R2; when `2^$PnB > R2`, keep `R2 − 1`.
    static func bitmask(bits: Int, range: Double) -> UInt64 {
        let all: UInt64 = bits >= 64 ? .max : (UInt64(1) << UInt64(bits)) - 1
        guard range.isFinite, range >= 1, range < 9.2e18 else { return all }
        let r = UInt64(range.rounded(.up))
        let r2: UInt64 = r <= 1 ? 1 : (UInt64(1) << UInt64(64 - (r - 1).leadingZeroBitCount))
        return r2 - 1 < all ? r2 - 1 : all
    }
}
