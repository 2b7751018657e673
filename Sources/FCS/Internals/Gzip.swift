import FlowStudyZlib

/// gzip decompression through the system zlib (`inflate` with gzip header detection).
enum Gzip {
    /// Inflates every gzip member in `compressed` (concatenated members are allowed, as gzip allows).
    static func inflate(_ compressed: UnsafeRawBufferPointer) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(compressed.count * 4)
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip wrapper.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw FCSError(.badCompressedData, expected: "zlib to initialise")
        }
        defer { inflateEnd(&stream) }
        let chunk = 1 << 20
        var scratch = [UInt8](repeating: 0, count: chunk)
        var consumed = 0
        while consumed < compressed.count {
            let base = compressed.baseAddress!.advanced(by: consumed).assumingMemoryBound(to: Bytef.self)
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = uInt(min(compressed.count - consumed, Int(UInt32.max)))
            let startIn = stream.avail_in
            var result: Int32 = Z_OK
            repeat {
                result = scratch.withUnsafeMutableBytes { out -> Int32 in
                    stream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(chunk)
                    let code = FlowStudyZlib.inflate(&stream, Z_NO_FLUSH)
                    return code
                }
                guard result == Z_OK || result == Z_STREAM_END || result == Z_BUF_ERROR else {
                    let message = stream.msg.map { String(cString: $0) } ?? "code \(result)"
                    throw FCSError(.badCompressedData, offset: consumed + Int(startIn - stream.avail_in),
                                   expected: "a valid gzip stream", found: message)
                }
                output.append(contentsOf: scratch[0..<(chunk - Int(stream.avail_out))])
            } while stream.avail_out == 0 && result != Z_STREAM_END
            consumed += Int(startIn - stream.avail_in)
            if result == Z_STREAM_END {
                // Another member may follow; anything else after the end is trailing garbage gzip ignores.
                if consumed < compressed.count - 1, compressed[consumed] == 0x1f, compressed[consumed + 1] == 0x8b {
                    inflateReset(&stream)
                    continue
                }
                return output
            }
            if result == Z_BUF_ERROR && startIn == stream.avail_in {
                break
            }
        }
        throw FCSError(.badCompressedData, offset: compressed.count,
                       expected: "a complete gzip stream", found: "the stream ends early")
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
                stream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
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
