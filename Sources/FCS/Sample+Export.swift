import Tables
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which numbers to take from a sample: what the file stores, or the scale values gates use.
public enum ValueScale: String, Sendable, CaseIterable, Codable {
    /// Stored values, after the integer bitmask (what FlowIO returns).
    case stored
    /// Scale values: `$PnE` log decoding, `$PnG` gain, `$TIMESTEP` (see `Sample+Scale.swift`).
    case scale
}

extension Sample {
    /// The indices of `channels`, each matched on `$PnN` first, then `$PnS`; all channels when `channels` is empty.
    public func parameterIndices(_ channels: [String]) throws -> [Int] {
        guard !channels.isEmpty else { return Array(parameters.indices) }
        return try channels.map { channel in
            guard let index = parameterIndex(channel) else {
                throw FCSError(.unknownChannel, file: file, keyword: channel,
                               expected: "a channel named by $PnN or $PnS: \(parameters.map(\.name).joined(separator: ", "))")
            }
            return index
        }
    }

    /// The parameters a user's `--channels` arguments name: each argument is a list split at commas and white space
    /// ("FSC-A,CD14", "FSC-A CD14") unless a channel is called exactly that; each name is a `$PnN`, then a `$PnS`,
    /// spelt exactly, else ignoring case when that names one parameter. No arguments: every parameter. A name
    /// that matches nothing, several parameters, or a channel already named is an ``FCSError``.
    public func parameterIndices(selecting arguments: [String]) throws -> [Int] {
        let names = arguments.flatMap { argument -> [String] in
            parameterIndex(argument) != nil ? [argument]
                : argument.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        }
        let indices = try parameterIndices(names.map { name in
            if parameterIndex(name) != nil { return name }
            let lower = name.lowercased()
            for key in [{ $0.name }, { $0.marker }] as [(Parameter) -> String?] {
                let matches = parameters.filter { key($0)?.lowercased() == lower }
                if matches.count == 1 { return matches[0].name }
                if matches.count > 1 {
                    throw FCSError(.unknownChannel, file: file, keyword: name,
                                   expected: "one channel of that name ignoring case, found \(matches.map(\.name).joined(separator: ", "))")
                }
            }
            return name  // reported by parameterIndices with the list of channels
        })
        // The same channel twice (by two spellings, too) would make two columns of one name.
        var seen: Set<Int> = []
        for (name, index) in zip(names, indices) where !seen.insert(index).inserted {
            throw FCSError(.unknownChannel, file: file, keyword: name,
                           expected: "each channel once, found \(parameters[index].name) named twice")
        }
        return indices
    }

    /// A sample holding only the parameters at `indices`, with stored or scale values.
    ///
    /// Scale values are Float64 columns with linear `$PnE 0,0` and no gain, so a reader gets the same numbers
    /// back without decoding anything; stored values keep each parameter's keywords as they were.
    public func selecting(_ indices: [Int], values scale: ValueScale) -> Sample {
        var copy = self
        copy.parameters = indices.enumerated().map { position, index in
            var parameter = parameters[index]
            parameter.index = position + 1
            if scale == .scale && needsScaling(at: index) {
                parameter.logDecades = 0
                parameter.logOffset = 0
                parameter.amplificationText = "0,0"
                parameter.gain = nil
            }
            return parameter
        }
        copy.columns = indices.map { index in
            scale == .scale && needsScaling(at: index) ? ChannelValues(scaleValues(at: index)) : columns[index]
        }
        // Per-parameter keywords refer to the old numbering: keep the sample's other keywords only.
        copy.keywords.removeAll { $0.key.uppercased().hasPrefix("$P") && $0.key.dropFirst(2).first?.isNumber == true }
        if scale == .scale && indices.contains(where: { parameters[$0].isTime && needsScaling(at: $0) }) {
            copy.keywords.set("$TIMESTEP", "1")
        }
        return copy
    }

