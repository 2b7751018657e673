/// The stored values of one channel, kept in the type the file holds them in.
///
/// Integer data stays integer (a 32-bit integer does not fit a Float32 exactly), Float32 stays Float32 and
/// Float64 stays Float64, so nothing is rounded on the way in and `read(write(x)) == x` bit for bit.
/// ``doubles()`` gives the Double view that computation uses. Storage is one contiguous buffer per channel,
/// filled straight from the mapped file and never copied again.
public struct ChannelValues: Sendable, Equatable, RandomAccessCollection {
    /// The element type of the storage.
    public enum Kind: String, Sendable, Equatable, Codable {
        case uint8, uint16, uint32, uint64, float32, float64

        /// Bytes per value.
        public var byteWidth: Int {
            switch self {
            case .uint8: 1
            case .uint16: 2
            case .uint32, .float32: 4
            case .uint64, .float64: 8
            }
        }

        /// Whether the values are integers.
        public var isInteger: Bool { self != .float32 && self != .float64 }
    }

    /// The element type.
    public let kind: Kind
    /// Number of events.
    public let count: Int
    let storage: RawStorage
    /// Byte offset of this column's values in `storage` (the columns of one sample share one block).
    let offset: Int
    /// Start of this column's values.
    @usableFromInline var base: UnsafeMutableRawPointer { storage.pointer + offset }

    init(kind: Kind, count: Int, storage: RawStorage, offset: Int = 0) {
        self.kind = kind
        self.count = count
        self.storage = storage
        self.offset = offset
    }

    /// Values stored as Float32.
    public init(_ values: [Float]) { self.init(kind: .float32, values) }
    /// Values stored as Float64.
    public init(_ values: [Double]) { self.init(kind: .float64, values) }
    /// Values stored as unsigned 16-bit integers.
    public init(_ values: [UInt16]) { self.init(kind: .uint16, values) }
    /// Values stored as unsigned 32-bit integers.
    public init(_ values: [UInt32]) { self.init(kind: .uint32, values) }

