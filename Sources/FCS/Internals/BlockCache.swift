#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A small process-wide cache of large anonymous memory blocks for event columns.
///
/// When the columns of a sample are released, their block is kept (up to ``capacity`` blocks and ``budget`` bytes)
/// and handed to the next sample of similar size, so reading hundreds of files touches fresh pages only for the
/// first few. Blocks are never shared while in use.
final class BlockCache: Sendable {
    struct Block: @unchecked Sendable {
        let address: UnsafeMutableRawPointer
        let length: Int
    }

    /// Blocks smaller than this come from the ordinary allocator.
    static let threshold = 4 << 20
    /// At most this many idle blocks are kept.
    static let capacity = 4
    /// At most this many idle bytes are kept.
    static let budget = 1 << 30

    static let shared = BlockCache()

    private let idle = Mutex<[Block]>([])

    /// A block of at least `length` bytes: a cached one no more than twice as large, or a new mapping.
    func take(_ length: Int) -> Block? {
        let cached: Block? = idle.withLock { blocks in
            guard let best = blocks.indices.filter({ blocks[$0].length >= length && blocks[$0].length <= 2 * length })
                .min(by: { blocks[$0].length < blocks[$1].length }) else { return nil }
            return blocks.remove(at: best)
        }
        if let cached { return cached }
        let rounded = (length + (2 << 20) - 1) & ~((2 << 20) - 1)
        guard let address = mmap(nil, rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              address != MAP_FAILED else { return nil }
        madvise(address, rounded, MADV_HUGEPAGE)
        return Block(address: address, length: rounded)
    }

    /// Returns a block for reuse, or unmaps it when the cache is full.
    func give(_ block: Block) {
        let evicted: [Block] = idle.withLock { blocks in
            blocks.append(block)
            var evicted: [Block] = []
            while blocks.count > Self.capacity || blocks.reduce(0, { $0 + $1.length }) > Self.budget {
                evicted.append(blocks.removeFirst())
            }
            return evicted
        }
        for old in evicted { munmap(old.address, old.length) }
    }
}
