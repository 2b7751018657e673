/// Where each parameter's value sits inside one event of DATA, and how to turn its bytes into a value.
struct DataLayout {
    /// One parameter's place in an event.
    struct Field {
        var type: StoredType
        /// Bytes the value occupies (characters for fixed-width ASCII; 0 for delimited ASCII).
        var byteWidth: Int
        /// Offset of the value from the start of the event.
        var offsetInEvent: Int
        /// For integers: the bits kept (the `$PnR` bitmask rule).
        var mask: UInt64
    }

    var fields: [Field]
    /// Bytes per event; 0 for `*`-delimited ASCII, whose events have no fixed size.
    var bytesPerEvent: Int
    var bigEndian: Bool
    var isDelimitedASCII: Bool { fields.contains { $0.type == .ascii && $0.byteWidth == 0 } }

    /// The element type each field decodes into.
    static func kind(of field: Field) -> ChannelValues.Kind {
        switch field.type {
        case .float: return .float32
        case .double, .ascii: return .float64
        case .integer:
            switch field.byteWidth {
            case 1: return .uint8
            case 2: return .uint16
            case 3, 4: return .uint32
            default: return .uint64
            }
        }
    }
}

/// Decodes the DATA segment into one ``ChannelValues`` per parameter.
///
/// Events are transposed in blocks that fit the L2 cache, so the mapped file is read once, in order, however
/// many parameters an event has.
enum DataDecoder {
    static let blockEvents = 256

    /// Decodes `events` events of `data`. `consumed` is told, every few megabytes, the absolute offset up to which
    /// DATA has been read, so a mapped file can hand those pages back and fault in the next ones (memory stays near
    /// the size of the columns).
    static func decode(_ bytes: UnsafeRawBufferPointer, data: Segment, events: Int, layout: DataLayout,
                       consumed: (Int) -> Void = { _ in }) throws -> [ChannelValues] {
        if layout.isDelimitedASCII || layout.fields.contains(where: { $0.type == .ascii }) {
            return try decodeASCII(bytes, data: data, events: events, layout: layout)
        }
        // One block for all columns, each column 64-byte aligned inside it.
        var offsets: [Int] = []
        var total = 0
        for field in layout.fields {
            offsets.append(total)
            total += (events * DataLayout.kind(of: field).byteWidth + 63) & ~63
        }
        let block = RawStorage(byteCount: total)
        let destinations = offsets.map { block.pointer + $0 }
        guard let start = bytes.baseAddress, events > 0 else {
            return zip(layout.fields, offsets).map { ChannelValues(kind: DataLayout.kind(of: $0), count: 0, storage: block, offset: $1) }
        }
        let source = start + data.start
        let stride = layout.bytesPerEvent
        let releaseEvery = max(1, (8 << 20) / max(stride, 1) / blockEvents) * blockEvents
        var first = 0
        while first < events {
            if first > 0 && first % releaseEvery == 0 { consumed(data.start + first * stride) }
            let n = min(blockEvents, events - first)
            let block = source + first * stride
            for (index, field) in layout.fields.enumerated() {
                let destination = destinations[index]
                let from = block + field.offsetInEvent
                switch field.byteWidth {
                case 1:
                    copy(UInt8.self, from, stride, destination, first, n, false, UInt8(truncatingIfNeeded: field.mask))
                case 2:
                    copy(UInt16.self, from, stride, destination, first, n, layout.bigEndian, UInt16(truncatingIfNeeded: field.mask))
                case 3:
                    copy24(from, stride, destination, first, n, layout.bigEndian, UInt32(truncatingIfNeeded: field.mask))
                case 4:
                    copy(UInt32.self, from, stride, destination, first, n, layout.bigEndian, UInt32(truncatingIfNeeded: field.mask))
                default:
                    copy(UInt64.self, from, stride, destination, first, n, layout.bigEndian, field.mask)
                }
            }
            first += n
        }
        return zip(layout.fields, offsets).map { ChannelValues(kind: DataLayout.kind(of: $0), count: events, storage: block, offset: $1) }
    }

