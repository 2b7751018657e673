import FCS

/// How a batch runs.
public struct BatchOptions: Sendable {
    /// Files processed at once (default: the number of cores).
    public var jobs: Int
    /// `k/n`: process only shard k of n (1-based), groups assigned round-robin. Requires 1 ≤ k ≤ n ≤
    /// ``maximumShards``: anything else is a programming error that stops the process at once (with the message in
    /// debug builds), rather than a division by zero when the groups are picked. The CLI reads it with
    /// ``shard(_:)``, which refuses anything else.
    public var shard: (index: Int, count: Int)? {
        didSet { Self.checkShard(shard) }
    }
    /// Reader leniency for every file.
    public var reading: FCSReadOptions
    /// Progress on standard error: a bar on a terminal, plain lines otherwise; nothing when quiet.
    public var quiet: Bool

    public init(jobs: Int, shard: (index: Int, count: Int)? = nil, reading: FCSReadOptions = .strict, quiet: Bool = false) {
        self.jobs = max(1, jobs)
        Self.checkShard(shard)
        self.shard = shard
        self.reading = reading
        self.quiet = quiet
    }

    /// The most shards a run is cut into: far beyond any cluster, and small enough that `merge` can list and
    /// check them all.
    public static let maximumShards = 10_000

    static func checkShard(_ shard: (index: Int, count: Int)?) {
        guard let shard else { return }
        precondition(1 <= shard.index && shard.index <= shard.count && shard.count <= maximumShards,
                     "BatchOptions.shard must be k/n with 1 ≤ k ≤ n ≤ \(maximumShards), found \(shard.index)/\(shard.count)")
    }

    /// `k/n` as `(k, n)` when 1 ≤ k ≤ n ≤ ``maximumShards``; nil otherwise. `batch --shard` and `merge` (reading
    /// the shard each `run.json` records) share it.
    public static func shard(_ text: String) -> (index: Int, count: Int)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 2, let k = parts[0], let n = parts[1], 1 <= k, k <= n, n <= maximumShards else { return nil }
        return (k, n)
    }
}
