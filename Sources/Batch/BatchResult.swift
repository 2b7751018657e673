import Gating
/// Everything a batch produced, ready to be written: rows per output table, sorted.
public struct BatchResult: Sendable {
    /// `populations.csv` rows (without header).
    public var populations: [[String]] = []
    /// `markers.csv` rows.
    public var markers: [[String]] = []
    /// `qc.csv` rows.
    public var qc: [[String]] = []
    /// `errors.csv` rows.
    public var errors: [[String]] = []
    /// `gates.csv` rows: every gate each sample used.
    public var gates: [[String]] = []
    /// Inputs for run.json: sample id, path, SHA-256, bytes.
    public var inputs: [(sampleID: String, file: String, sha256: String, bytes: Int)] = []
    /// Seconds per sample, for run.json.
    public var seconds: [String: Double] = [:]
    /// Events read, for the progress line.
    public var events: Int = 0

    public init() {}

    public static let populationsHeader = ["sample_id", "population", "parent", "count", "percent_parent", "percent_total"]
    public static let qcHeader = ["sample_id", "file", "data_set", "events_acquired", "events_per_gate", "compensation", "channel_matching", "repairs", "flags",
                                  "gate_fallbacks", "gate_overrides"]
    /// `gates.csv`: one row per sample and gate (a quadrant gate once, by its own id), in template order.
    public static let gatesHeader = ["sample_id"] + GateDecision.csvHeader
    public static let errorsHeader = ["sample_id", "file", "error_code", "message"]

    /// Sorts every table by sample_id (bytewise), keeping the template order within a sample.
    mutating func sort() {
        func bytewise(_ a: [String], _ b: [String]) -> Bool { Array(a[0].utf8).lexicographicallyPrecedes(Array(b[0].utf8)) }
        for keyPath in [\BatchResult.populations, \.markers, \.qc, \.errors, \.gates] as [WritableKeyPath<BatchResult, [[String]]>] {
            // Stable: rows of one sample keep their order.
            self[keyPath: keyPath] = self[keyPath: keyPath].enumerated().sorted { l, r in
                if l.element[0] != r.element[0] { return bytewise(l.element, r.element) }
                return l.offset < r.offset
            }.map(\.element)
        }
        inputs.sort { Array($0.sampleID.utf8).lexicographicallyPrecedes(Array($1.sampleID.utf8)) }
    }

    /// Adds another shard's rows.
    mutating func merge(_ other: BatchResult) {
        populations += other.populations
        markers += other.markers
        qc += other.qc
        errors += other.errors
        gates += other.gates
        inputs += other.inputs
        for (k, v) in other.seconds { seconds[k] = v }
        events += other.events
    }
}