    /// Copies `n` values of width `T` (integers, or the bit patterns of floats) from a strided source.
    @inline(__always)
    private static func copy<T: FixedWidthInteger & UnsignedInteger>(
        _: T.Type, _ from: UnsafeRawPointer, _ stride: Int, _ destination: UnsafeMutableRawPointer,
        _ first: Int, _ n: Int, _ bigEndian: Bool, _ mask: T
    ) {
        // Pointer increments rather than `i * stride`: no overflow check in the hot loop.
        var out = destination.assumingMemoryBound(to: T.self) + first
        let end = out + n
        var source = from
        if bigEndian {
            while out < end { out.pointee = T(bigEndian: source.loadUnaligned(as: T.self)) & mask; out += 1; source += stride }
        } else if mask == T.max {
            // Unrolled by four: the loop is bound by memory latency, and four independent loads overlap.
            while out + 4 <= end {
                let a = source.loadUnaligned(as: T.self), b = (source + stride).loadUnaligned(as: T.self)
                let c = (source + 2 * stride).loadUnaligned(as: T.self), d = (source + 3 * stride).loadUnaligned(as: T.self)
                out[0] = T(littleEndian: a); out[1] = T(littleEndian: b); out[2] = T(littleEndian: c); out[3] = T(littleEndian: d)
                out += 4
                source += 4 * stride
            }
            while out < end { out.pointee = T(littleEndian: source.loadUnaligned(as: T.self)); out += 1; source += stride }
        } else {
            while out < end { out.pointee = T(littleEndian: source.loadUnaligned(as: T.self)) & mask; out += 1; source += stride }
        }
    }

    /// Three-byte integers (Cytek xP3/xP5 `$PnB 24`), widened to UInt32.
    private static func copy24(
        _ from: UnsafeRawPointer, _ stride: Int, _ destination: UnsafeMutableRawPointer,
        _ first: Int, _ n: Int, _ bigEndian: Bool, _ mask: UInt32
    ) {
        let out = destination.assumingMemoryBound(to: UInt32.self) + first
        for i in 0..<n {
            let p = from + i * stride
            let b0 = UInt32(p.load(as: UInt8.self)), b1 = UInt32(p.load(fromByteOffset: 1, as: UInt8.self)),
                b2 = UInt32(p.load(fromByteOffset: 2, as: UInt8.self))
            out[i] = (bigEndian ? (b0 << 16 | b1 << 8 | b2) : (b2 << 16 | b1 << 8 | b0)) & mask
        }
    }

    /// ASCII data: fixed-width fields, or values separated by space, tab, comma, CR or LF (`$PnB *`).
    private static func decodeASCII(_ bytes: UnsafeRawBufferPointer, data: Segment, events: Int, layout: DataLayout) throws -> [ChannelValues] {
        let parameters = layout.fields.count
        // Every delimited value takes at least one character and one separator (the last needs none), so DATA
        // bounds the values before anything is reserved: memory stays within 8 bytes per DATA byte.
        let (values, overflow) = events.multipliedReportingOverflow(by: parameters)
        if layout.isDelimitedASCII, overflow || values > (data.length + 1) / 2 {
            throw FCSError(.eventCountTooLarge, offset: data.start, keyword: "$TOT",
                           expected: "at most \((data.length + 1) / 2) ASCII values (one character and one separator each) in \(data.length) bytes of DATA",
                           found: "\(events) events × \(parameters) parameters")
        }
        var columns = [[Double]](repeating: [], count: parameters)
        for p in 0..<parameters { columns[p].reserveCapacity(events) }
        func number(_ start: Int, _ end: Int) throws -> Double {
            let text = String(decoding: bytes[start..<end], as: UTF8.self).trimmingSpaces
            guard let value = Double(text) else {
                throw FCSError(.badASCIIValue, offset: start, expected: "an ASCII number", found: "'\(text)'")
            }
            return value
        }
        if layout.isDelimitedASCII {
            var position = data.start
            let end = data.end + 1
            func isSeparator(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x2C || b == 0x0D || b == 0x0A }
            for event in 0..<events {
                for p in 0..<parameters {
                    while position < end, isSeparator(bytes[position]) { position += 1 }
                    let start = position
                    while position < end, !isSeparator(bytes[position]) { position += 1 }
                    guard start < position else {
                        throw FCSError(.truncated, offset: start,
                                       expected: "\(events) events × \(parameters) ASCII values",
                                       found: "DATA ends at event \(event + 1), parameter \(p + 1)")
                    }
                    columns[p].append(try number(start, position))
                }
            }
        } else {
            for event in 0..<events {
                let base = data.start + event * layout.bytesPerEvent
                for (p, field) in layout.fields.enumerated() {
                    let start = base + field.offsetInEvent
                    columns[p].append(try number(start, start + field.byteWidth))
                }
            }
        }
        return columns.map { ChannelValues($0) }
    }
}

extension String {
    /// The string without leading and trailing ASCII spaces (FCS pads numbers with them).
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\0" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\0" { scalars.removeLast() }
        return String(scalars)
    }
}