    /// The events as CSV: a header of `$PnN`, one row per event in file order, LF line ends, RFC 4180 quoting.
    /// Each number is the shortest text that reads back as the same value of its stored type; `NaN`, `Inf` and
    /// `-Inf` are spelled so. The whole text in memory: for large samples use ``writeCSV(_:values:to:)``.
    public func csv(_ indices: [Int], values scale: ValueScale) -> [UInt8] {
        var out: [UInt8] = []
        writeCSV(indices, values: scale) { out.append(contentsOf: $0) }
        return out
    }

    /// Events per block of CSV text: each block is formatted on its own (blocks in parallel) and handed to the
    /// sink in order, so memory holds a few blocks of text, never the whole file's.
    static let csvBlockEvents = 16_384

    /// Streams the CSV of ``csv(_:values:)`` to `sink` in blocks of a few hundred kilobytes, formatting several
    /// blocks at once on all cores. Scale values are computed per block too: memory beyond the sample's own
    /// columns is a few blocks of text and Doubles, whatever the number of events.
    ///
    /// Formatting and writing overlap: while the caller's thread hands one batch of blocks to `sink`, the cores
    /// format the next batch into a second set of buffers. The buffers are reused from batch to batch, because
    /// fresh multi-megabyte arrays cost the kernel a page fault and a page clearing for every 4 kB.
    public func writeCSV(_ indices: [Int], values scale: ValueScale, to sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        try writeCSV(indices, values: scale, blockEvents: Self.csvBlockEvents, perBatch: nil, to: sink)
    }