    private init<T: BitwiseCopyable>(kind: Kind, _ values: [T]) {
        let storage = RawStorage(byteCount: values.count * kind.byteWidth)
        values.withUnsafeBytes { source in
            if let source = source.baseAddress { storage.pointer.copyMemory(from: source, byteCount: values.count * kind.byteWidth) }
        }
        self.init(kind: kind, count: values.count, storage: storage)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// The value of event `index` as a Double (exact for every stored type except UInt64 above 2^53).
    @inlinable
    public subscript(index: Int) -> Double {
        precondition(index >= 0 && index < count, "event index out of range")
        return value(at: index)
    }

    @usableFromInline
    func value(at index: Int) -> Double {
        let base = UnsafeRawPointer(base)
        switch kind {
        case .uint8: return Double(base.load(fromByteOffset: index, as: UInt8.self))
        case .uint16: return Double(base.load(fromByteOffset: index * 2, as: UInt16.self))
        case .uint32: return Double(base.load(fromByteOffset: index * 4, as: UInt32.self))
        case .uint64: return Double(base.load(fromByteOffset: index * 8, as: UInt64.self))
        case .float32: return Double(base.load(fromByteOffset: index * 4, as: Float.self))
        case .float64: return base.load(fromByteOffset: index * 8, as: Double.self)
        }
    }

    /// All values as Doubles, in event order.
    public func doubles() -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            let out = buffer.baseAddress!
            let base = UnsafeRawPointer(base)
            switch kind {
            case .uint8: convert(base, UInt8.self, out)
            case .uint16: convert(base, UInt16.self, out)
            case .uint32: convert(base, UInt32.self, out)
            case .uint64: convert(base, UInt64.self, out)
            case .float32:
                let source = base.assumingMemoryBound(to: Float.self)
                for i in 0..<count { out[i] = Double(source[i]) }
            case .float64:
                out.update(from: base.assumingMemoryBound(to: Double.self), count: count)
            }
            initialized = count
        }
    }

    /// Writes `count` values starting at event `first`, as Doubles, into `buffer` at `offset`.
    public func copyDoubles(from first: Int, count n: Int, into buffer: inout [Double], at offset: Int) {
        precondition(first >= 0 && first + n <= count && offset + n <= buffer.count, "range out of bounds")
        let source = UnsafeRawPointer(base)
        buffer.withUnsafeMutableBufferPointer { out in
            let target = out.baseAddress! + offset
            switch kind {
            case .float32:
                let p = source.assumingMemoryBound(to: Float.self) + first
                for i in 0..<n { target[i] = Double(p[i]) }
            case .float64:
                target.update(from: source.assumingMemoryBound(to: Double.self) + first, count: n)
            case .uint8: for i in 0..<n { target[i] = Double(source.load(fromByteOffset: first + i, as: UInt8.self)) }
            case .uint16: for i in 0..<n { target[i] = Double(source.load(fromByteOffset: (first + i) * 2, as: UInt16.self)) }
            case .uint32: for i in 0..<n { target[i] = Double(source.load(fromByteOffset: (first + i) * 4, as: UInt32.self)) }
            case .uint64: for i in 0..<n { target[i] = Double(source.load(fromByteOffset: (first + i) * 8, as: UInt64.self)) }
            }
        }
    }

    private func convert<T: BinaryInteger>(_ base: UnsafeRawPointer, _: T.Type, _ out: UnsafeMutablePointer<Double>) {
        let source = base.assumingMemoryBound(to: T.self)
        for i in 0..<count { out[i] = Double(source[i]) }
    }

    /// Calls `body` with the raw storage: `count × kind.byteWidth` bytes, native byte order.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count * kind.byteWidth))
    }

    /// The Float32 values, when the channel is stored as Float32.
    public var float32Values: [Float]? { kind == .float32 ? typed(Float.self) : nil }
    /// The Float64 values, when the channel is stored as Float64.
    public var float64Values: [Double]? { kind == .float64 ? typed(Double.self) : nil }

    /// The integer values widened to UInt64, when the channel is stored as integers.
    public var integerValues: [UInt64]? {
        let base = UnsafeRawPointer(base)
        switch kind {
        case .uint8: return (0..<count).map { UInt64(base.load(fromByteOffset: $0, as: UInt8.self)) }
        case .uint16: return (0..<count).map { UInt64(base.load(fromByteOffset: $0 * 2, as: UInt16.self)) }
        case .uint32: return (0..<count).map { UInt64(base.load(fromByteOffset: $0 * 4, as: UInt32.self)) }
        case .uint64: return typed(UInt64.self)
        case .float32, .float64: return nil
        }
    }

    private func typed<T>(_: T.Type) -> [T] {
        Array(UnsafeBufferPointer(start: UnsafeRawPointer(base).assumingMemoryBound(to: T.self), count: count))
    }

    /// Equal when the kinds, counts and stored bits are identical (so NaN payloads compare too).
    public static func == (lhs: ChannelValues, rhs: ChannelValues) -> Bool {
        guard lhs.kind == rhs.kind, lhs.count == rhs.count else { return false }
        if lhs.base == rhs.base { return true }
        return memcmp(lhs.base, rhs.base, lhs.count * lhs.kind.byteWidth) == 0
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An immutable, 64-byte aligned block of memory owned by one or more ``ChannelValues``.
///
/// Large blocks are mapped anonymously, marked for transparent huge pages, and recycled through
/// ``BlockCache``: fresh memory costs a page fault and a zeroed page per 4 KiB, which for a 56 MB file takes longer
/// than decoding the data. A batch reading file after file reuses the same few blocks instead.
final class RawStorage: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    private let mappedLength: Int

    init(byteCount: Int) {
        if byteCount >= BlockCache.threshold, let block = BlockCache.shared.take(byteCount) {
            pointer = block.address
            mappedLength = block.length
        } else {
            pointer = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
            mappedLength = 0
        }
    }

    deinit {
        if mappedLength > 0 {
            BlockCache.shared.give(BlockCache.Block(address: pointer, length: mappedLength))
        } else {
            pointer.deallocate()
        }
    }
}
