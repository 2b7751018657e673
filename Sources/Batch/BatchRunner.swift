import Tables
import Compensation
import FCS
import Foundation
import Gating
import Synchronization

/// Gates every tube of a sample sheet with one template and computes the marker readouts, in parallel over
/// groups of tubes (a sample with its FMO/isotype controls: same subject and condition), so a control's
/// threshold is always ready before the samples it serves, and at most one tube per worker is in memory.
public final class BatchRunner: Sendable {
    /// The gating template.
    public let template: GatingTemplate
    /// The tubes.
    public let sheet: SampleSheet
    /// Jobs, shard, reader leniency.
    public let options: BatchOptions
    /// Per-sample gates replacing the template's (checked against the template and the sheet beforehand).
    public let overrides: GateOverrides

    /// A runner for a sheet and a template.
    public init(template: GatingTemplate, sheet: SampleSheet, options: BatchOptions, overrides: GateOverrides = GateOverrides()) {
        self.template = template
        self.sheet = sheet
        self.options = options
        self.overrides = overrides
    }

    /// Progress of a running batch.
    public struct Progress: Sendable {
        /// Tubes finished.
        public var filesDone: Int
        /// Tubes in this run.
        public var filesTotal: Int
        /// Events read so far.
        public var events: Int
        /// Seconds since the start.
        public var seconds: Double
    }

    /// Tubes that must be processed together (``GroupGates/groups(_:matchesControls:)``): a sample with its
    /// controls joined with every tube sharing a pooling key, ordered by their smallest sample_id (bytewise).
    public func groups() -> [[SampleSheet.Entry]] {
        GroupGates(template: template).groups(sheet.entries, matchesControls: sheet.matchesControls)
    }

    /// The groups of this run's shard.
    public func selectedGroups() -> [[SampleSheet.Entry]] {
        let all = groups()
        guard let shard = options.shard else { return all }
        return all.enumerated().filter { $0.offset % shard.count == shard.index - 1 }.map(\.element)
    }

