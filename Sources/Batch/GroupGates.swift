import FCS
import Foundation
import Gating

/// The gates that the tubes of one group decide together, before each tube is gated on its own:
/// - a tube's overrides (`flowstudy-overrides/1`), which win over everything else;
/// - the pooled gates (`group_by` + `pool`): one gate per pooling key, computed on the pooled events of the key's
///   stained tubes (its controls only when the key has no stained tube) and given to every tube of the key;
/// - a control's data-driven gates on its own marker: the control has no signal there to compute them from, so
///   it takes the gate of the stained tube of the same subject and condition, flagged `FROM:<sample id>`.
///
/// The batch, the review gallery and the editor all decide through this type, so the gate a page draws for a
/// tube is the gate the batch applied to it.
public struct GroupGates: Sendable {
    /// The gating template.
    public let template: GatingTemplate
    /// Per-sample gates replacing the template's.
    public let overrides: GateOverrides

    /// Decisions for `template` with `overrides`.
    public init(template: GatingTemplate, overrides: GateOverrides = GateOverrides()) {
        self.template = template
        self.overrides = overrides
    }

    /// The gates given to each tube (sample id → population → decision), and the tubes whose overrides could not
    /// be applied (an override naming a marker the tube lacks fails the tube, as the template's own gate would).
    public struct Decisions: Sendable {
        /// Sample id → population → the decision the tube's gating session is given.
        public var given: [String: [String: GateDecision]] = [:]
        /// Sample id → why its overrides could not be applied.
        public var failures: [String: any Error] = [:]
    }

    // MARK: Groups

    /// The `group_by` column lists of the template's pooled gates.
    public var poolingColumns: [[String]] {
        template.strategy.populations.compactMap { $0.method }.filter(\.pool).map(\.groupBy)
    }

    /// A tube's pooling key for `columns`: the values as one CSV record, joined by `,` with a value that holds `,`,
    /// `"`, CR or LF quoted (RFC 4180), so two different value lists never share a key (`"a,b",c` is not
    /// `a,"b,c"`); nil when a column is missing.
    public static func poolKey(_ entry: SampleSheet.Entry, _ columns: [String]) -> String? {
        var values: [String] = []
        for column in columns {
            guard let value = entry.columns[column] else { return nil }
            let quoted = value.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            values.append(quoted ? "\"" + value.replacing("\"", with: "\"\"") + "\"" : value)
        }
        return values.joined(separator: ",")
    }

    /// Tubes that must be processed together: a sample with its controls (subject × condition, when
    /// `matchesControls`), joined with every tube sharing a pooling key — the union of both, so a pooled gate sees
    /// all its tubes and a control its sample in one group. Groups are ordered by their smallest sample id
    /// (bytewise), tubes within a group by sheet order.
    public func groups(_ entries: [SampleSheet.Entry], matchesControls: Bool) -> [[SampleSheet.Entry]] {
        var parent = Array(entries.indices)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        func join(_ keyOf: (SampleSheet.Entry) -> String?) {
            var first: [String: Int] = [:]
            for (i, entry) in entries.enumerated() {
                guard let key = keyOf(entry) else { continue }
                if let j = first[key] { parent[root(i)] = root(j) } else { first[key] = i }
            }
        }
        if matchesControls { join { "\($0.subjectID)\u{1F}\($0.condition)" } }
        for columns in Set(poolingColumns) { join { Self.poolKey($0, columns) } }
        var byRoot: [Int: [SampleSheet.Entry]] = [:]
        for i in entries.indices { byRoot[root(i), default: []].append(entries[i]) }
        func smallest(_ group: [SampleSheet.Entry]) -> [UInt8] {
            group.map { Array($0.sampleID.utf8) }.min { $0.lexicographicallyPrecedes($1) } ?? []
        }
        return byRoot.values.sorted { smallest($0).lexicographicallyPrecedes(smallest($1)) }
    }

    /// Every problem of the pooled gates against the sheet's `entries`, found before any work: a `group_by` column
    /// the sheet lacks (by the gate's JSON path in the template's population list).
    public func poolingProblems(_ entries: [SampleSheet.Entry]) -> [String] {
        var problems: [String] = []
        for (i, population) in template.strategy.populations.enumerated() {
            guard let method = population.method, method.pool else { continue }
            for column in method.groupBy where !entries.allSatisfy({ $0.columns[column] != nil }) {
                problems.append("populations[\(i)].gate.group_by: expected a column of the sample sheet, found '\(column)' (population '\(population.id)')")
            }
        }
        return problems
    }

