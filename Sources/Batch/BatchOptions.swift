import FCS

/// How a batch runs.
public struct BatchOptions: Sendable {
    /// Files processed at once (default: the number of cores).
    public var jobs: Int
    /// `k/n`: process only shard k of n (1-based), groups assigned round-robin.
    public var shard: (index: Int, count: Int)?
    /// Reader leniency for every file.
    public var reading: FCSReadOptions
    /// Progress on standard error: a bar on a terminal, plain lines otherwise; nothing when quiet.
    public var quiet: Bool

    public init(jobs: Int, shard: (index: Int, count: Int)? = nil, reading: FCSReadOptions = .strict, quiet: Bool = false) {
        self.jobs = max(1, jobs)
        self.shard = shard
        self.reading = reading
        self.quiet = quiet
    }
}
