import Foundation

/// `body(i)` for every i in `0..<count`, on all cores, results in index order; the first error is thrown.
func parallelMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
    let box = ParallelResults<T>(count)
    DispatchQueue.concurrentPerform(iterations: count) { i in
        guard box.lock.withLock({ box.error == nil }) else { return }
        do {
            let value = try body(i)
            box.lock.withLock { box.results[i] = value }
        } catch {
            box.lock.withLock { if box.error == nil { box.error = error } }
        }
    }
    if let error = box.error { throw error }
    return box.results.compactMap { $0 }
}

/// The results of ``parallelMap(_:_:)``, filled from several threads under the lock.
private final class ParallelResults<T>: @unchecked Sendable {
    let lock = NSLock()
    var results: [T?]
    var error: Error?
    init(_ count: Int) { results = [T?](repeating: nil, count: count) }
}
