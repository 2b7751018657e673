import FlowStudyZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// gzip decompression through the system zlib (`inflate` with gzip header detection).
enum Gzip {
    /// Inflates every gzip member in `compressed` (concatenated members are allowed, as gzip allows) into one
    /// `malloc`'d buffer the caller owns (and releases with `free`), stopping with ``FCSError/Code/inflationLimit``
    /// as soon as the output would exceed `limit` bytes: memory never grows past the cap, however small the input.
    static func inflate(_ compressed: UnsafeRawBufferPointer, limit: Int) throws -> UnsafeMutableRawBufferPointer {
        var output = try GrowableBuffer(initialCapacity: min(max(compressed.count * 4, 1 << 16), max(limit, 1)), limit: max(limit, 1))
        var success = false
        defer { if !success { output.free() } }
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip wrapper.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw FCSError(.badCompressedData, expected: "zlib to initialise")
        }
        defer { inflateEnd(&stream) }
        guard let input = compressed.baseAddress else {
            throw FCSError(.badCompressedData, offset: 0, expected: "a gzip stream", found: "an empty file")
        }
        let chunk = 1 << 20
        var consumed = 0
        while consumed < compressed.count {
            stream.next_in = UnsafeMutablePointer(mutating: (input + consumed).assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(min(compressed.count - consumed, Int(UInt32.max)))
            let startIn = stream.avail_in
            var result: Int32 = Z_OK
            repeat {
                guard output.count < limit else {
                    throw FCSError(.inflationLimit, offset: consumed + Int(startIn - stream.avail_in),
                                   expected: "gzip data that inflates to at most \(limit) bytes (64 × the compressed size + 64 MiB, capped by the reading options)",
                                   found: "more than \(output.count) bytes from \(compressed.count) compressed bytes")
                }
                let room = min(chunk, limit - output.count)
                let target = try output.reserve(room)
                stream.next_out = target.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(room)
                result = FlowStudyZlib.inflate(&stream, Z_NO_FLUSH)
                guard result == Z_OK || result == Z_STREAM_END || result == Z_BUF_ERROR else {
                    let message = stream.msg.map { String(cString: $0) } ?? "code \(result)"
                    throw FCSError(.badCompressedData, offset: consumed + Int(startIn - stream.avail_in),
                                   expected: "a valid gzip stream", found: message)
                }
                output.count += room - Int(stream.avail_out)
            } while stream.avail_out == 0 && result != Z_STREAM_END
            consumed += Int(startIn - stream.avail_in)
            if result == Z_STREAM_END {
                // Another member may follow; anything else after the end is trailing garbage gzip ignores.
                if consumed < compressed.count - 1, compressed[consumed] == 0x1f, compressed[consumed + 1] == 0x8b {
                    inflateReset(&stream)
                    continue
                }
                success = true
                return output.result()
            }
            if result == Z_BUF_ERROR && startIn == stream.avail_in {
                break
            }
        }
        throw FCSError(.badCompressedData, offset: compressed.count,
                       expected: "a complete gzip stream", found: "the stream ends early")
    }

    /// Bytes appended at the end of one `malloc`'d block that doubles when full, but never past `limit`.
    ///
    /// It grows with `realloc`, which moves a block glibc maps on its own (above its mmap threshold) by remapping
    /// its pages rather than copying them: the old and the new block are then never both in memory, so the peak
    /// stays near the cap (a copy made it 3 × the cap for a gzip bomb). Under `MemoryTuning` (the many-file
    /// commands) blocks stay in the heap and a move may copy: the peak is then at most twice the cap.
    struct GrowableBuffer {
        private(set) var base: UnsafeMutableRawPointer
        private(set) var capacity: Int
        let limit: Int
        var count = 0

        init(initialCapacity: Int, limit: Int) throws {
            self.limit = max(limit, 1)
            capacity = min(max(initialCapacity, 1), self.limit)
            guard let block = malloc(capacity) else { throw Self.outOfMemory(capacity) }
            base = block
        }

        /// Room for `bytes` more bytes at the end (`count + bytes` ≤ `limit`); returns where to write them.
        mutating func reserve(_ bytes: Int) throws -> UnsafeMutableRawPointer {
            let needed = count + bytes
            if needed > capacity {
                let grown = max(needed, capacity > limit / 2 ? limit : capacity * 2)
                guard let larger = realloc(base, grown) else { throw Self.outOfMemory(grown) }
                base = larger
                capacity = grown
            }
            return base + count
        }

        func result() -> UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: base, count: count) }
        func free() { Glibc.free(base) }

        private static func outOfMemory(_ bytes: Int) -> FCSError {
            FCSError(.inflationLimit, expected: "memory for \(bytes) inflated bytes", found: "the system refused it")
        }
    }
}

extension Gzip {
    /// Compresses `bytes` as one gzip member (zlib `deflate`, default level).
    static func deflate(_ bytes: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw FCSError(.badCompressedData, expected: "zlib to initialise")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 32)
        let produced: Int = try bytes.withUnsafeBytes { input in
            try output.withUnsafeMutableBytes { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(out.count)
                guard FlowStudyZlib.deflate(&stream, Z_FINISH) == Z_STREAM_END else {
                    throw FCSError(.badCompressedData, expected: "gzip compression to finish")
                }
                return out.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(produced...)
        return output
    }
}