    /// Runs the batch. `cancelled` is polled between tubes; `progress` is called after each tube.
    public func run(cancelled: @Sendable () -> Bool = { false }, progress: @Sendable (Progress) -> Void = { _ in }) -> BatchResult {
        let groups = selectedGroups()
        let total = groups.reduce(0) { $0 + $1.count }
        let start = Date()
        let next = Mutex(0)
        let results = Mutex([BatchResult?](repeating: nil, count: groups.count))
        let done = Mutex((files: 0, events: 0))
        let workers = min(options.jobs, max(groups.count, 1))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while !cancelled() {
                let index: Int = next.withLock { value in
                    defer { value += 1 }
                    return value
                }
                guard index < groups.count else { return }
                let result = process(groups[index]) { events in
                    let snapshot = done.withLock { state -> (Int, Int) in
                        state.files += 1
                        state.events += events
                        return (state.files, state.events)
                    }
                    progress(Progress(filesDone: snapshot.0, filesTotal: total, events: snapshot.1, seconds: Date().timeIntervalSince(start)))
                }
                results.withLock { $0[index] = result }
            }
        }
        var merged = BatchResult()
        for result in results.withLock({ $0 }) { if let result { merged.merge(result) } }
        merged.sort()
        return merged
    }

    // MARK: - One group

    /// A control's threshold for one readout.
    struct ControlThreshold {
        var sampleID: String
        var threshold: Double
        var median: Double
        var flags: [String]
    }

    func process(_ group: [SampleSheet.Entry], tubeDone: (Int) -> Void) -> BatchResult {
        if template.strategy.populations.contains(where: { $0.method != nil }) { return processDataDriven(group, tubeDone: tubeDone) }
        var result = BatchResult()
        var thresholds: [String: ControlThreshold] = [:]
        var failedControls: [String: String] = [:]
        // Controls first: their thresholds serve the samples of the group.
        for entry in group.filter(\.isControl) + group.filter({ !$0.isControl }) {
            let clock = Date()
            guard let session = gate(entry, into: &result) else {
                if entry.isControl, let marker = entry.controlMarker, let type = entry.controlType {
                    failedControls[controlKey(type, marker)] = entry.sampleID
                }
                tubeDone(0)
                continue
            }
            if entry.isControl {
                addThresholds(session, control: entry, to: &thresholds)
            } else {
                for readout in template.readouts {
                    result.markers.append(markerRow(session, entry: entry, readout: readout, thresholds: thresholds, failedControls: failedControls))
                }
            }
            finish(session, entry: entry, since: clock, into: &result, tubeDone: tubeDone)
        }
        return result
    }

    /// The thresholds a control tube gives the readouts of its marker.
    func addThresholds(_ session: GatingSession, control entry: SampleSheet.Entry, to thresholds: inout [String: ControlThreshold]) {
        for readout in template.readouts {
            guard case .control(let kind, let percentile) = readout.threshold, kind == entry.controlType,
                  let marker = entry.controlMarker, template.markerKey(marker) == template.markerKey(readout.marker) else { continue }
            thresholds[controlKey(kind, readout.marker) + "\u{1F}" + readout.population] =
                controlThreshold(session, entry: entry, readout: readout, percentile: percentile)
        }
    }

    /// A tube's time and events, and the progress call.
    func finish(_ session: GatingSession, entry: SampleSheet.Entry, since clock: Date, into result: inout BatchResult, tubeDone: (Int) -> Void) {
        result.seconds[entry.sampleID] = Date().timeIntervalSince(clock)
        result.events += session.sample.eventCount
        tubeDone(session.sample.eventCount)
    }

    /// A control's key: its type and the panel marker it controls (aliases resolved by the template).
    func controlKey(_ type: String, _ marker: String) -> String { type + "\u{1F}" + template.markerKey(marker) }

    /// The compensation the readouts are reported in: the template's own source.
    var readoutCompensation: CompensationReference {
        switch template.compensation {
        case .file: .file
        case .none: .uncompensated
        case .matrix(let id): .matrix(id)
        }
    }

    /// Reads, hashes and gates one tube; on failure records an `errors.csv` row and returns nil.
    func gate(_ entry: SampleSheet.Entry, into result: inout BatchResult) -> GatingSession? {
        guard let sample = read(entry, into: &result) else { return nil }
        do {
            let session = try GatingSession(strategy: template.strategy(for: sample), sample: sample, given: overrides.decisions(forSample: entry.sampleID, template: template, sample: sample))
            record(session, entry: entry, into: &result)
            return session
        } catch {
            let (code, message) = Self.describe(error)
            result.errors.append([entry.sampleID, entry.file, code, message])
            return nil
        }
    }

    /// Reads and hashes one tube; on failure records an `errors.csv` row (and the input, hashed when its bytes
    /// were read) and returns nil.
    func read(_ entry: SampleSheet.Entry, into result: inout BatchResult) -> Sample? {
        var digest = ""
        var bytes = 0
        do {
            let sample = try FCSFile.readSample(entry.file, options: options.reading) { raw in
                digest = FileHash.sha256(raw)
                bytes = raw.count
            }
            result.inputs.append((entry.sampleID, entry.file, digest, bytes))
            return sample
        } catch {
            result.inputs.append((entry.sampleID, entry.file, digest, digest.isEmpty ? 0 : bytes))
            let (code, message) = Self.describe(error)
            result.errors.append([entry.sampleID, entry.file, code, message])
            return nil
        }
    }

    /// The populations, QC and gates rows of a gated tube.
    func record(_ session: GatingSession, entry: SampleSheet.Entry, into result: inout BatchResult) {
        result.populations += session.result.populationRows().map { [entry.sampleID] + $0 }
        result.qc.append(qcRow(session, entry: entry))
        result.gates += session.result.decisions.map { [entry.sampleID] + $0.csvRow }
    }


    static func describe(_ error: Error) -> (String, String) {
        switch error {
        case let e as FCSError: (e.code.rawValue, e.description)
        case let e as GatingError: (e.code.rawValue, e.description)
        case let e as CompensationError: (e.code.rawValue, e.description)
        default: ("error", "\(error)")
        }
    }

    func qcRow(_ session: GatingSession, entry: SampleSheet.Entry) -> [String] {
        let sample = session.sample
        let counts = session.result.ids.map { "\($0)=\(session.result.count($0))" }.joined(separator: ";")
        let reference = readoutCompensation
        let matching = (try? session.compensationMatches(reference))?.map { "\($0.channel)→\($0.parameter) by \($0.match)" }.joined(separator: ";") ?? ""
        let compensation: String
        switch template.compensation {
        case .file: compensation = (try? sample.spillover())??.keyword ?? "none (file has no matrix)"
        case .none: compensation = "none"
        case .matrix(let id): compensation = "matrix \(id)"
        }
        var flags: [String] = []
        for readout in template.readouts where session.result.count(readout.population) < template.minEvents {
            if !flags.contains("TOO_FEW_EVENTS:\(readout.population)") { flags.append("TOO_FEW_EVENTS:\(readout.population)") }
        }
        let fallbacks = session.result.decisions.filter { $0.source == .fallback }
        flags += fallbacks.map { ($0.gate == .none ? "GATE_NA:" : "GATE_FALLBACK:") + $0.population }
        let overridden = session.result.decisions.filter { $0.source == .override }.count
        return [entry.sampleID, entry.file, "\(sample.dataSet)", "\(sample.eventCount)", counts, compensation, matching,
                sample.repairs.map(\.code).joined(separator: ";"), flags.joined(separator: ";"), "\(fallbacks.count)", "\(overridden)"]
    }

    func values(_ session: GatingSession, marker: String) throws -> (channel: String, values: [Double]) {
        let channel = try template.channel(forMarker: marker, in: session.sample)
        return (channel, try session.channelValues(channel, compensation: readoutCompensation))
    }

    func controlThreshold(_ session: GatingSession, entry: SampleSheet.Entry, readout: GatingTemplate.Readout, percentile: Double) -> ControlThreshold {
        guard let events = session.result.membership[readout.population] else {
            return ControlThreshold(sampleID: entry.sampleID, threshold: .nan, median: .nan, flags: ["CONTROL_POPULATION_MISSING"])
        }
        guard events.count >= max(template.minEvents, 1) else {
            return ControlThreshold(sampleID: entry.sampleID, threshold: .nan, median: .nan, flags: ["CONTROL_TOO_FEW_EVENTS"])
        }
        do {
            let (_, values) = try self.values(session, marker: readout.marker)
            // One selection for the percentile and the median, over the finite values only (as the readouts).
            let (orders, n) = OrderStatistics.selectFinite(values, over: events) { (n: Int) -> [Int] in
                OrderStatistics.quantileRanks(n, [percentile / 100]) + OrderStatistics.middleRanks(n)
            }
            var flags = n < events.count ? ["CONTROL_NONFINITE_EXCLUDED=\(events.count - n)"] : []
            // min_events holds for the values the threshold is taken from: the finite ones.
            guard n >= max(template.minEvents, 1) else {
                flags.append("CONTROL_TOO_FEW_EVENTS")
                return ControlThreshold(sampleID: entry.sampleID, threshold: .nan, median: .nan, flags: flags)
            }
            let threshold = OrderStatistics.interpolate(Array(orders.prefix(2)), n, [percentile / 100])[0]
            let median = n % 2 == 1 ? orders[2] : OrderStatistics.midpoint(orders[2], orders[3])
            return ControlThreshold(sampleID: entry.sampleID, threshold: threshold, median: median, flags: flags)
        } catch {
            return ControlThreshold(sampleID: entry.sampleID, threshold: .nan, median: .nan, flags: ["CONTROL_FAILED"])
        }
    }

    func markerRow(_ session: GatingSession, entry: SampleSheet.Entry, readout: GatingTemplate.Readout,
                   thresholds: [String: ControlThreshold], failedControls: [String: String]) -> [String] {
        var row = MarkerReadout(sampleID: entry.sampleID, subjectID: entry.subjectID, condition: entry.condition,
                                population: readout.population, marker: readout.marker, channel: "", events: 0,
                                mfi: .nan, mean: .nan, geomean: .nan, rcv: .nan, threshold: .nan, thresholdSource: "",
                                controlSampleID: "", controlMFI: .nan, deltaMFI: .nan, mfiRatio: .nan, percentPositive: .nan, flags: [])
        guard let events = session.result.membership[readout.population] else {
            row.flags.append("POPULATION_MISSING")
            return row.fields
        }
        row.events = events.count
        let channelValues: (channel: String, values: [Double])
        do {
            channelValues = try values(session, marker: readout.marker)
        } catch {
            row.flags.append("MARKER_MISSING")
            return row.fields
        }
        row.channel = channelValues.channel
        if row.events < max(template.minEvents, 1) {
            row.flags.append(row.events == 0 ? "EMPTY_POPULATION" : "TOO_FEW_EVENTS")
            return row.fields
        }
        // The threshold is known before the sample's own pass (fixed, or from the group's control read first).
        var threshold: Double?
        switch readout.threshold {
        case .fixed(let value): threshold = value
        case .control(let kind, _):
            threshold = thresholds[controlKey(kind, readout.marker) + "\u{1F}" + readout.population].map(\.threshold)
        case .gate: threshold = nil
        }
        if threshold?.isNaN == true { threshold = nil }
        let summary = ChannelSummary(values: channelValues.values, events: events, threshold: threshold)
        // min_events holds for the values the statistics are taken from: the finite ones (n_events stays the count).
        if summary.finite < max(template.minEvents, 1) {
            if summary.nonFinite > 0 { row.flags.append("NONFINITE_EXCLUDED=\(summary.nonFinite)") }
            row.flags.append("TOO_FEW_EVENTS")
            return row.fields
        }
        row.mfi = summary.median
        row.mean = summary.mean
        row.geomean = summary.geomean
        row.rcv = summary.rcv
        row.flags += summary.flags
        switch readout.threshold {
        case .fixed(let value):
            row.threshold = value
            row.thresholdSource = "fixed"
        case .gate(let id):
            row.thresholdSource = "gate \(id)"
            row.percentPositive = 100 * Double(session.result.count(id)) / Double(row.events)
            return row.fields
        case .control(let kind, let percentile):
            guard sheet.matchesControls else {
                row.flags.append("NO_CONTROL_MATCHING")
                return row.fields
            }
            let key = controlKey(kind, readout.marker)
            if let control = thresholds[key + "\u{1F}" + readout.population] {
                row.threshold = control.threshold
                row.thresholdSource = "\(kind) p\(csvNumber(percentile)) (type 7)"
                row.controlSampleID = control.sampleID
                row.controlMFI = control.median
                row.deltaMFI = row.mfi - control.median
                row.flags += control.flags
                if !row.mfi.isNaN && !control.median.isNaN {
                    if let ratio = MarkerReadout.ratio(row.mfi, over: control.median) { row.mfiRatio = ratio } else { row.flags.append("MFI_RATIO_UNDEFINED") }
                }
            } else {
                row.flags.append(failedControls[key] != nil ? "CONTROL_FAILED" : "NO_CONTROL")
                if let id = failedControls[key] { row.controlSampleID = id }
            }
        }
        // The denominator is the events with a finite value: the others were never compared with the threshold.
        if !row.threshold.isNaN && summary.finite > 0 {
            row.percentPositive = 100 * Double(summary.above) / Double(summary.finite)
        }
        return row.fields
    }
}
