import FCS
import Foundation
import Gating

/// A group of tubes under a template with data-driven gates: pooled gates first (one per pooling key, computed on
/// the stained tubes' pooled events and applied to every tube of the key), then the stained tubes (each keeping
/// its session until its controls are read), then the controls — a gate on a control's own marker takes the
/// matched stained tube's gate — and last the stained tubes' readouts with the controls' thresholds.
extension BatchRunner {
    func processDataDriven(_ group: [SampleSheet.Entry], tubeDone: (Int) -> Void) -> BatchResult {
        var result = BatchResult()
        var samples: [String: Sample] = [:]
        var failed: Set<String> = []
        for entry in group {
            if let sample = read(entry, into: &result) { samples[entry.sampleID] = sample } else { failed.insert(entry.sampleID); tubeDone(0) }
        }
        var given: [String: [String: GateDecision]] = [:]
        for entry in group {
            guard let sample = samples[entry.sampleID] else { continue }
            do {
                given[entry.sampleID] = try overrides.decisions(forSample: entry.sampleID, template: template, sample: sample)
            } catch {
                // An override naming a marker this tube lacks fails the tube, as the template's own gate would.
                let (code, message) = Self.describe(error)
                result.errors.append([entry.sampleID, entry.file, code, message])
                samples[entry.sampleID] = nil
                failed.insert(entry.sampleID)
                tubeDone(0)
            }
        }
        poolGates(group, samples: samples, given: &given)

        var thresholds: [String: ControlThreshold] = [:]
        var failedControls: [String: String] = [:]
        var stained: [(SampleSheet.Entry, GatingSession, Date)] = []
        func session(_ entry: SampleSheet.Entry, extra: [String: GateDecision] = [:]) -> GatingSession? {
            guard let sample = samples[entry.sampleID] else { return nil }
            do {
                let made = try GatingSession(strategy: template.strategy(for: sample), sample: sample,
                                             given: (given[entry.sampleID] ?? [:]).merging(extra) { mine, _ in mine })
                record(made, entry: entry, into: &result)
                return made
            } catch {
                let (code, message) = Self.describe(error)
                result.errors.append([entry.sampleID, entry.file, code, message])
                return nil
            }
        }
        for entry in group where !entry.isControl && !failed.contains(entry.sampleID) {
            let clock = Date()
            guard let made = session(entry) else { tubeDone(0); continue }
            stained.append((entry, made, clock))
        }
        for entry in group where entry.isControl && !failed.contains(entry.sampleID) {
            let clock = Date()
            let matched = stained.first { $0.0.subjectID == entry.subjectID && $0.0.condition == entry.condition }
            guard let made = session(entry, extra: matched.map { controlGates(entry, from: $0.0, $0.1) } ?? [:]) else {
                if let marker = entry.controlMarker, let type = entry.controlType { failedControls[controlKey(type, marker)] = entry.sampleID }
                tubeDone(0)
                continue
            }
            addThresholds(made, control: entry, to: &thresholds)
            finish(made, entry: entry, since: clock, into: &result, tubeDone: tubeDone)
        }
        for (entry, made, clock) in stained {
            for readout in template.readouts {
                result.markers.append(markerRow(made, entry: entry, readout: readout, thresholds: thresholds, failedControls: failedControls))
            }
            finish(made, entry: entry, since: clock, into: &result, tubeDone: tubeDone)
        }
        return result
    }

    /// The stained tube's decisions for the control's data-driven gates that read the control's own marker
    /// (the control has no signal there to compute them from), flagged `FROM:<sample id>`.
    func controlGates(_ control: SampleSheet.Entry, from entry: SampleSheet.Entry, _ session: GatingSession) -> [String: GateDecision] {
        guard let marker = control.controlMarker else { return [:] }
        let key = template.markerKey(marker)
        var gates: [String: GateDecision] = [:]
        let decisions = Dictionary(session.result.decisions.map { ($0.population, $0) }, uniquingKeysWith: { first, _ in first })
        for population in template.strategy.populations {
            guard let method = population.method, method.dimensions.contains(where: {
                if case .marker(let name) = $0.source { return template.markerKey(name) == key }
                return false
            }), var decision = decisions[population.id] else { continue }
            decision.flags.append("FROM:\(entry.sampleID)")
            gates[population.id] = decision
        }
        return gates
    }