    /// Whether some gate of `entries` is decided by its group rather than by the tube alone: a pooled gate, or a
    /// data-driven gate on the marker a control of `entries` leaves out or replaces.
    public func needsGroups(_ entries: [SampleSheet.Entry]) -> Bool {
        if !poolingColumns.isEmpty { return true }
        return entries.contains { entry in entry.controlMarker.map { !ownMarkerPopulations($0).isEmpty } ?? false }
    }

    // MARK: Deciding

    /// Every tube's given decisions, the group's files read here with `reading` (a tube that cannot be read is left
    /// out: its own gating reports why).
    public func decisions(for group: [SampleSheet.Entry], reading: FCSReadOptions) -> Decisions {
        var samples: [String: Sample] = [:]
        for tube in group { samples[tube.sampleID] = try? FCSFile.readSample(tube.file, options: reading) }
        return decisions(for: group, samples: samples)
    }

    /// Every tube's given decisions: overrides, then pooled gates, then each control's own-marker gates taken
    /// from its matched stained tube: the first stained tube of its subject and condition whose gating succeeds,
    /// gated in full as the batch gates it, so both match the same tube. `samples` holds the tubes that could be
    /// read, by sample id; a tube without a sample is left out.
    public func decisions(for group: [SampleSheet.Entry], samples: [String: Sample]) -> Decisions {
        var decided = overrideDecisions(group, samples: samples)
        pool(group, samples: samples.filter { decided.failures[$0.key] == nil }, given: &decided.given)
        // Each stained tube is gated at most once, however many controls it serves (nil: its gating failed).
        var sessions: [String: GatingSession?] = [:]
        func session(_ stained: SampleSheet.Entry) -> GatingSession? {
            if let known = sessions[stained.sampleID] { return known }
            let made = samples[stained.sampleID].flatMap { sample in
                try? GatingSession(strategy: template.strategy(for: sample), sample: sample, given: decided.given[stained.sampleID] ?? [:])
            }
            sessions[stained.sampleID] = made
            return made
        }
        for control in group where control.isControl && samples[control.sampleID] != nil && decided.failures[control.sampleID] == nil {
            guard let marker = control.controlMarker, !ownMarkerPopulations(marker).isEmpty else { continue }
            for stained in group where !stained.isControl && stained.subjectID == control.subjectID && stained.condition == control.condition
                && decided.failures[stained.sampleID] == nil {
                guard let made = session(stained) else { continue }
                decided.given[control.sampleID, default: [:]].merge(controlGates(control, from: stained, made)) { mine, _ in mine }
                break
            }
        }
        return decided
    }

    /// Each tube's overrides as decisions.
    public func overrideDecisions(_ group: [SampleSheet.Entry], samples: [String: Sample]) -> Decisions {
        var decided = Decisions()
        for entry in group {
            guard let sample = samples[entry.sampleID] else { continue }
            do {
                decided.given[entry.sampleID] = try overrides.decisions(forSample: entry.sampleID, template: template, sample: sample)
            } catch {
                decided.failures[entry.sampleID] = error
            }
        }
        return decided
    }

    /// One gate per pooling key for each pooled population, in dependency order: each tube of the key gated with
    /// the gates pooled so far, its parent's events on the method's dimensions concatenated (stained tubes; the
    /// controls only when the key has no stained tube), the method run once on them, and the decision given to
    /// every tube of the key (source `pooled:<key>`). A tube's own override wins over the pooled gate.
    public func pool(_ group: [SampleSheet.Entry], samples: [String: Sample], given: inout [String: [String: GateDecision]]) {
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

    /// The stained tube's decisions for the control's data-driven gates that read the control's own marker,
    /// flagged `FROM:<sample id>`.
    public func controlGates(_ control: SampleSheet.Entry, from entry: SampleSheet.Entry, _ session: GatingSession) -> [String: GateDecision] {
        guard let marker = control.controlMarker else { return [:] }
        let decisions = Dictionary(session.result.decisions.map { ($0.population, $0) }, uniquingKeysWith: { first, _ in first })
        var gates: [String: GateDecision] = [:]
        for index in ownMarkerPopulations(marker) {
            let population = template.strategy.populations[index]
            guard var decision = decisions[population.id] else { continue }
            decision.flags.append("FROM:\(entry.sampleID)")
            gates[population.id] = decision
        }
        return gates
    }

    /// The indices of the data-driven populations whose method reads `marker` (aliases resolved by the template).
    func ownMarkerPopulations(_ marker: String) -> [Int] {
        let key = template.markerKey(marker)
        return template.strategy.populations.indices.filter { index in
            template.strategy.populations[index].method?.dimensions.contains {
                if case .marker(let name) = $0.source { return template.markerKey(name) == key }
                return false
            } ?? false
        }
    }

    /// The indices of `id` and every population it depends on (parents, boolean operands, referenced gates).
    public static func upstream(of id: String?, in strategy: GatingStrategy) -> Set<Int> {
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
}