    /// ``writeCSV(_:values:to:)`` with its block size and batch size given (tests use small ones to reach the
    /// batch swap); `perBatch` nil: two blocks per core, at most 32 MB of text buffers in each of the two halves.
    func writeCSV(_ indices: [Int], values scale: ValueScale, blockEvents: Int, perBatch: Int?,
                  to sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        var header = Array(indices.map { csvQuoted(parameters[$0].name) }.joined(separator: ",").utf8)
        header.append(0x0A)
        try header.withUnsafeBytes(sink)
        let scaled = indices.map { scale == .scale && needsScaling(at: $0) }
        let blocks = (eventCount + blockEvents - 1) / blockEvents
        // About 12 bytes of text per number: the buffers of a half stay under 32 MB however many cores there are.
        let bufferBytes = blockEvents * max(indices.count, 1) * 12
        let perBatch = perBatch ?? max(1, min(max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) * 2, (32 << 20) / max(bufferBytes, 1)))
        // Two halves of `perBatch` buffers: one being formatted, one being written. Each formatting iteration
        // writes only its own buffer, and the caller reads a half only after the work that fills it has ended.
        nonisolated(unsafe) let texts = UnsafeMutableBufferPointer<[UInt8]>.allocate(capacity: 2 * perBatch)
        texts.initialize(repeating: [])
        defer { texts.deinitialize(); texts.deallocate() }
        let formatting = DispatchGroup()
        var written: (half: Int, count: Int)?  // the batch formatted last, not yet handed to the sink
        var next = 0
        while next < blocks || written != nil {
            var formatted: (half: Int, count: Int)?
            if next < blocks {
                let half = written.map { 1 - $0.half } ?? 0
                let count = min(perBatch, blocks - next)
                let firstBlock = next
                DispatchQueue.global().async(group: formatting) {
                    DispatchQueue.concurrentPerform(iterations: count) { offset in
                        let start = (firstBlock + offset) * blockEvents
                        self.formatCSVRows(indices, scaled: scaled, events: start..<min(start + blockEvents, self.eventCount),
                                           into: &texts[half * perBatch + offset])
                    }
                }
                formatted = (half, count)
                next += count
            }
            // Whether the sink returns or throws, the formatting in flight ends before its buffers can go.
            defer { formatting.wait() }
            if let written {
                for offset in 0..<written.count { try texts[written.half * perBatch + offset].withUnsafeBytes(sink) }
            }
            written = formatted
        }
    }

    /// Replaces the contents of `out` (keeping its capacity) with the CSV rows of `events`.
    private func formatCSVRows(_ indices: [Int], scaled: [Bool], events: Range<Int>, into out: inout [UInt8]) {
        // Scale values are computed for the block; stored values are read in place. Both as (kind, pointer).
        let blocks: [UnsafeMutableBufferPointer<Double>?] = zip(indices, scaled).map { index, scaled in
            guard scaled else { return nil }
            let values = scaleValues(at: index, events: events)
            let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(values.count, 1))
            _ = buffer.initialize(from: values)
            return buffer
        }
        defer { for block in blocks { block?.deallocate() } }
        // Appending to a local array is markedly faster than appending through the inout: take the buffer out.
        var text: [UInt8] = []
        swap(&text, &out)
        defer { swap(&text, &out) }
        text.removeAll(keepingCapacity: true)
        text.reserveCapacity(events.count * indices.count * 12)
        do {
            let sources: [(kind: ChannelValues.Kind, base: UnsafeRawPointer)] = indices.indices.map { position in
                if let block = blocks[position], let start = block.baseAddress {
                    return (.float64, UnsafeRawPointer(start) - events.lowerBound * 8)
                }
                let column = columns[indices[position]]
                return (column.kind, UnsafeRawPointer(column.base))
            }
            for event in events {
                for position in sources.indices {
                    if position > 0 { text.append(0x2C) }
                    let (kind, base) = sources[position]
                    switch kind {
                    case .float32: appendNumber(base.load(fromByteOffset: event &* 4, as: Float.self), to: &text)
                    case .float64: appendNumber(base.load(fromByteOffset: event &* 8, as: Double.self), to: &text)
                    case .uint64: appendInteger(base.load(fromByteOffset: event &* 8, as: UInt64.self), to: &text)
                    case .uint32: appendInteger(UInt64(base.load(fromByteOffset: event &* 4, as: UInt32.self)), to: &text)
                    case .uint16: appendInteger(UInt64(base.load(fromByteOffset: event &* 2, as: UInt16.self)), to: &text)
                    case .uint8: appendInteger(UInt64(base.load(fromByteOffset: event, as: UInt8.self)), to: &text)
                    }
                }
                text.append(0x0A)
            }
        }
    }
}

/// Appends the decimal digits of `value`.
@inline(__always)
func appendInteger(_ value: UInt64, to out: inout [UInt8]) {
    if value < 10 { out.append(0x30 + UInt8(value)); return }
    var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 32 bytes ≥ 20 digits
    var count = 0
    var rest = value
    withUnsafeMutableBytes(of: &digits) { buffer in
        while rest > 0 { buffer[31 - count] = 0x30 + UInt8(rest % 10); rest /= 10; count += 1 }
        out.append(contentsOf: buffer[(32 - count)...])
    }
}

/// Appends ``numberText(_:)`` of `value`, copying the (small, inline) string's bytes in one go.
@inline(__always)
func appendNumber<T: BinaryFloatingPoint & LosslessStringConvertible>(_ value: T, to out: inout [UInt8]) {
    if value.isNaN { out.append(contentsOf: "NaN".utf8); return }
    if value.isInfinite { out.append(contentsOf: (value < 0 ? "-Inf" : "Inf").utf8); return }
    var text = value.description
    text.withUTF8 { bytes in
        let n = bytes.count
        let trim = n >= 2 && bytes[n - 1] == 0x30 && bytes[n - 2] == 0x2E
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<(trim ? n - 2 : n)]))
    }
}

/// Shortest round-trip text for a Float32 or Float64 (Tables' one number convention).
func numberText<T: BinaryFloatingPoint & LosslessStringConvertible>(_ value: T) -> String { shortestText(value) }