    /// The indices of `id` and every population it depends on (parents, boolean operands, referenced gates).
    static func upstream(of id: String?, in strategy: GatingStrategy) -> Set<Int> {
        var owner: [String: Int] = [:]
        for (index, population) in strategy.populations.enumerated() {
            owner[population.id] = index
            if case .quadrant(let gate) = population.gate { for q in gate.quadrants { owner[q.id] = index } }
        }
        var found: Set<Int> = []
        var pending = id.map { [$0] } ?? []
        while let name = pending.popLast() {
            guard let index = owner[name], found.insert(index).inserted else { continue }
            let population = strategy.populations[index]
            if let parent = population.parent { pending.append(parent) }
            if case .boolean(let gate) = population.gate { pending += gate.operands.map(\.reference) }
            if case .ref(let other)? = population.method?.kind { pending.append(other) }
        }
        return found
    }

    /// One gate per pooling key for each pooled population, in dependency order: each tube of the key gated with
    /// the gates pooled so far, its parent's events on the method's dimensions concatenated (stained tubes; the
    /// controls only when the key has no stained tube), the method run once on them, and the decision given to
    /// every tube of the key (source `pooled:<key>`). A tube's own override wins over the pooled gate.
    func poolGates(_ group: [SampleSheet.Entry], samples: [String: Sample], given: inout [String: [String: GateDecision]]) {
        let strategy = template.strategy
        guard let order = try? GatingEngine.dependencyOrder(strategy) else { return }
        for index in order {
            let population = strategy.populations[index]
            guard let method = population.method, method.pool else { continue }
            var byKey: [String: [SampleSheet.Entry]] = [:]
            var keys: [String] = []
            for entry in group where samples[entry.sampleID] != nil {
                guard let key = Self.poolKey(entry, method.groupBy) else { continue }
                if byKey[key] == nil { keys.append(key) }
                byKey[key, default: []].append(entry)
            }
            // Only what the parent needs is gated to collect its events.
            let upstream = Self.upstream(of: population.parent, in: strategy)
            for key in keys {
                let members = byKey[key] ?? []
                let stainedMembers = members.filter { !$0.isControl }
                var columns = [[Double]](repeating: [], count: method.dimensions.count)
                for entry in stainedMembers.isEmpty ? members : stainedMembers {
                    guard let sample = samples[entry.sampleID],
                          var strategy = try? template.strategy(for: sample) else { continue }
                    let own = strategy.populations[index]
                    strategy.populations = strategy.populations.enumerated().filter { upstream.contains($0.offset) }.map(\.element)
                    guard let session = try? GatingSession(strategy: strategy, sample: sample, given: given[entry.sampleID] ?? [:]),
                          let input = try? session.parentValues(own.method?.dimensions ?? [], parent: own.parent) else { continue }
                    for d in columns.indices { columns[d] += input[d] }
                }
                // The dimensions resolved to the channels of the key's first tube (one panel within a key).
                var resolved = population
                if let first = members.first, let sample = samples[first.sampleID],
                   let own = try? template.strategy(for: sample).populations[index] { resolved = own }
                var decision = GatingEngine.decide(resolved, method: resolved.method ?? method, columns: columns)
                if decision.source == .computed { decision.source = .pooled(key) }
                for entry in members where given[entry.sampleID]?[population.id]?.source != .override {
                    given[entry.sampleID, default: [:]][population.id] = decision
                }
            }
        }
    }
}
