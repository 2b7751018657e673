import FlowStudyZlib

/// Encodes RGBA images as PNG through the system zlib (`compress2` for the zlib stream, `crc32` for the chunk
/// checksums). Each row gets the PNG filter (None, Sub, Up, Average, Paeth) whose output has the smallest sum of
/// absolute values, the usual heuristic that keeps files small.
public enum PNGEncoder {
    /// PNG bytes for `image`.
    public static func encode(_ image: Bitmap) -> [UInt8] {
        let width = image.width, height = image.height
        let stride = width * 4
        var filtered = [UInt8](repeating: 0, count: (stride + 1) * height)
        var candidates = [[UInt8]](repeating: [UInt8](repeating: 0, count: stride), count: 5)
        let zeros = [UInt8](repeating: 0, count: stride)
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<height {
                let row = UnsafeBufferPointer(rebasing: pixels[(y * stride)..<((y + 1) * stride)])
                var bestType = 0
                var bestScore = Int.max
                zeros.withUnsafeBufferPointer { zero in
                    let above = y > 0 ? UnsafeBufferPointer(rebasing: pixels[((y - 1) * stride)..<(y * stride)]) : zero
                    for type in 0..<5 {
                        let score = candidates[type].withUnsafeMutableBufferPointer { Self.filter(type, row, above, into: $0) }
                        if score < bestScore { bestScore = score; bestType = type }
                    }
                }
                let offset = y * (stride + 1)
                filtered[offset] = UInt8(bestType)
                filtered.withUnsafeMutableBufferPointer { out in
                    candidates[bestType].withUnsafeBufferPointer { best in
                        for i in 0..<stride { out[offset + 1 + i] = best[i] }
                    }
                }
            }
        }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header = [UInt8]()
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 6, 0, 0, 0]  // 8 bits, RGBA, deflate, adaptive filtering, no interlace
        chunk("IHDR", header, into: &out)
        chunk("IDAT", compress(filtered), into: &out)
        chunk("IEND", [], into: &out)
        return out
    }

    /// Filters one row with PNG filter `type` (None, Sub, Up, Average, Paeth) into `out` and returns the sum of
    /// the absolute values of the filtered bytes (as signed), the score rows are chosen by. One loop per type so
    /// the inner loops have no branch on the type.
    static func filter(_ type: Int, _ row: UnsafeBufferPointer<UInt8>, _ above: UnsafeBufferPointer<UInt8>,
                       into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var score = 0
        @inline(__always) func put(_ i: Int, _ predictor: Int) {
            let value = UInt8(truncatingIfNeeded: Int(row[i]) - predictor)
            out[i] = value
            score += value < 128 ? Int(value) : 256 - Int(value)
        }
        let count = row.count
        switch type {
        case 0: for i in 0..<count { put(i, 0) }
        case 1: for i in 0..<count { put(i, i >= 4 ? Int(row[i - 4]) : 0) }
        case 2: for i in 0..<count { put(i, Int(above[i])) }
        case 3: for i in 0..<count { put(i, ((i >= 4 ? Int(row[i - 4]) : 0) + Int(above[i])) / 2) }
        default:
            for i in 0..<count {
                let a = i >= 4 ? Int(row[i - 4]) : 0, b = Int(above[i]), c = i >= 4 ? Int(above[i - 4]) : 0
                let p = a + b - c
                let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                put(i, pa <= pb && pa <= pc ? a : (pb <= pc ? b : c))
            }
        }
        return score
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func chunk(_ type: String, _ data: [UInt8], into out: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        out += bigEndian(UInt32(data.count))
        out += typeBytes
        out += data
        out += bigEndian(crc(typeBytes + data))
    }

    /// CRC-32 as PNG defines it (zlib's `crc32`).
    public static func crc(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
    }

    /// A zlib stream (what IDAT holds) at zlib's default level 6: level 9 is twice as slow on density rasters for a
    /// file a few per cent smaller.
    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var length = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(length))
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { i in compress2(o.baseAddress, &length, i.baseAddress, uLong(i.count), 6) }
        }
        // compress2 cannot fail with a bound-sized buffer; keep an empty stream rather than trap if it ever did.
        return status == Z_OK ? Array(out.prefix(Int(length))) : []
    }
}
